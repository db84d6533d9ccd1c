"""Statistics that take long to compute, kept on disk with the store version they were computed from.

The Hotspots page's Gi* permutation test, repeat locations and emerging-hotspot trend tests take from
a few hundred milliseconds to seconds each. Streamlit keeps them in memory, but any client can empty
those caches; kept here, a cleared cache costs only a file read. Layout::

    STORE/statcache/<store version>/<name>-<key digest>/value.json      what the value is, its plain fields
    STORE/statcache/<store version>/<name>-<key digest>/<field>.parquet  its tables

The key digest covers the arguments, the format and the source code of the modules that compute the
value, so new data (a new store version), other arguments or changed code never reuse an old entry.
An entry is written into a hidden folder and renamed into place whole, so readers (in this process
or another) see a whole entry or none; a damaged or unreadable entry is a miss and is computed again.
The writing is done by one thread per process after :meth:`StatCache.get` has returned the value, so a
visitor waits for the computation only (the writes took 25-40 ms of a Hotspots choice's first time);
until an entry is on disk, reads in this process are answered from its tables held in memory, and
:func:`wait_for_writes` waits for every write asked for (the warm-up's, before it says what it kept).
A process killed meanwhile loses only entries not yet written, which are computed again. A thread asking for
an entry that another thread of the process is computing waits for that value instead of computing it too.
Folders of other store versions are removed when the first entry of a new version is written. When
the folder cannot be written (a read-only store), values are computed and returned as before.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

log = logging.getLogger("csp_dashboard")

CACHE_FOLDER = "statcache"
FORMAT = 1
#: Entries kept for one store version; past this the oldest are removed. The Hotspots page keeps five a
#: choice of period and type, and the warm-up keeps every year's: 21 periods x 15 types on 10 years of data.
MAX_ENTRIES = 2000
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_NUMBERED = re.compile(r"^v(\d+)-")  # store versions are numbered: a later one is never removed for an earlier
_VALUE_FILE = "value.json"
_STALE_SECONDS = 3600

T = TypeVar("T")
_WARNED: set[str] = set()

#: The one thread writing entries, and the entries asked for and not yet on disk (path: their parts).
_WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="statcache-writer")
_PENDING: dict[Path, tuple[dict, dict[str, pa.Table]]] = {}
_PENDING_LOCK = threading.Lock()
_WRITES: set[Future] = set()
#: The entries being computed in this process: the thread computing each, and what is set when it ends.
_COMPUTING: dict[Path, tuple[int, threading.Event]] = {}
#: How long a thread waits for another's computation of the same entry before computing it itself (a cycle
#: of entries computed from each other would otherwise wait for ever).
WAIT_SECONDS = 120.0


def _after_fork_in_child() -> None:
    """A forked child has none of its parent's threads: a writer of its own, and nothing held or in hand."""
    global _WRITER, _PENDING_LOCK
    _WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="statcache-writer")
    _PENDING_LOCK = threading.Lock()
    _PENDING.clear()
    _WRITES.clear()
    _COMPUTING.clear()


os.register_at_fork(after_in_child=_after_fork_in_child)


def wait_for_writes(timeout: float | None = None) -> bool:
    """Wait until every entry asked for in this process is written (or has failed to be); False if
    ``timeout`` seconds passed first."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        with _PENDING_LOCK:
            writes = list(_WRITES)
        if not writes:
            return True
        for write in writes:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                write.result(timeout=left)
            except TimeoutError:
                return False


@lru_cache(maxsize=64)
def _module_fingerprint(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def code_fingerprint(modules: Sequence[ModuleType]) -> list[str]:
    """The SHA-256 of each module's source file: a change to the code is a change of key."""
    return [_module_fingerprint(str(Path(m.__file__).resolve())) for m in modules]


def entry_digest(name: str, key: Mapping, modules: Sequence[ModuleType] = ()) -> str:
    """The digest naming an entry: format, name, arguments (dates and tuples as text and lists) and code."""
    text = json.dumps(
        {"format": FORMAT, "name": name, "key": dict(key), "code": code_fingerprint(modules)},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


class StatCache:
    """The statistics of one store version.

    Parameters
    ----------
    root : str or Path
        The cache folder (``STORE/statcache``).
    store_version : str
        The store version the statistics are computed from (``Store.version()``).
    """

    def __init__(self, root: str | Path, store_version: str):
        if not _VERSION.match(store_version):
            raise ValueError(f"store version {store_version!r} cannot name a cache folder")
        self.root = Path(root)
        self.folder = self.root / store_version

    def get(
        self,
        name: str,
        key: Mapping,
        compute: Callable[[], T],
        kind: type,
        modules: Sequence[ModuleType] = (),
    ) -> T:
        """The value stored under ``name`` and ``key``, else ``compute()``, stored for next time.

        Parameters
        ----------
        name : str
            What the value is (``hotspots``); lower-case letters, digits and ``_``.
        key : mapping
            The arguments the value depends on, besides the store version (JSON values, dates, tuples).
        compute : callable
            Called with no arguments on a miss.
        kind : type
            ``pandas.DataFrame``, or a dataclass whose fields are DataFrames or JSON values.
        modules : sequence of modules
            The modules whose code computes the value.
        """
        entry = self._entry(name, key, modules)
        found = self._read(entry, kind)
        if found is not None:
            return found
        me = threading.get_ident()
        with _PENDING_LOCK:
            running = _COMPUTING.get(entry)
            if running is None:
                mine = threading.Event()
                _COMPUTING[entry] = (me, mine)
        if running is not None:
            computing_thread, done = running
            # Another thread is computing it: wait for its value rather than compute it twice (not for ever;
            # and a computation that asks for its own entry computes it, as it always did).
            if computing_thread != me and done.wait(WAIT_SECONDS):
                found = self._read(entry, kind)
                if found is not None:
                    return found
            value = compute()  # it failed there, could not be kept, or is this thread's own
            self._write_later(entry, value, kind)
            return value
        try:
            value = compute()
            self._write_later(entry, value, kind)
            return value
        finally:
            with _PENDING_LOCK:
                del _COMPUTING[entry]
            mine.set()

    def has(self, name: str, key: Mapping, modules: Sequence[ModuleType] = ()) -> bool:
        """Whether the value under ``name`` and ``key`` is stored, being written or being computed in this
        process (a stored entry may still turn out unreadable, and is then computed by :meth:`get`)."""
        entry = self._entry(name, key, modules)
        with _PENDING_LOCK:
            if entry in _PENDING or entry in _COMPUTING:
                return True
        return (entry / _VALUE_FILE).is_file()

    def _entry(self, name: str, key: Mapping, modules: Sequence[ModuleType]) -> Path:
        if not _NAME.match(name):
            raise ValueError(f"cache entry name {name!r} should be lower-case letters, digits and _")
        return self.folder / f"{name}-{entry_digest(name, key, modules)}"

    # ---- reading ----

    def _read(self, entry: Path, kind: type):
        with _PENDING_LOCK:
            pending = _PENDING.get(entry)
        if pending is not None:
            meta, tables = pending
            if meta["kind"] == _kind_name(kind):
                return _value(kind, meta, {f: table.to_pandas() for f, table in tables.items()})
        try:
            text = (entry / _VALUE_FILE).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None  # not computed yet (entries appear whole, with this file in them)
        except OSError:
            return None
        try:
            meta = json.loads(text)
            if meta.get("kind") != _kind_name(kind):
                return None
            frames = {f: pq.read_table(entry / f"{f}.parquet").to_pandas() for f in meta["frames"]}
            return _value(kind, meta, frames)
        except (OSError, ValueError, KeyError, TypeError, pa.ArrowException) as exc:
            log.warning("statistics cache entry %s is unreadable (%s); computing it again", entry.name, exc)
            shutil.rmtree(entry, ignore_errors=True)
            return None

    # ---- writing ----

    def _write_later(self, entry: Path, value, kind: type) -> None:
        """Ask the writer thread to store ``value``: its tables are copied now (whatever the caller then
        does with its frames) and held for reads until the entry is on disk."""
        if kind is pd.DataFrame:
            frames, fields = {"value": value}, {}
        else:
            parts = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
            frames = {k: v for k, v in parts.items() if isinstance(v, pd.DataFrame)}
            fields = {k: v for k, v in parts.items() if k not in frames}
        meta = {"kind": _kind_name(kind), "frames": sorted(frames), "fields": fields}
        try:
            meta = json.loads(json.dumps(meta))  # as a read gives it back; a value JSON cannot hold is not kept
            tables = {k: pa.Table.from_pandas(v.copy(deep=True)) for k, v in frames.items()}  # Arrow shares numbers
        except (TypeError, ValueError, pa.ArrowException) as exc:
            self._warn(exc)
            return
        with _PENDING_LOCK:
            _PENDING[entry] = (meta, tables)
            write = _WRITER.submit(self._write, entry, meta, tables)
            _WRITES.add(write)
        write.add_done_callback(lambda done: self._written(entry, done))

    @staticmethod
    def _written(entry: Path, write: Future) -> None:
        with _PENDING_LOCK:
            _PENDING.pop(entry, None)
            _WRITES.discard(write)

    def _warn(self, exc: Exception) -> None:
        if str(self.root) not in _WARNED:  # once per folder: a read-only store would say it on every miss
            _WARNED.add(str(self.root))
            log.warning("statistics cache %s cannot be written (%s); values are not kept", self.root, exc)

    def _write(self, entry: Path, meta: dict, tables: dict[str, pa.Table]) -> None:
        try:
            first_of_version = not self.folder.is_dir()
            self.folder.mkdir(parents=True, exist_ok=True)
            if first_of_version:
                self._remove_other_versions()
            building = self.folder / f".tmp-{uuid.uuid4().hex}"
            building.mkdir()
            try:
                for field_name, table in tables.items():
                    with open(building / f"{field_name}.parquet", "wb") as handle:
                        pq.write_table(table, handle)
                        os.fsync(handle.fileno())
                with open(building / _VALUE_FILE, "w", encoding="utf-8") as handle:
                    json.dump(meta, handle)
                    handle.flush()
                    os.fsync(handle.fileno())
                try:
                    os.rename(building, entry)
                except OSError:
                    if not entry.is_dir():
                        raise
                    # Another process stored the same entry first; theirs is as good as ours.
            finally:
                shutil.rmtree(building, ignore_errors=True)
            self._bound()
        except (OSError, TypeError, ValueError, pa.ArrowException) as exc:
            self._warn(exc)

    def _remove_other_versions(self) -> None:
        """Remove the folders of earlier versions (a reader still on one of them just computes again)."""
        mine = _NUMBERED.match(self.folder.name)
        for other in self.root.iterdir():
            theirs = _NUMBERED.match(other.name)
            later = mine and theirs and int(theirs.group(1)) > int(mine.group(1))
            if other != self.folder and other.is_dir() and not later:
                shutil.rmtree(other, ignore_errors=True)

    def _bound(self) -> None:
        """Keep at most MAX_ENTRIES entries, removing the oldest; remove builds abandoned by a crash. Only
        the folder's names are read unless there are too many entries (a stat of each of a few hundred
        entries took 8 ms, on every write)."""
        with os.scandir(self.folder) as found:
            names = [entry.name for entry in found]
        entries, now = [], time.time()
        for name in names:
            if name.startswith(".tmp-"):
                path = self.folder / name
                try:
                    if now - path.stat().st_mtime > _STALE_SECONDS:
                        shutil.rmtree(path, ignore_errors=True)
                except FileNotFoundError:
                    pass
            else:
                entries.append(name)
        if len(entries) <= MAX_ENTRIES:
            return
        dated = []
        for name in entries:
            try:
                dated.append((os.stat(self.folder / name).st_mtime, self.folder / name))
            except FileNotFoundError:
                continue
        for _, path in sorted(dated)[: len(dated) - MAX_ENTRIES]:
            shutil.rmtree(path, ignore_errors=True)


def _value(kind: type, meta: dict, frames: dict[str, pd.DataFrame]):
    """The value of ``kind`` from its plain fields (``meta``) and its tables."""
    if kind is pd.DataFrame:
        return frames["value"]
    return kind(**meta["fields"], **frames)


def _kind_name(kind: type) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"


def store_statcache(store_root: str | Path, store_version: str) -> StatCache:
    """The statistics cache of a store: ``STORE/statcache``."""
    return StatCache(Path(store_root) / CACHE_FOLDER, store_version)
