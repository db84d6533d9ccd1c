"""The incidents store: plain parquet files, replaced a month at a time, all or nothing.

Layout (documented in the README)::

    STORE/incidents/period=YYYY-MM/force_slug=<slug>/incidents.parquet   one file per month and force
    STORE/ledger.parquet                                            what was loaded, row counts by reason

A load writes its new files into a staging folder, then swaps them in. Before the swap a journal
lists every move; if the swap is interrupted (an error, a full disk, Ctrl-C) the moves are undone
at once, or at the next use of the store if the process died, so readers only ever see the store
as it was before the load or as it is after it.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

INCIDENTS_DIR = "incidents"
LEDGER_FILE = "ledger.parquet"
JOURNAL_FILE = ".journal.json"
LOCK_FILE = ".lock"
PARQUET_FILE = "incidents.parquet"

LEDGER_SCHEMA = pa.schema(
    [
        ("month", pa.date32()),
        ("force", pa.string()),
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


def force_slug(force: str) -> str:
    """A folder-safe name for a police force ('Kent Police' -> 'kent-police')."""
    slug = re.sub(r"[^a-z0-9]+", "-", force.lower()).strip("-")
    return slug or "unknown"


def partition_path(month: str, force: str) -> str:
    """Path of the parquet file for one month (``YYYY-MM``) and force, relative to the store."""
    return f"{INCIDENTS_DIR}/period={month}/force_slug={force_slug(force)}/{PARQUET_FILE}"


class Store:
    """A folder holding the incidents of one area.

    Parameters
    ----------
    root : str or Path
        The store folder; created on the first load.
    """

    def __init__(self, root: str | Path):
        self.root = Path(root)

    @property
    def incidents_glob(self) -> str:
        """Glob matching every incidents file, for ``read_parquet``."""
        return str(self.root / INCIDENTS_DIR / "*" / "*" / PARQUET_FILE)

    @property
    def ledger_path(self) -> Path:
        return self.root / LEDGER_FILE

    def has_incidents(self) -> bool:
        return any((self.root / INCIDENTS_DIR).glob(f"*/*/{PARQUET_FILE}"))

    def read_ledger(self) -> pa.Table:
        """The ledger: one row per loaded month and force (empty when nothing is loaded)."""
        if (self.root / JOURNAL_FILE).exists():
            with self._locked():
                self.recover()
        return self._ledger_as_is()

    def _ledger_as_is(self) -> pa.Table:
        if not self.ledger_path.exists():
            return LEDGER_SCHEMA.empty_table()
        return pq.read_table(self.ledger_path, schema=LEDGER_SCHEMA)

    def version(self) -> str:
        """Changes whenever a load lands; used in cache keys so new data is never hidden."""
        try:
            stat = self.ledger_path.stat()
        except FileNotFoundError:
            return "empty"
        return f"{stat.st_mtime_ns}-{stat.st_size}"

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK_FILE, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def recover(self) -> None:
        """Undo an interrupted load, if the last process died part-way through one."""
        journal_path = self.root / JOURNAL_FILE
        if journal_path.exists():
            journal = json.loads(journal_path.read_text())
            _roll_back(self.root, journal)
            journal_path.unlink()
        for stray in list(self.root.glob(".staging-*")) + list(self.root.glob(".backup-*")):
            shutil.rmtree(stray, ignore_errors=True)

    def replace_partitions(self, partitions: dict[tuple[str, str], pa.Table | None], ledger_rows: list[dict]) -> None:
        """Replace the given (month, force) partitions and their ledger rows in one step.

        Parameters
        ----------
        partitions : dict
            ``(YYYY-MM, force) -> table`` of the new rows; ``None`` or an empty table removes the
            partition (a month loaded with no rows in the area).
        ledger_rows : list of dict
            One ledger row per partition, with the fields of ``LEDGER_SCHEMA`` but ``loaded_at``.
        """
        with self._locked():
            self.recover()
            token = uuid.uuid4().hex
            staging = self.root / f".staging-{token}"
            backup = self.root / f".backup-{token}"
            try:
                moves = self._stage(staging, partitions, ledger_rows)
                journal = {"staging": staging.name, "backup": backup.name, "moves": moves}
                _write_atomically(self.root / JOURNAL_FILE, json.dumps(journal).encode())
                try:
                    _apply(self.root, journal)
                except BaseException:
                    _roll_back(self.root, journal)
                    (self.root / JOURNAL_FILE).unlink()
                    raise
                (self.root / JOURNAL_FILE).unlink()  # the load has landed
            finally:
                shutil.rmtree(staging, ignore_errors=True)
                shutil.rmtree(backup, ignore_errors=True)

    def _stage(self, staging: Path, partitions: dict, ledger_rows: list[dict]) -> list[dict]:
        moves = []
        for (month, force), table in sorted(partitions.items()):
            relative = partition_path(month, force)
            staged = table is not None and table.num_rows > 0
            moves.append({"path": relative, "staged": staged})
            if staged:
                target = staging / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                pq.write_table(table, target, compression="zstd", row_group_size=1 << 20)
        replaced = {(r["month"], force_slug(r["force"])) for r in ledger_rows}
        old = self._ledger_as_is().to_pylist()
        kept = [r for r in old if (r["month"], force_slug(r["force"])) not in replaced]
        now = datetime.now(timezone.utc).replace(microsecond=0)
        new = [dict(r, loaded_at=now) for r in ledger_rows]
        ledger = pa.Table.from_pylist(sorted(kept + new, key=lambda r: (r["month"], r["force"])), schema=LEDGER_SCHEMA)
        staging.mkdir(parents=True, exist_ok=True)
        pq.write_table(ledger, staging / LEDGER_FILE)
        moves.append({"path": LEDGER_FILE, "staged": True})
        return moves


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _apply(root: Path, journal: dict) -> None:
    staging, backup = root / journal["staging"], root / journal["backup"]
    for move in journal["moves"]:
        relative = move["path"]
        current, new = root / relative, staging / relative
        if current.exists():
            (backup / relative).parent.mkdir(parents=True, exist_ok=True)
            os.replace(current, backup / relative)
        if new.exists():
            current.parent.mkdir(parents=True, exist_ok=True)
            os.replace(new, current)
    _remove_empty_dirs(root / INCIDENTS_DIR)


def _roll_back(root: Path, journal: dict) -> None:
    """Put back every file the journal's moves displaced; remove every file they added."""
    staging, backup = root / journal["staging"], root / journal["backup"]
    for move in journal["moves"]:
        relative = move["path"]
        current, new, saved = root / relative, staging / relative, backup / relative
        if saved.exists():
            current.parent.mkdir(parents=True, exist_ok=True)
            os.replace(saved, current)
        elif move["staged"] and current.exists() and not new.exists():
            # It was moved in from staging (staging no longer has it), so it is not the old file.
            current.unlink()
    _remove_empty_dirs(root / INCIDENTS_DIR)


def _remove_empty_dirs(top: Path) -> None:
    if not top.is_dir():
        return
    for folder in sorted((p for p in top.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
