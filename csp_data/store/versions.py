"""The incidents store: immutable parquet files in numbered versions, switched by one atomic rename.

Layout (documented in the README)::

    STORE/current -> versions/v000007-1f3a9c2e       the version every reader uses (a symbolic link)
    STORE/versions/v000007-1f3a9c2e/
        manifest.json                             the version's files: month, force, rows
        ledger.parquet                            what was loaded, rows dropped by reason
        incidents/period=YYYY-MM/force_slug=<key>/part-<token>.parquet
        .readers                                  readers hold a shared lock on it while they read
    STORE/.lock                                   writers hold it exclusively

Nothing in a version folder changes once the version exists. A load (or a removal, or a repair)
builds a whole new version in a hidden folder — new files written, unchanged ones hard-linked from
the current version — makes it durable, and then points ``current`` at it with one rename. That
rename is the only step that changes what readers see, so a load interrupted anywhere (an error, a
full disk, Ctrl-C, a killed process, a second Ctrl-C during clean-up) leaves the store exactly as it
was, and a reader sees either the old version or the new one, never a mix. Leftovers of an
interrupted load are unreferenced folders, which the next writer (or ``repair``) removes; removing
them again after another interruption does the same, so recovery is idempotent.

A version older than ``current`` is removed once no reader holds its ``.readers`` lock.

A store written by an earlier version of this tool (``STORE/incidents/...`` and
``STORE/ledger.parquet`` with no ``current``) is read as it is and migrated on the next write.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from csp_data.store.builder import VersionBuilder
from csp_data.store.forces import force_key
from csp_data.store.layout import (
    _LEGACY_FILE,
    _LEGACY_JOURNAL,
    _MONTH_FOLDER,
    _VERSION_NAME,
    CURRENT,
    INCIDENTS_DIR,
    KEEP_SECONDS,
    LEDGER_FILE,
    LEDGER_SCHEMA,
    LOCK_FILE,
    READERS_FILE,
    REPAIR_HINT,
    VERSIONS_DIR,
    StoreError,
    StoreFile,
    _exclusive_if_unused,
    _fault_point,
    _read_ledger_file,
    _shared_lock,
    _superseded_times,
    _with_slugs,
    read_manifest,
)


@dataclass
class Snapshot:
    """One version of the store as a reader sees it, held open (and kept on disk) until closed.

    Attributes
    ----------
    version : str
        Changes with every committed load; ``"empty"`` for a store with nothing loaded.
    folder : Path or None
        The version's folder; its files never change while the snapshot is open.
    files : tuple of StoreFile
    ledger : pyarrow.Table
    """

    version: str
    folder: Path | None
    files: tuple[StoreFile, ...]
    ledger: pa.Table
    legacy: bool = False
    _lock: object = field(default=None, repr=False)

    @property
    def incidents_glob(self) -> str | None:
        """Glob over this version's incidents files for ``read_parquet`` (None when there are none)."""
        if not self.files or self.folder is None:
            return None
        name = _LEGACY_FILE if self.legacy else "*.parquet"
        return str(self.folder / INCIDENTS_DIR / "*" / "*" / name)

    def file_paths(self) -> list[Path]:
        return [self.folder / f.path for f in self.files] if self.folder else []

    def loaded_months(self, force_keys: Sequence[str] = ()) -> list[date]:
        """The months in the ledger for the forces ``force_keys`` (every force when empty), oldest first,
        whether or not any row fell in the area: the months a page can show."""
        months = self.ledger.column("month").to_pylist()
        if force_keys:
            keys = set(force_keys)
            months = [m for m, k in zip(months, self.ledger.column("force_slug").to_pylist()) if k in keys]
        return sorted(set(months))

    def close(self) -> None:
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.close()  # closing the descriptor releases the shared lock

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Store:
    """A folder holding the incidents of one area.

    Parameters
    ----------
    root : str or Path
        The store folder; created on the first load.
    """

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self._writing = False  # this object holds the writers' lock (it sees the store as a writer must)

    def _writer_active(self) -> bool:
        """Whether another process or object holds the writers' lock now (a load in progress)."""
        try:
            handle = open(self.root / LOCK_FILE, "rb")
        except OSError:
            return False
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            return False

    def _check_folder(self) -> None:
        """A store path naming a file (a slip in the area file's [store] path) is said so, not read as a damaged
        store whose repair then fails with "File exists"."""
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(
                f"the store's path {self.root} is a file, not a folder: check the area file's [store] path (or --store)"
            )

    # ---- reading ----

    def current_version(self) -> str | None:
        """Name of the committed version (``v000007-1f3a9c2e``), or None when there is none."""
        try:
            target = os.readlink(self.root / CURRENT)
        except FileNotFoundError:
            return None
        except OSError:
            raise StoreError(f"the store's '{CURRENT}' entry is not a link to a version. {REPAIR_HINT}") from None
        name = Path(target).name
        if Path(target).parent != Path(VERSIONS_DIR) or not _VERSION_NAME.match(name):
            raise StoreError(f"the store's '{CURRENT}' link points somewhere unexpected. {REPAIR_HINT}")
        return name

    def unlinked_versions(self) -> list[str]:
        """The versions in the store's folder, oldest first, when there is no ``current`` link to say which one
        is committed (a copy or backup that dropped the link, or a first load cut short between its two
        last steps); empty otherwise."""
        versions = self.root / VERSIONS_DIR
        if os.path.lexists(self.root / CURRENT) or not versions.is_dir():
            return []
        named = [p.name for p in versions.iterdir() if _VERSION_NAME.match(p.name) and p.is_dir()]
        return sorted(named, key=lambda n: int(_VERSION_NAME.match(n).group(1)))

    def _is_legacy(self) -> bool:
        return not os.path.lexists(self.root / CURRENT) and (
            (self.root / LEGACY_LEDGER_NAME).exists() or (self.root / INCIDENTS_DIR).is_dir()
        )

    def version(self) -> str:
        """Changes with every committed load: part of every cache key, so new data is never hidden."""
        name = self.current_version()
        if name is not None:
            return name
        if self._is_legacy():
            try:
                stat = (self.root / LEGACY_LEDGER_NAME).stat()
                return f"legacy-{stat.st_mtime_ns}-{stat.st_size}"
            except FileNotFoundError:
                return "legacy"
        return "empty"

    @property
    def incidents_glob(self) -> str:
        """Glob over the incidents files of the version committed now, for analysts' ``read_parquet``.

        It names the version's own folder, not the ``current`` link: DuckDB follows a link afresh for
        every file it lists and opens, so a glob through ``current`` that overlaps a load can leave out
        files of one version (measured: a month missing, no error). A superseded version stays on disk
        for ``KEEP_SECONDS`` at least, so a query started with this glob reads one version whole.
        """
        if self._is_legacy():
            return str(self.root / INCIDENTS_DIR / "*" / "*" / _LEGACY_FILE)
        name = self.current_version()
        if name is None:
            return str(self.root / CURRENT / INCIDENTS_DIR / "*" / "*" / "*.parquet")  # matches nothing yet
        return str(self.root / VERSIONS_DIR / name / INCIDENTS_DIR / "*" / "*" / "*.parquet")

    def has_incidents(self) -> bool:
        with self.snapshot() as snap:
            return bool(snap.files)

    def read_ledger(self) -> pa.Table:
        """The ledger: one row per loaded month and force (empty when nothing is loaded)."""
        with self.snapshot() as snap:
            return snap.ledger

    def loaded_months(self, force_keys: Sequence[str] = ()) -> list[date]:
        """:meth:`Snapshot.loaded_months` of the version committed now."""
        with self.snapshot() as snap:
            return snap.loaded_months(force_keys)

    def snapshot(self) -> Snapshot:
        """Open the committed version for reading; it stays on disk until the snapshot is closed.

        Raises
        ------
        StoreError
            When the store is damaged (a missing version, an unreadable list of files or ledger).
        """
        self._check_folder()
        for _ in range(20):  # a writer may retire the version between the link and the lock
            name = self.current_version()
            if name is None:
                if os.path.lexists(self.root / CURRENT):
                    raise StoreError(f"the store's '{CURRENT}' link is broken. {REPAIR_HINT}")
                held = self.unlinked_versions()
                if held and not self._writing and self._writer_active():
                    return _empty_snapshot()  # a first load between naming its version and linking it: not yet loaded
                if held:  # a copy that dropped the link: never read (or loaded) as empty
                    raise StoreError(
                        f"the store has no '{CURRENT}' link, though it holds {len(held)} version(s), the newest "
                        f"{held[-1]}. {REPAIR_HINT}"
                    )
                return self._legacy_snapshot() if self._is_legacy() else _empty_snapshot()
            folder = self.root / VERSIONS_DIR / name
            # A copy of the store without the (empty) lock file is read without a lock.
            lock = _shared_lock(folder / READERS_FILE)
            if not folder.is_dir():  # retired by a writer after we read the link: look again
                if lock is not None:
                    lock.close()
                if self.current_version() != name:
                    continue
                raise StoreError(f"the store's current version {name} is missing. {REPAIR_HINT}")
            try:
                files = read_manifest(folder, name)
                ledger = _read_ledger_file(folder / LEDGER_FILE, name)
            except BaseException:
                lock.close()
                raise
            return Snapshot(name, folder, files, ledger, _lock=lock)
        raise StoreError("the store changed too often while it was being opened; try again")

    def _legacy_snapshot(self) -> Snapshot:
        if (self.root / _LEGACY_JOURNAL).exists():
            raise StoreError(f"a load by an earlier version of this tool was interrupted. {REPAIR_HINT}")
        files = []
        for path in sorted((self.root / INCIDENTS_DIR).glob(f"period=*/force_slug=*/{_LEGACY_FILE}")):
            month = _MONTH_FOLDER.match(path.parent.parent.name)
            slug = path.parent.name.split("=", 1)[1]
            if month:
                files.append(StoreFile(str(path.relative_to(self.root)), month.group(1), slug, slug, -1))
        ledger_path = self.root / LEGACY_LEDGER_NAME
        ledger = (
            _read_ledger_file(ledger_path, "(earlier format)") if ledger_path.exists() else LEDGER_SCHEMA.empty_table()
        )
        return Snapshot(self.version(), self.root, tuple(files), ledger, legacy=True)

    # ---- writing ----

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self._check_folder()
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK_FILE, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            self._writing = True
            try:
                yield
            finally:
                self._writing = False
                fcntl.flock(handle, fcntl.LOCK_UN)

    def recover(self) -> None:
        """Remove what interrupted writes left behind, and versions no reader still uses.

        Never touches the committed version; safe to interrupt and run again at any point.
        """
        with self._locked():
            self._clean_up()

    def _clean_up(self) -> None:
        current = self.current_version()
        versions = self.root / VERSIONS_DIR
        for stray in list(self.root.glob(".current-*")):
            stray.unlink(missing_ok=True)
        if not (self.root / _LEGACY_JOURNAL).exists():
            # Left by the earlier layout's loads once they had finished or been undone: nothing refers to them.
            for stray in list(self.root.glob(".staging-*")) + list(self.root.glob(".backup-*")):
                shutil.rmtree(stray, ignore_errors=True)
            (self.root / (_LEGACY_JOURNAL + ".tmp")).unlink(missing_ok=True)
        if not versions.is_dir():
            return
        superseded = _superseded_times(versions)
        grace = float(os.environ.get("CSP_STORE_KEEP_SECONDS", KEEP_SECONDS))
        now = time.time()
        for entry in sorted(versions.iterdir()):
            if entry.name == current:
                continue
            if entry.name.startswith((".build-", ".trash-")):
                _fault_point("clean")
                shutil.rmtree(entry, ignore_errors=True)
                continue
            match = _VERSION_NAME.match(entry.name)
            if match is None or current is None:
                continue  # not ours, or no committed version to compare with: leave it for repair
            newer = int(match.group(1)) > int(_VERSION_NAME.match(current).group(1))
            if not newer and now - superseded.get(entry.name, 0.0) < grace:
                continue  # a reader that pinned this version a moment ago (see the README) may still use it
            with _exclusive_if_unused(entry) as unused:
                if newer or unused:
                    # One rename retires it while its readers' lock is held, so a reader that gets the
                    # lock after this finds the folder gone and opens the current version instead.
                    trash = versions / f".trash-{uuid.uuid4().hex}"
                    os.replace(entry, trash)
                    _fault_point("retire")
                    shutil.rmtree(trash, ignore_errors=True)
        if current is not None:  # files of the earlier layout, left by a migration interrupted after its commit
            shutil.rmtree(self.root / INCIDENTS_DIR, ignore_errors=True)
            (self.root / LEGACY_LEDGER_NAME).unlink(missing_ok=True)

    def write(
        self,
        partitions: dict[tuple[str, str], pa.Table | None],
        ledger_rows: list[dict],
        remove: set[tuple[str, str]] = frozenset(),
    ) -> str:
        """Commit a new version: replace the given partitions and ledger rows, remove others.

        Parameters
        ----------
        partitions : dict
            ``(YYYY-MM, force_slug) -> table`` of the new rows; ``None`` or an empty table leaves
            the partition with no file (a month loaded with no rows in the area).
        ledger_rows : list of dict
            One ledger row per partition, with the fields of ``LEDGER_SCHEMA`` but ``loaded_at``.
        remove : set of (month, force_slug)
            Partitions and ledger rows to drop (``csp_data remove``).

        Returns
        -------
        str
            The new version's name.
        """
        with self.building() as build:
            for (month, slug), table in sorted(partitions.items()):
                if table is not None and table.num_rows:
                    build.add(month, slug, table)
            return build.commit(ledger_rows, remove)

    @contextmanager
    def building(self) -> Iterator[VersionBuilder]:
        """A new version being built under the writer's lock; nothing is visible until ``commit``."""
        with self._locked():
            self._migrate_legacy()
            self._clean_up()
            builder = VersionBuilder(self)
            try:
                yield builder
            finally:
                builder.discard_unless_committed()
            try:
                self._clean_up()
            except OSError:
                pass  # an old version that cannot be removed now is removed by the next writer

    def _migrate_legacy(self) -> None:
        """Turn a store in the earlier layout into a first version, leaving the old files in place
        until the new version is committed."""
        if not self._is_legacy():
            return
        if (self.root / _LEGACY_JOURNAL).exists():
            raise StoreError(f"a load by an earlier version of this tool was interrupted. {REPAIR_HINT}")
        snap = self._legacy_snapshot()
        builder = VersionBuilder(self)
        try:
            for item in snap.files:
                table = pq.read_table(self.root / item.path)
                force = table.column("force")[0].as_py() if table.num_rows else item.force
                builder.link(self.root / item.path, item.month, force_key(force), force, table.num_rows)
            rows = _with_slugs(snap.ledger)
            builder.commit(rows, frozenset(), replace_all=True)
        finally:
            builder.discard_unless_committed()
        shutil.rmtree(self.root / INCIDENTS_DIR, ignore_errors=True)
        (self.root / LEGACY_LEDGER_NAME).unlink(missing_ok=True)


LEGACY_LEDGER_NAME = LEDGER_FILE


# ---- helpers ----


def _empty_snapshot() -> Snapshot:
    return Snapshot("empty", None, (), LEDGER_SCHEMA.empty_table())
