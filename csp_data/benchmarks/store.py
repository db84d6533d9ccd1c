"""Where the benchmark table and its companion files live, and writing and reading the table.

The table is ``benchmarks/ons_csp.parquet`` inside a folder: the area's store (written by
``python -m csp_data benchmarks load``), the area folder, or the embedded default area's folder,
whose copy covers every CSP in England and Wales and so serves any area.
:func:`find_benchmark_table` is the one place that decides which of them a page, the command line
or the priorities page reads.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from csp_data.benchmarks.errors import BenchmarkError, BenchmarkFileError, BenchmarkFileNotFoundError
from csp_data.benchmarks.groups import TIDY_COLUMNS
from csp_data.benchmarks.rates import typed, upgrade
from csp_data.config import DEFAULT_AREA_FILE

__all__ = [
    "EMBEDDED_AREA_DIR",
    "PUBLISHED_TABLE_PATTERN",
    "benchmark_file",
    "benchmark_table_path",
    "benchmarks_path",
    "find_benchmark_table",
    "published_table_paths",
    "read_benchmark_table",
    "read_benchmarks",
    "write_benchmarks",
]

#: The embedded default area's folder; its ``benchmarks/`` holds the ONS table
#: and the England and Wales boundaries, which serve any area.
EMBEDDED_AREA_DIR = DEFAULT_AREA_FILE.parent
PUBLISHED_TABLE_PATTERN = "published_*.csv"
LOAD_HINT = "load the ONS tables with `python -m csp_data benchmarks load PATH...`"
# Tables written before rate_source existed lack these two; read_benchmark_table sets them again.
_UPGRADABLE = ("rate_source", "rate_population")


def benchmarks_path(store_dir) -> Path:
    """Location of the benchmark table inside a store (or area) folder."""
    return Path(store_dir) / "benchmarks" / "ons_csp.parquet"


def write_benchmarks(df: pd.DataFrame, store_dir) -> Path:
    """Write the tidy benchmark frame to ``<store_dir>/benchmarks/ons_csp.parquet``.

    The file is written beside its destination and moved into place with
    :func:`os.replace`, so readers see the old table or the new one, never a
    partial file; a failed write leaves the old table as it was.

    Parameters
    ----------
    df : pandas.DataFrame
        Frame with :data:`TIDY_COLUMNS` (extra columns are dropped).
    store_dir : str or os.PathLike
        Root of the store.

    Returns
    -------
    pathlib.Path
        The parquet file written.

    Raises
    ------
    BenchmarkError
        If the frame lacks a column of :data:`TIDY_COLUMNS`.
    """
    missing = [column for column in TIDY_COLUMNS if column not in df.columns]
    if missing:
        raise BenchmarkError(f"write_benchmarks: frame lacks column(s) {', '.join(missing)}")
    target = benchmarks_path(store_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(typed(df), preserve_index=False)
    # Period ends are calendar dates; DATE is what DuckDB users expect.
    position = table.schema.get_field_index("period_end")
    table = table.set_column(position, "period_end", table.column("period_end").cast(pa.date32()))
    table = table.replace_schema_metadata(None)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".ons_csp.", suffix=".parquet.tmp")
    os.close(handle)
    # mkstemp makes the file private (0600); give it the mode any new file would have.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)
    try:
        pq.write_table(table, temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def read_benchmark_table(path) -> pd.DataFrame:
    """Read a benchmark table (parquet) written by :func:`write_benchmarks`, wherever it lies.

    A table written before ``rate_source`` existed has its rates set again as
    :func:`load_benchmarks` sets them now (ONS's own where it publishes one).

    Parameters
    ----------
    path : str or os.PathLike
        The parquet file, e.g. from :func:`find_benchmark_table`.

    Returns
    -------
    pandas.DataFrame
        Tidy frame with :data:`TIDY_COLUMNS`.

    Raises
    ------
    BenchmarkFileNotFoundError
        If there is no such file.
    BenchmarkFileError
        If it is not a parquet file or lacks a column of the benchmark table.
    """
    path = Path(path)
    if not path.is_file():
        raise BenchmarkFileNotFoundError(f"{path}: no benchmark table ({LOAD_HINT})")
    try:
        # ParquetFile reads the one file directly; read_table's dataset machinery took ten times as long.
        frame = pq.ParquetFile(path).read().to_pandas()
    except (pa.ArrowException, OSError) as exc:
        raise BenchmarkFileError(path, f"not a readable parquet file ({type(exc).__name__})") from None
    missing = [c for c in TIDY_COLUMNS if c not in frame.columns and c not in _UPGRADABLE]
    if missing:
        raise BenchmarkFileError(path, f"not an ONS benchmark table (no column {', '.join(missing)}); {LOAD_HINT}")
    if any(column not in frame for column in _UPGRADABLE):
        frame = upgrade(frame)
    return typed(frame)


def read_benchmarks(store_dir) -> pd.DataFrame:
    """Read the benchmark table of a store (or area) folder: :func:`read_benchmark_table` of :func:`benchmarks_path`.

    Raises
    ------
    BenchmarkFileNotFoundError
        If no benchmark table has been written there (a ``FileNotFoundError``).
    """
    return read_benchmark_table(benchmarks_path(store_dir))


def find_benchmark_table(store_dir, area_dir) -> Path:
    """The benchmark table an area uses: the store's copy, else the area folder's, else the embedded one.

    The store's copy (written by ``python -m csp_data benchmarks load``) wins,
    so newer ONS tables loaded by an analyst are used at once; otherwise the
    copy shipped in the area folder, otherwise the embedded one (the ONS table
    covers every CSP in England and Wales, so it serves any area).  The
    Benchmarking and Priorities pages and the command line all look here.

    Parameters
    ----------
    store_dir, area_dir : str or os.PathLike
        The store folder and the folder of the area file.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    BenchmarkFileNotFoundError
        If none of the three exists (a ``FileNotFoundError``).
    """
    candidates = [benchmarks_path(store_dir), benchmarks_path(area_dir), benchmarks_path(EMBEDDED_AREA_DIR)]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise BenchmarkFileNotFoundError(f"{candidates[0]}: no benchmark table ({LOAD_HINT})")


#: The earlier name of :func:`find_benchmark_table`, kept while callers move over.
benchmark_table_path = find_benchmark_table


def benchmark_file(area_dir, name: str, *, fallback: bool = True) -> Path | None:
    """``<area_dir>/benchmarks/<name>``, else the embedded copy when ``fallback``; ``None`` if neither exists."""
    folders = [Path(area_dir) / "benchmarks"] + ([EMBEDDED_AREA_DIR / "benchmarks"] if fallback else [])
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
    return None


def published_table_paths(area_dir) -> list[Path]:
    """The area's transcribed published benchmark tables (never another area's)."""
    return sorted((Path(area_dir) / "benchmarks").glob(PUBLISHED_TABLE_PATTERN))
