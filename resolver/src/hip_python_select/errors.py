"""Every way a command can end badly, as an exception class that carries its exit code.

A module raises the outcome (``NoWheel("...")``); ``cli.main`` prints its message as one line
(and, with ``--json``, one ``{"error", "exit_code"}`` object) and exits with ``exc.code``.  The
codes are the ones ``hip-python-select --help`` documents; this is the one place they are written.
"""
from __future__ import annotations

from typing import Optional

OK = 0


class Failure(Exception):
    """A command's failure: the message (one line, says what to do) and the exit code."""

    code = 1

    def __init__(self, message: str, code: Optional[int] = None):
        super().__init__(message)
        if code is not None:
            self.code = code


class Problem(Failure):
    """check/doctor found a problem; an unreadable manifest; an internal error."""
    code = 1


class UsageError(Failure):
    """The command line asks for something impossible or contradicting."""
    code = 2


class NoHip(Failure):
    """No HIP installation detected."""
    code = 3


class NoWheel(Failure):
    """No wheel (or no pin) for this HIP version."""
    code = 4


class IndexFailed(Failure):
    """An index, find-links location or download failed, or none was named; nothing was changed."""
    code = 5


class FetchError(IndexFailed, OSError):
    """The chosen wheel could not be downloaded, or its bytes are not what the index or RECORD say."""


class InstallFailed(Failure, RuntimeError):
    """pip/uv failed or the result did not verify; the previously installed hip-python is back."""
    code = 6


class NotInstalled(Failure):
    code = 7


class Mismatch(Failure):
    code = 8


class Interrupted(Failure):
    code = 130

