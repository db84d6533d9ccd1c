"""A new version of the store being built: files written or hard-linked into a hidden folder, then made
current by one rename of the ``current`` link (:meth:`VersionBuilder.commit`). See
:mod:`csp_data.store.versions` for the design; :meth:`csp_data.store.versions.Store.building` hands one out
under the writer's lock."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

from csp_data.store.layout import (
    _PART_FILE,
    _VERSION_NAME,
    CURRENT,
    FORMAT,
    LEDGER_FILE,
    LEDGER_SCHEMA,
    MANIFEST_FILE,
    READERS_FILE,
    VERSIONS_DIR,
    StoreError,
    StoreFile,
    _fault_point,
    _fsync_dir,
    _fsync_tree,
    _with_slugs,
    _write_durably,
    partition_folder,
)

if TYPE_CHECKING:
    from csp_data.store.versions import Store


class VersionBuilder:
    """Files of a new version, written into a hidden folder until :meth:`commit` makes them current."""

    def __init__(self, store: Store):
        self.store = store
        self.folder = store.root / VERSIONS_DIR / f".build-{uuid.uuid4().hex}"
        self.folder.mkdir(parents=True)
        self.files: dict[tuple[str, str], StoreFile] = {}
        self.committed = False

    def discard_unless_committed(self) -> None:
        """Remove the folder being built, unless ``current`` names it.

        This asks the disk, not a flag: an interrupt that lands just after the commit's rename, before
        any flag could be set, must not remove what readers now use.
        """
        try:
            current = self.store.current_version()
        except StoreError:
            current = None
        if self.folder.name != current:
            shutil.rmtree(self.folder, ignore_errors=True)

    def add(self, month: str, slug: str, table: pa.Table) -> None:
        """Write the rows of one month and force as a new file of this version."""
        folder = self.folder / partition_folder(month, slug)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"part-{uuid.uuid4().hex}.parquet"
        with open(path, "wb") as handle:
            pq.write_table(table, handle, compression="zstd", row_group_size=1 << 20)
            handle.flush()
            os.fsync(handle.fileno())
        force = table.column("force")[0].as_py()
        self.files[(month, slug)] = StoreFile(str(path.relative_to(self.folder)), month, force, slug, table.num_rows)
        _fault_point("written")

    def link(self, source: Path, month: str, slug: str, force: str, rows: int) -> None:
        """Take an existing immutable file into this version (a hard link: no copy, no change)."""
        folder = self.folder / partition_folder(month, slug)
        folder.mkdir(parents=True, exist_ok=True)
        name = source.name if _PART_FILE.match(source.name) else f"part-{uuid.uuid4().hex}.parquet"
        os.link(source, folder / name)
        self.files[(month, slug)] = StoreFile(str((folder / name).relative_to(self.folder)), month, force, slug, rows)

    def commit(
        self, ledger_rows: list[dict], remove: set[tuple[str, str]] | frozenset = frozenset(), replace_all: bool = False
    ) -> str:
        """Carry over the current version's other files and ledger rows, then switch ``current``."""
        store = self.store
        replaced = (
            {(r["month"].strftime("%Y-%m"), r["force_slug"]) for r in ledger_rows} | set(self.files) | set(remove)
        )
        old_ledger: list[dict] = []
        if not replace_all:
            with store.snapshot() as snap:
                for item in snap.files:
                    if (item.month, item.force_slug) not in replaced:
                        self.link(snap.folder / item.path, item.month, item.force_slug, item.force, item.rows)
                old_ledger = _with_slugs(snap.ledger)
        kept = [r for r in old_ledger if (r["month"].strftime("%Y-%m"), r["force_slug"]) not in replaced]
        now = datetime.now(UTC).replace(microsecond=0)
        new = [dict(r, loaded_at=r.get("loaded_at") or now) for r in ledger_rows]
        rows = sorted(kept + new, key=lambda r: (r["month"], r["force_slug"]))
        _write_durably(
            self.folder / LEDGER_FILE, lambda h: pq.write_table(pa.Table.from_pylist(rows, schema=LEDGER_SCHEMA), h)
        )
        _fault_point("ledger")
        current = store.current_version()
        number = int(_VERSION_NAME.match(current).group(1)) + 1 if current else 1
        name = f"v{number:06d}-{uuid.uuid4().hex[:8]}"
        manifest = {
            "format": FORMAT,
            "version": name,
            "created_at": now.isoformat(),
            "files": [vars(f) for f in sorted(self.files.values(), key=lambda f: (f.month, f.force_slug))],
        }
        _write_durably(self.folder / MANIFEST_FILE, lambda h: h.write(json.dumps(manifest, indent=1).encode()))
        (self.folder / READERS_FILE).touch()
        _fsync_tree(self.folder)
        _fault_point("built")
        final = store.root / VERSIONS_DIR / name
        os.replace(self.folder, final)
        self.folder = final
        _fsync_dir(final.parent)
        _fault_point("renamed")
        link = store.root / f".current-{uuid.uuid4().hex}"
        os.symlink(f"{VERSIONS_DIR}/{name}", link)
        os.replace(link, store.root / CURRENT)  # the commit: readers now see the new version
        self.committed = True
        _fsync_dir(store.root)
        _fault_point("committed")
        return name
