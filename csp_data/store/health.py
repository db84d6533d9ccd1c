"""Checking, repairing and editing a store: what ``status``, ``repair`` and ``remove`` do.

``check_store`` opens every file the current version lists (its parquet footer) and counts rows from
the data files themselves, not from the ledger. ``repair_store`` makes a damaged store usable again
without inventing data: it points ``current`` at the newest intact version, rebuilds a damaged list of
files or ledger from the data files, and drops files that cannot be read (their months then show as
not loaded, to be loaded again). Every change is committed as a new version, like a load.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from csp_data.errors import CspDataError
from csp_data.store.builder import VersionBuilder
from csp_data.store.forces import ForceNameError, force_key
from csp_data.store.layout import (
    _LEGACY_JOURNAL,
    _PART_FILE,
    _VERSION_NAME,
    CURRENT,
    INCIDENTS_DIR,
    LEDGER_FILE,
    VERSIONS_DIR,
    StoreError,
    StoreFile,
    _read_ledger_file,
    read_manifest,
)
from csp_data.store.versions import Snapshot, Store


@dataclass
class StoreHealth:
    """What ``status`` reports: the committed version, its files, the damaged ones, counts from the data."""

    version: str
    problems: list[str] = field(default_factory=list)
    damaged: list[StoreFile] = field(default_factory=list)
    partitions: list[dict] = field(default_factory=list)  # month, force, force_slug, rows, crime, asb
    ledger: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.damaged


#: The source of a ledger row that repair rebuilt from the data files: its rows read and dropped are not known.
REBUILT_SOURCE = "rebuilt by repair from the data files (rows dropped at load are not known)"


def _file_counts(path: Path) -> dict:
    """Rows by kind, read from the file itself; raises for a file that cannot be read whole. Every column
    is read (and each page's checksum checked where the file has them): a page damaged in a column that is
    not counted here (a street name) would otherwise pass, and then fail the page that reads it."""
    table = pq.read_table(path, page_checksum_verification=True)
    kinds = table.column("kind").to_pylist()
    months = {m.strftime("%Y-%m") for m in table.column("month").to_pylist()}
    forces = set(table.column("force").to_pylist())
    return {
        "rows": table.num_rows,
        "crime": kinds.count("crime"),
        "asb": kinds.count("asb"),
        "months": months,
        "forces": forces,
    }


def check_store(store: Store) -> StoreHealth:
    """Open and count every file of the committed version; never raises for a damaged store."""
    try:
        snapshot = store.snapshot()
    except StoreError as exc:
        return StoreHealth(version="unreadable", problems=[str(exc)])
    with snapshot:
        health = StoreHealth(version=snapshot.version, ledger=snapshot.ledger.to_pylist())
        for item in snapshot.files:
            try:
                counts = _file_counts(snapshot.folder / item.path)
            except (OSError, pa.ArrowException, KeyError):
                health.damaged.append(item)
                continue
            month = next(iter(counts["months"]), item.month)
            if counts["months"] - {item.month} or (item.rows >= 0 and counts["rows"] != item.rows):
                health.damaged.append(item)
                continue
            force = next(iter(counts["forces"]), item.force)
            health.partitions.append(
                {
                    "month": month,
                    "force": force,
                    "force_slug": item.force_slug,
                    "rows": counts["rows"],
                    "crime": counts["crime"],
                    "asb": counts["asb"],
                }
            )
    return health


def health_json(store: Store, health: StoreHealth) -> str:
    months = sorted({p["month"] for p in health.partitions})
    forces = sorted({p["force"] for p in health.partitions})
    return json.dumps(
        {
            "version": health.version,
            "ok": health.ok,
            "problems": health.problems,
            "damaged": [{"month": d.month, "force": d.force, "file": d.path} for d in health.damaged],
            "months": months,
            "forces": forces,
            "rows": sum(p["rows"] for p in health.partitions),
            "partitions": health.partitions,
        },
        indent=1,
    )


# ---- repair ----


def _intact(folder: Path) -> tuple[StoreFile, ...] | None:
    try:
        files = read_manifest(folder, folder.name)
        _read_ledger_file(folder / LEDGER_FILE, folder.name)
        for item in files:
            pq.ParquetFile(folder / item.path).metadata  # noqa: B018 - opening the footer is the check
    except (StoreError, OSError, pa.ArrowException):
        return None
    return files


def _files_in_folder(folder: Path) -> list[StoreFile]:
    """A version's files found by listing its folder (when its list of files is damaged)."""
    found = []
    for path in sorted((folder / INCIDENTS_DIR).glob("period=*/force_slug=*/*.parquet")):
        if _PART_FILE.match(path.name):
            month = path.parent.parent.name.split("=", 1)[1]
            slug = path.parent.name.split("=", 1)[1]
            found.append(StoreFile(str(path.relative_to(folder)), month, slug, slug, -1))
    return found


def _move_current_folder_aside(store: Store) -> str:
    """A ``current`` that is a folder, not a link (a copy that followed the link), moved aside, never
    deleted; returns what was done ('' when nothing)."""
    current = store.root / CURRENT
    if not current.is_dir() or current.is_symlink():
        return ""
    aside = store.root / f"{CURRENT}.moved-aside-{time.strftime('%Y%m%d-%H%M%S')}"
    os.replace(current, aside)
    return f"; the folder that stood in for the '{CURRENT}' link is kept as {aside.name}"


def _point_current_at(store: Store, name: str) -> str:
    """Make ``name`` the current version; returns what :func:`_move_current_folder_aside` did."""
    moved = _move_current_folder_aside(store)
    link = store.root / f".current-repair-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(f"{VERSIONS_DIR}/{name}", link)
    os.replace(link, store.root / CURRENT)
    return moved


def _legacy_roll_back(store: Store) -> str:
    """Undo a load by the earlier version of this tool that was interrupted: put back every file its
    journal had moved aside. Files are only ever moved back, never deleted."""
    journal_path = store.root / _LEGACY_JOURNAL
    try:
        journal = json.loads(journal_path.read_text())
        backup = store.root / journal["backup"]
        moves = [m["path"] for m in journal["moves"]]
    except (OSError, ValueError, KeyError, TypeError):
        journal_path.unlink(missing_ok=True)
        return "removed an unreadable journal left by an interrupted load of the earlier version"
    restored = 0
    for relative in moves:
        saved = backup / relative
        if saved.exists():
            (store.root / relative).parent.mkdir(parents=True, exist_ok=True)
            os.replace(saved, store.root / relative)
            restored += 1
    journal_path.unlink()
    for stray in list(store.root.glob(".staging-*")) + list(store.root.glob(".backup-*")):
        shutil.rmtree(stray, ignore_errors=True)
    return f"undid an interrupted load of the earlier version ({restored} file(s) put back)"


def repair_store(store: Store) -> list[str]:
    """Fix what can be fixed; return one line per action taken (empty when nothing was wrong)."""
    actions: list[str] = []
    with store._locked():
        if (store.root / _LEGACY_JOURNAL).exists():
            actions.append(_legacy_roll_back(store))
        try:
            name = store.current_version()
            broken = name is not None and _intact(store.root / VERSIONS_DIR / name) is None
        except StoreError:
            name, broken = None, True
        if broken or (name is None and (os.path.lexists(store.root / CURRENT) or store.unlinked_versions())):
            candidates = (
                sorted(
                    (p for p in (store.root / VERSIONS_DIR).glob("v*") if _VERSION_NAME.match(p.name)),
                    key=lambda p: int(_VERSION_NAME.match(p.name).group(1)),
                    reverse=True,
                )
                if (store.root / VERSIONS_DIR).is_dir()
                else []
            )
            intact = next((p for p in candidates if _intact(p) is not None), None)
            if name is not None and (store.root / VERSIONS_DIR / name).is_dir():
                actions += _rebuild(store, store.root / VERSIONS_DIR / name)
            elif intact is not None:
                moved = _point_current_at(store, intact.name)
                actions.append(
                    f"the current version was missing or unreadable; went back to {intact.name}, "
                    "the newest intact one (load any later months again, and remove again any month removed "
                    f"since; `status` lists what it holds){moved}"
                )
            else:
                moved = _move_current_folder_aside(store)
                (store.root / CURRENT).unlink(missing_ok=True)
                actions.append(f"no intact version was found; the store is now empty (load the months again){moved}")
        versions = store.root / VERSIONS_DIR
        unfinished = list(versions.glob(".build-*")) if versions.is_dir() else []
        store._clean_up()
        if removed := sum(not p.exists() for p in unfinished):
            actions.append(
                f"removed {removed} unfinished load(s) left by an interrupted run (the store was not using them)"
            )
    if store._is_legacy():
        with store.building():
            pass  # migrating happens when a writer starts
        actions.append(
            f"moved the store written by an earlier version into the versioned layout ({store.current_version()})"
        )
    health = check_store(store)
    if health.damaged:
        with store.snapshot() as snapshot:
            actions += _drop_damaged(store, snapshot, health.damaged)
    return actions


def _rebuild(store: Store, folder: Path) -> list[str]:
    """Rebuild a version whose list of files or ledger is damaged, from what its folder holds."""
    actions = []
    try:
        files = list(read_manifest(folder, folder.name))
    except StoreError:
        files = _files_in_folder(folder)
        actions.append(f"rebuilt the damaged list of files of {folder.name} from its folder")
    builder = VersionBuilder(store)
    good: list[tuple[StoreFile, dict, str]] = []
    for item in files:
        try:
            counts = _file_counts(folder / item.path)
        except (OSError, pa.ArrowException, KeyError):
            actions.append(f"dropped the unreadable file for {item.month} ({item.force}); load that month again")
            continue
        force = next(iter(counts["forces"]), item.force)
        builder.link(folder / item.path, item.month, item.force_slug, force, counts["rows"])
        good.append((item, counts, force))
    try:
        ledger = _read_ledger_file(folder / LEDGER_FILE, folder.name).to_pylist()
        kept = {(i.month, i.force_slug) for i, _, _ in good}
        ledger = [r for r in ledger if (r["month"].strftime("%Y-%m"), r["force_slug"]) in kept or r["rows_kept"] == 0]
    except StoreError:
        now = datetime.now(UTC).replace(microsecond=0)
        ledger = [
            {
                "month": date.fromisoformat(i.month + "-01"),
                "force": force,
                "force_slug": i.force_slug,
                "source": REBUILT_SOURCE,
                "rows_read": c["rows"],
                "rows_kept": c["rows"],
                "no_location": 0,
                "outside_area": 0,
                "malformed": 0,
                "in_no_ward": 0,
                "loaded_at": now,
            }
            for i, c, force in good
        ]
        actions.append("rebuilt the damaged ledger from the data files (counts of dropped rows are not known)")
    try:
        builder.commit(ledger, replace_all=True)
    finally:
        builder.discard_unless_committed()
    return actions


def _drop_damaged(store: Store, snapshot: Snapshot, damaged: list[StoreFile]) -> list[str]:
    keys = {(d.month, d.force_slug) for d in damaged}
    store.write({}, [], remove=keys)
    return [f"dropped the damaged file for {d.month} ({d.force}); load that month again" for d in damaged]


def remove_months(store: Store, months: list[str], force: str | None = None) -> list[dict]:
    """Remove what a mistaken load added: the given months (of one force, or of every force).

    Raises
    ------
    CspDataError
        When a month is not loaded (for that force), or the force name is not valid.
    """
    try:
        slug = force_key(force) if force is not None else None
    except ForceNameError as exc:
        raise CspDataError(f"--force {force!r} {exc}") from None
    ledger = store.read_ledger().to_pylist()
    chosen = [r for r in ledger if r["month"].strftime("%Y-%m") in months and (slug is None or r["force_slug"] == slug)]
    for month in months:
        if not any(r["month"].strftime("%Y-%m") == month for r in chosen):
            loaded_for = f" for {force}" if force else ""
            raise CspDataError(f"{month} is not loaded{loaded_for}; `python -m csp_data status` lists what is")
    store.write({}, [], remove={(r["month"].strftime("%Y-%m"), r["force_slug"]) for r in chosen})
    return chosen
