"""``python -m classifier`` is the ``claimtag`` command."""

from .cli import main

main(prog_name="claimtag")
