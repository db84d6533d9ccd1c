"""The store's layout on disk: names, the ledger's columns, its files and folders, and the low-level
reading and durable writing that :mod:`csp_data.store.versions` builds on. See that module for the design."""

from __future__ import annotations

import fcntl
import json
import os
import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from csp_data.errors import CspDataError
from csp_data.store.forces import ForceNameError, force_key

CURRENT = "current"
VERSIONS_DIR = "versions"
INCIDENTS_DIR = "incidents"
LEDGER_FILE = "ledger.parquet"
MANIFEST_FILE = "manifest.json"
READERS_FILE = ".readers"
LOCK_FILE = ".lock"
FORMAT = 2
# An old version is removed once no app reader holds it and it has been superseded this long, so an
# analyst's DuckDB session that pinned it (README, "The store") can finish its queries.
KEEP_SECONDS = 600
_VERSION_NAME = re.compile(r"^v(\d{6})-([0-9a-f]{8})$")
_MONTH_FOLDER = re.compile(r"^period=(\d{4}-\d{2})$")
_FORCE_FOLDER = re.compile(r"^force_slug=([a-z0-9][a-z0-9-]*)$")
_PART_FILE = re.compile(r"^part-[0-9a-f]{32}\.parquet$")
# What an earlier version of this tool wrote, read as it is and migrated on the next write.
_LEGACY_FILE = "incidents.parquet"
_LEGACY_JOURNAL = ".journal.json"

LEDGER_SCHEMA = pa.schema(
    [
        ("month", pa.date32()),
        ("force", pa.string()),
        ("force_slug", pa.string()),
        ("source", pa.string()),
        ("rows_read", pa.int64()),
        ("rows_kept", pa.int64()),
        ("no_location", pa.int64()),
        ("outside_area", pa.int64()),
        ("malformed", pa.int64()),
        ("in_no_ward", pa.int64()),
        ("loaded_at", pa.timestamp("s", tz="UTC")),
    ]
)


class StoreError(CspDataError):
    """The store cannot be read or written as it is; the message says what to run."""


REPAIR_HINT = "Run `python -m csp_data status` to see what is wrong and `python -m csp_data repair` to fix it."


def _fault_point(step: str) -> None:
    """Deliver a signal to this process at a named step, when a crash test asks for it.

    ``CSP_STORE_FAULT=step:SIGNAL[:n]`` (e.g. ``linked:KILL`` or ``gc:INT:2``) sends the signal
    the n-th time (default the first) the step is reached. Only the crash tests set it.
    """
    wanted = os.environ.get("CSP_STORE_FAULT")
    if not wanted:
        return
    parts = wanted.split(":")
    if parts[0] != step:
        return
    count = _fault_point.counts.get(step, 0) + 1  # type: ignore[attr-defined]
    _fault_point.counts[step] = count  # type: ignore[attr-defined]
    if count == (int(parts[2]) if len(parts) > 2 else 1):
        os.kill(os.getpid(), getattr(signal, "SIG" + parts[1]))


_fault_point.counts = {}  # type: ignore[attr-defined]


def partition_folder(month: str, slug: str) -> str:
    """Folder of one month (``YYYY-MM``) and force key inside a version, relative to it."""
    return f"{INCIDENTS_DIR}/period={month}/force_slug={slug}"


@dataclass(frozen=True)
class StoreFile:
    """One parquet file of a version: the rows of one month reported by one force."""

    path: str  # relative to the version folder
    month: str
    force: str
    force_slug: str
    rows: int


def _shared_lock(path: Path):
    """Open ``path`` and hold a shared lock on it; None when it does not exist."""
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        return None
    fcntl.flock(handle, fcntl.LOCK_SH)
    return handle


def _superseded_times(versions: Path) -> dict[str, float]:
    """When each version stopped being current: the time the next version's list of files was written."""
    named = sorted((int(m.group(1)), p) for p in versions.iterdir() if (m := _VERSION_NAME.match(p.name)))
    out = {}
    for (_, older), (_, newer) in zip(named, named[1:]):
        try:
            out[older.name] = (newer / MANIFEST_FILE).stat().st_mtime
        except FileNotFoundError:
            out[older.name] = 0.0
    return out


@contextmanager
def _exclusive_if_unused(folder: Path) -> Iterator[bool]:
    """True (holding the version's readers' lock exclusively) when no reader uses it; never waits."""
    try:
        handle = open(folder / READERS_FILE, "rb")
    except FileNotFoundError:
        yield True
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def read_manifest(folder: Path, name: str) -> tuple[StoreFile, ...]:
    """The files a version lists, each checked to be a file of the version's own folder."""
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        files = tuple(StoreFile(**entry) for entry in manifest["files"])
        if manifest.get("format") != FORMAT or manifest.get("version") != name:
            raise ValueError("wrong format or version")
    except FileNotFoundError:
        raise StoreError(f"the store's version {name} has no list of files. {REPAIR_HINT}") from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise StoreError(f"the store's list of files for version {name} is damaged. {REPAIR_HINT}") from None
    for item in files:
        parts = Path(item.path).parts
        if (
            len(parts) != 4
            or parts[0] != INCIDENTS_DIR
            or not _MONTH_FOLDER.match(parts[1])
            or not _FORCE_FOLDER.match(parts[2])
            or not _PART_FILE.match(parts[3])
        ):
            raise StoreError(f"the store's list of files for version {name} names an unexpected file. {REPAIR_HINT}")
    return files


def _read_ledger_file(path: Path, name: str) -> pa.Table:
    try:
        table = pq.read_table(path)
    except FileNotFoundError:
        raise StoreError(f"the store's ledger for version {name} is missing. {REPAIR_HINT}") from None
    except (pa.ArrowException, OSError):
        raise StoreError(f"the store's ledger for version {name} is damaged. {REPAIR_HINT}") from None
    if "force_slug" not in table.column_names:  # written by an earlier version of this tool
        table = pa.Table.from_pylist(_with_slugs(table), schema=LEDGER_SCHEMA)
    try:
        return table.select(LEDGER_SCHEMA.names).cast(LEDGER_SCHEMA)
    except (KeyError, pa.ArrowException):
        raise StoreError(f"the store's ledger for version {name} is damaged. {REPAIR_HINT}") from None


def _with_slugs(ledger: pa.Table) -> list[dict]:
    rows = []
    for row in ledger.to_pylist():
        if not row.get("force_slug"):
            try:
                row["force_slug"] = force_key(row["force"] or "")
            except ForceNameError:
                row["force_slug"] = "unknown"
        rows.append(row)
    return rows


def _write_durably(path: Path, write) -> None:
    with open(path, "wb") as handle:
        write(handle)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_tree(top: Path) -> None:
    """Make the folders of a new version durable (its files were synced as they were written)."""
    for folder, _, _ in os.walk(top):
        _fsync_dir(Path(folder))
