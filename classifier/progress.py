"""A one-line progress report on stderr (documents, sentences, rate), for people watching a terminal.

Silent when stderr is not a terminal (a log file or a pipe wants no carriage returns) or with --quiet.
"""

from __future__ import annotations

import sys
import time

_EVERY = 0.25  # seconds between redraws


class Progress:
    def __init__(self, enabled: bool | None = None, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.documents = self.sentences = 0
        self._start = self._drawn = time.monotonic()

    def update(self, sentences: int) -> None:
        """One more document done, with this many sentences."""
        self.documents += 1
        self.sentences += sentences
        now = time.monotonic()
        if self.enabled and now - self._drawn >= _EVERY:
            self._drawn = now
            self._draw(now)

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, now: float) -> None:
        rate = self.sentences / max(now - self._start, 1e-9)
        self.stream.write(
            f"\rclaimtag: {self.documents:,} documents, {self.sentences:,} sentences, {rate:,.0f} sentences/s "
        )
        self.stream.flush()
