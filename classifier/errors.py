"""Errors a user can cause, each with its own exit code (from BSD sysexits) and a one-line message.

They subclass click's exception so the command line prints them as ``Error: ...`` without a
traceback, while the Python API raises them like any other exception.
"""

from __future__ import annotations

import click

EXIT_DATA = 65  # the input exists but its content is wrong
EXIT_NO_INPUT = 66  # an input is missing, unreadable or empty
EXIT_OS_ERROR = 71  # the system stopped a process: a worker killed for lack of memory, say
EXIT_CANT_CREATE = 73  # an output cannot be written or already exists
EXIT_NOT_TRUSTED = 77  # a model file that could run code and cannot be verified
EXIT_INTERRUPTED = 130  # stopped by Ctrl-C (128 + SIGINT), as shells report it


class ClaimtagError(click.ClickException):
    exit_code = 1


class DataError(ClaimtagError):
    exit_code = EXIT_DATA


class NoInputError(ClaimtagError):
    exit_code = EXIT_NO_INPUT


class OutputError(ClaimtagError):
    exit_code = EXIT_CANT_CREATE


class ArtifactError(DataError):
    """A file that is not a claimtag model, or one that cannot be read as one."""


def at(path: object, line: int | None = None) -> str:
    """The ``file:line`` prefix of a message about a place in an input."""
    return f"{path}:{line}" if line is not None else str(path)


class UntrustedError(ClaimtagError):
    """A model file refused because loading it could run code nobody vouched for."""

    exit_code = EXIT_NOT_TRUSTED


class WorkerError(ClaimtagError):
    exit_code = EXIT_OS_ERROR


class Interrupted(ClaimtagError):
    exit_code = EXIT_INTERRUPTED
