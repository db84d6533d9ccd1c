"""Errors that reach users as one clear line, never as a traceback."""

from __future__ import annotations

from pathlib import Path


class CspDataError(Exception):
    """Base class for errors whose message is meant for the user as it stands."""


class InputFileError(CspDataError, ValueError):
    """A file given to the dashboard cannot be used.

    Parameters
    ----------
    path : str or Path
        The file (or ``archive.zip:member``) that is wrong.
    problem : str
        What is wrong, in plain words.
    line : int, optional
        The 1-based line of the file where the problem is, when there is one.
    """

    def __init__(self, path: str | Path, problem: str, line: int | None = None):
        self.path = str(path)
        self.problem = problem
        self.line = line
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {problem}")


class AreaFileError(InputFileError):
    """The area (TOML) file describing a partnership is missing a field or has a wrong one."""


class QueryError(CspDataError):
    """A named query was called wrongly (unknown name, undeclared or missing parameters)."""
