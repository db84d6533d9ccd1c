"""The Overview's position among similar areas is worked out once for each version of the ONS table (and of
the area file), not again after every load of police.uk months; each caller gets its own copy."""

from __future__ import annotations

import os
import shutil

import pytest

from csp_data.benchmarks.store import benchmarks_path
from csp_data.ui import overview
from helpers import MEDWAY_AREA_FILE


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = overview.peer_position

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(overview, "peer_position", counting)
    overview._peers_of.cache_clear()
    yield calls
    overview._peers_of.cache_clear()


def test_worked_out_once_per_version_of_the_table(counted, tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    first = overview._peers(str(MEDWAY_AREA_FILE), str(store))
    assert first is not None and first.rank is not None and len(counted) == 1
    first.sentence = "changed by a caller"
    again = overview._peers(str(MEDWAY_AREA_FILE), str(store))
    assert len(counted) == 1 and again.sentence != "changed by a caller"  # kept, and a copy

    # An analyst loads a newer ONS table into the store: it is the one read, and worked out afresh.
    loaded = benchmarks_path(store)
    loaded.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(benchmarks_path(MEDWAY_AREA_FILE.parent), loaded)
    assert overview._peers(str(MEDWAY_AREA_FILE), str(store)) == again
    assert len(counted) == 2
    # The same file rewritten (a new version): again.
    os.utime(loaded, ns=(loaded.stat().st_atime_ns, loaded.stat().st_mtime_ns + 10**9))
    overview._peers(str(MEDWAY_AREA_FILE), str(store))
    assert len(counted) == 3
