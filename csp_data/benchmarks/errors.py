"""Errors of the benchmarking package, each with a message written for the person who can fix it.

All are :class:`csp_data.errors.CspDataError` subclasses, so the command line prints them as one
line and the pages show them as they stand. Each is also the built-in type callers caught before
(``ValueError`` or ``FileNotFoundError``), so existing ``except`` clauses still work.
"""

from __future__ import annotations

from csp_data.errors import CspDataError, InputFileError

__all__ = ["BenchmarkError", "BenchmarkFileError", "BenchmarkFileNotFoundError", "BoundaryFileError"]


class BenchmarkError(CspDataError, ValueError):
    """A comparison that cannot be made as asked: a CSP, year, offence group or peer not in the table."""


class BenchmarkFileNotFoundError(CspDataError, FileNotFoundError):
    """No benchmark table, or no ONS source file, where one was looked for."""


class BenchmarkFileError(InputFileError):
    """A benchmark source file that cannot be read as an ONS CSP table.

    A :class:`csp_data.errors.InputFileError` (so a ``ValueError``) whose
    one-line message names the file, the worksheet and row or the line, and
    the problem, e.g. ``"tables.xlsx, sheet 'Table C2', row 8: missing column
    'Sexual offences' in the header row"``.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    problem : str
        What is wrong, in one line.
    sheet : str, optional
        Worksheet, for workbooks.
    row : int, optional
        1-based worksheet row.
    line : int, optional
        1-based line of a text file.
    """

    def __init__(
        self, path, problem: str, *, sheet: str | None = None, row: int | None = None, line: int | None = None
    ):
        self.path = str(path)
        self.problem = " ".join(str(problem).split())
        self.sheet = sheet
        self.row = row
        self.line = line
        where = [self.path]
        if sheet:
            where.append(f"sheet {sheet!r}")
        if row is not None:
            where.append(f"row {row}")
        if line is not None:
            where.append(f"line {line}")
        # Skips InputFileError.__init__, whose message has no room for a sheet.
        ValueError.__init__(self, f"{', '.join(where)}: {self.problem}")


class BoundaryFileError(InputFileError):
    """A boundary file that cannot be used (not readable, no LAD23CD/LAD23NM, not lon/lat)."""
