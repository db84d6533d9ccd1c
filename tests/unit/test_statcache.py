"""The on-disk statistics cache: computed once per store version, key and code; whole entries only;
a damaged entry is computed again; old versions cleared; a read-only store still works."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from dataclasses import dataclass
from datetime import date

import pandas as pd
import pytest

from csp_data.store import statcache
from csp_data.store.statcache import StatCache, store_statcache
from helpers import ROOT


@dataclass(frozen=True)
class Result:
    grid: pd.DataFrame
    counts: dict
    total: int


def frame(seed: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "cell_id": [f"{seed}_{i}" for i in range(5)],
            "incidents": pd.Series(range(seed, seed + 5), dtype="int64"),
            "z": [0.5 * i - seed for i in range(5)],
            "month": pd.to_datetime(["2025-01-01"] * 5),
            "flag": [True, False, True, False, True],
        }
    )


class Counter:
    def __init__(self, make):
        self.calls = 0
        self.make = make

    def __call__(self):
        self.calls += 1
        return self.make()


def test_a_value_is_computed_once_and_read_back_equal(tmp_path):
    cache = store_statcache(tmp_path, "v000003-abcdef12")
    compute = Counter(lambda: Result(frame(1), {"hot": 2, "cold": 0}, 15))
    key = {"first": date(2025, 1, 1), "kind": "crime", "crime_type": None, "hot": ("1_2", "3_4")}
    first = cache.get("hotspots", key, compute, Result)
    again = store_statcache(tmp_path, "v000003-abcdef12").get("hotspots", key, compute, Result)
    assert compute.calls == 1
    pd.testing.assert_frame_equal(again.grid, first.grid)
    assert again.counts == {"hot": 2, "cold": 0} and again.total == 15
    plain = Counter(lambda: frame(2))
    cache.get("repeat_locations", key, plain, pd.DataFrame)
    pd.testing.assert_frame_equal(cache.get("repeat_locations", key, plain, pd.DataFrame), frame(2))
    assert plain.calls == 1


@pytest.mark.parametrize(
    "other",
    [
        {"version": "v000004-00000000"},
        {"key": {"first": date(2025, 2, 1), "kind": "crime"}},
        {"key": {"first": date(2025, 1, 1), "kind": "asb"}},
        {"name": "emerging"},
        {"kind": pd.DataFrame},
    ],
)
def test_another_version_key_name_or_kind_is_computed_afresh(tmp_path, other):
    key = {"first": date(2025, 1, 1), "kind": "crime"}
    compute = Counter(lambda: frame(1))
    store_statcache(tmp_path, "v000003-abcdef12").get("hotspots", key, compute, pd.DataFrame)
    version = other.get("version", "v000003-abcdef12")
    if other.get("kind") is pd.DataFrame:  # the same entry asked for as another kind is not taken for it
        result = Counter(lambda: Result(frame(3), {}, 0))
        store_statcache(tmp_path, version).get("hotspots", key, result, Result)
        assert result.calls == 1
        return
    store_statcache(tmp_path, version).get(other.get("name", "hotspots"), other.get("key", key), compute, pd.DataFrame)
    assert compute.calls == 2


def test_a_change_to_the_code_that_computes_it_is_a_new_entry(tmp_path):
    source = tmp_path / "method.py"
    source.write_text("PERMUTATIONS = 9999\n")
    module = types.ModuleType("method")
    module.__file__ = str(source)
    cache = store_statcache(tmp_path / "store", "v000001-00000000")
    compute = Counter(lambda: frame(1))
    cache.get("hotspots", {}, compute, pd.DataFrame, modules=(module,))
    statcache._module_fingerprint.cache_clear()
    source.write_text("PERMUTATIONS = 999\n")
    cache.get("hotspots", {}, compute, pd.DataFrame, modules=(module,))
    assert compute.calls == 2


@pytest.mark.parametrize("damage", ["truncate parquet", "bad json", "missing parquet"])
def test_a_damaged_entry_is_computed_again_and_replaced(tmp_path, damage):
    cache = store_statcache(tmp_path, "v000001-00000000")
    compute = Counter(lambda: Result(frame(1), {"a": 1}, 5))
    cache.get("hotspots", {"k": 1}, compute, Result)
    assert statcache.wait_for_writes(timeout=30)
    (entry,) = [p for p in cache.folder.iterdir()]
    if damage == "truncate parquet":
        data = (entry / "grid.parquet").read_bytes()
        (entry / "grid.parquet").write_bytes(data[: len(data) // 2])
    elif damage == "bad json":
        (entry / "value.json").write_text("{not json")
    else:
        (entry / "grid.parquet").unlink()
    value = cache.get("hotspots", {"k": 1}, compute, Result)
    assert compute.calls == 2 and value.total == 5
    assert statcache.wait_for_writes(timeout=30)
    cache.get("hotspots", {"k": 1}, compute, Result)
    assert compute.calls == 2  # the entry written again is whole


def test_a_new_version_clears_earlier_versions_but_never_later_ones(tmp_path):
    root = tmp_path / "statcache"
    for version in ("v000002-aaaaaaaa", "v000005-bbbbbbbb"):
        StatCache(root, version).get("hotspots", {}, lambda: frame(1), pd.DataFrame)
        assert statcache.wait_for_writes(timeout=30)
    assert sorted(p.name for p in root.iterdir()) == ["v000005-bbbbbbbb"]
    StatCache(root, "v000004-cccccccc").get("hotspots", {}, lambda: frame(1), pd.DataFrame)
    assert statcache.wait_for_writes(timeout=30)
    assert sorted(p.name for p in root.iterdir()) == ["v000004-cccccccc", "v000005-bbbbbbbb"]
    StatCache(root, "empty").get("hotspots", {}, lambda: frame(1), pd.DataFrame)  # an unnumbered version
    assert statcache.wait_for_writes(timeout=30)
    assert sorted(p.name for p in root.iterdir()) == ["empty"]


def test_entries_are_bounded_and_abandoned_builds_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(statcache, "MAX_ENTRIES", 3)
    cache = store_statcache(tmp_path, "v000001-00000000")
    cache.folder.mkdir(parents=True)
    stale = cache.folder / ".tmp-0123"
    stale.mkdir()
    os.utime(stale, (0, 0))
    for n in range(5):
        cache.get("hotspots", {"n": n}, lambda n=n: frame(n), pd.DataFrame)
        assert statcache.wait_for_writes(timeout=30)
        os.utime(
            next(p for p in cache.folder.iterdir() if p.name.endswith(statcache.entry_digest("hotspots", {"n": n}))),
            (n, n),
        )
    names = sorted(p.name for p in cache.folder.iterdir())
    assert len(names) == 3 and not any(n.startswith(".tmp-") for n in names)
    # The oldest went (each entry's time is its n): n = 0 when n = 3 was written, then n = 1.
    assert names == sorted(f"hotspots-{statcache.entry_digest('hotspots', {'n': n})}" for n in (2, 3, 4))
    building = cache.folder / ".tmp-4567"  # another process's build in progress: left alone
    building.mkdir()
    cache.get("hotspots", {"n": 5}, lambda: frame(5), pd.DataFrame)
    assert statcache.wait_for_writes(timeout=30)
    assert building.is_dir() and len([p for p in cache.folder.iterdir() if not p.name.startswith(".")]) == 3


def test_a_store_that_cannot_be_written_computes_every_time(tmp_path):
    (tmp_path / "statcache").write_text("not a folder")
    cache = store_statcache(tmp_path, "v000001-00000000")
    compute = Counter(lambda: frame(1))
    for _ in range(2):
        pd.testing.assert_frame_equal(cache.get("hotspots", {}, compute, pd.DataFrame), frame(1))
        assert statcache.wait_for_writes(timeout=30)  # the write failed: nothing is held for the next read
    assert compute.calls == 2


@pytest.mark.parametrize("version", ["../escape", "v1/../../x", "", ".hidden"])
def test_a_version_that_is_not_a_plain_name_is_refused(tmp_path, version):
    with pytest.raises(ValueError, match="cannot name a cache folder"):
        store_statcache(tmp_path, version)


def test_processes_computing_the_same_entry_at_once_leave_one_whole_entry(tmp_path):
    script = (
        "import sys, time\n"
        "import pandas as pd\n"
        "from csp_data.store.statcache import store_statcache\n"
        "def slow():\n"
        "    time.sleep(0.5)\n"
        "    return pd.DataFrame({'a': range(1000)})\n"
        "for n in range(5):\n"
        "    v = store_statcache(sys.argv[1], 'v000001-00000000').get('hotspots', {'n': n}, slow, pd.DataFrame)\n"
        "    assert v['a'].sum() == 499500, v\n"
    )
    processes = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], cwd=ROOT) for _ in range(3)]
    assert [p.wait(timeout=120) for p in processes] == [0, 0, 0]
    folder = tmp_path / "statcache" / "v000001-00000000"
    entries = sorted(folder.iterdir())
    assert len(entries) == 5 and all(
        sorted(p.name for p in e.iterdir()) == ["value.json", "value.parquet"] for e in entries
    )


def test_the_value_is_returned_before_it_is_written_and_read_from_memory_meanwhile(tmp_path, monkeypatch):
    """A visitor waits for the computation only: the entry is written by the writer thread, and until it is
    on disk this process reads it from the tables taken when it was computed, not from the caller's frames."""
    import threading

    release, started = threading.Event(), threading.Event()
    real_write = StatCache._write

    def held_write(self, *args):
        started.set()
        assert release.wait(timeout=30)
        return real_write(self, *args)

    monkeypatch.setattr(StatCache, "_write", held_write)
    cache = store_statcache(tmp_path, "v000001-00000000")
    compute = Counter(lambda: Result(frame(1), {"hot": [1, 2]}, 15))
    value = cache.get("hotspots", {"k": 1}, compute, Result)
    assert started.wait(timeout=30) and not cache.folder.exists()  # returned; nothing on disk yet
    value.grid.loc[0, "incidents"] = -99  # the caller's frames are the caller's
    again = cache.get("hotspots", {"k": 1}, compute, Result)
    assert compute.calls == 1 and again.grid["incidents"].tolist() == [1, 2, 3, 4, 5] and again.total == 15
    assert not statcache.wait_for_writes(timeout=0.2)  # still held
    release.set()
    assert statcache.wait_for_writes(timeout=30)
    (entry,) = list(cache.folder.iterdir())
    assert sorted(p.name for p in entry.iterdir()) == ["grid.parquet", "value.json"]
    read = store_statcache(tmp_path, "v000001-00000000")._read(entry, Result)  # from disk now
    assert read.grid["incidents"].tolist() == [1, 2, 3, 4, 5] and read.counts == {"hot": [1, 2]}


def test_a_process_that_exits_normally_writes_what_it_computed(tmp_path):
    script = (
        "import sys\n"
        "import pandas as pd\n"
        "from csp_data.store.statcache import store_statcache\n"
        "for n in range(3):\n"
        "    store_statcache(sys.argv[1], 'v000001-00000000').get('hotspots', {'n': n}, "
        "lambda: pd.DataFrame({'a': range(100_000)}), pd.DataFrame)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=ROOT, check=True, timeout=120)
    entries = sorted((tmp_path / "statcache" / "v000001-00000000").iterdir())
    assert len(entries) == 3 and all((e / "value.json").is_file() for e in entries)


def test_threads_asking_for_an_entry_being_computed_wait_for_it_and_a_failure_is_computed_again(tmp_path):
    import threading

    cache = store_statcache(tmp_path, "v000001-00000000")
    started, release = threading.Event(), threading.Event()

    def slow():
        started.set()
        assert release.wait(timeout=30)
        return frame(7)

    compute, results = Counter(slow), []
    first = threading.Thread(target=lambda: results.append(cache.get("hotspots", {"k": 1}, compute, pd.DataFrame)))
    first.start()
    assert started.wait(timeout=30)
    assert cache.has("hotspots", {"k": 1}) and not cache.has("hotspots", {"k": 2})
    second = threading.Thread(target=lambda: results.append(cache.get("hotspots", {"k": 1}, compute, pd.DataFrame)))
    second.start()
    second.join(timeout=0.3)
    assert second.is_alive()  # waiting for the first, not computing
    release.set()
    first.join(timeout=30), second.join(timeout=30)
    assert compute.calls == 1 and len(results) == 2
    for value in results:
        pd.testing.assert_frame_equal(value, frame(7))

    def failing():
        started.set()
        assert release.wait(timeout=30)
        raise RuntimeError("no")

    started.clear(), release.clear()
    errors = []

    def first_try():
        try:
            cache.get("hotspots", {"k": 3}, failing, pd.DataFrame)
        except RuntimeError as exc:
            errors.append(exc)

    first = threading.Thread(target=first_try)
    first.start()
    assert started.wait(timeout=30)
    fallback = Counter(lambda: frame(8))
    second = threading.Thread(target=lambda: results.append(cache.get("hotspots", {"k": 3}, fallback, pd.DataFrame)))
    second.start()
    release.set()
    first.join(timeout=30), second.join(timeout=30)
    assert len(errors) == 1 and fallback.calls == 1
    pd.testing.assert_frame_equal(results[-1], frame(8))
    assert statcache.wait_for_writes(timeout=30) and cache.has("hotspots", {"k": 3})


def test_a_computation_asking_for_its_own_entry_computes_it_and_a_wait_has_an_end(tmp_path, monkeypatch):
    """A compute() that asks for its own entry waited for itself for ever; two threads computing entries from
    each other waited for each other. It computes, as before single flight; and no wait outlasts WAIT_SECONDS."""
    import threading

    cache = store_statcache(tmp_path, "v000001-00000000")
    inner = Counter(lambda: frame(2))
    outer = Counter(lambda: cache.get("hotspots", {"k": 1}, inner, pd.DataFrame))
    pd.testing.assert_frame_equal(cache.get("hotspots", {"k": 1}, outer, pd.DataFrame), frame(2))
    assert outer.calls == inner.calls == 1
    monkeypatch.setattr(statcache, "WAIT_SECONDS", 0.5)
    a_started, b_started = threading.Event(), threading.Event()

    def a():
        a_started.set()
        assert b_started.wait(10)
        return cache.get("hotspots", {"k": "b"}, lambda: frame(4), pd.DataFrame)

    def b():
        b_started.set()
        assert a_started.wait(10)
        return cache.get("hotspots", {"k": "a"}, lambda: frame(3), pd.DataFrame)

    results = {}
    threads = [
        threading.Thread(target=lambda: results.update(a=cache.get("hotspots", {"k": "a"}, a, pd.DataFrame))),
        threading.Thread(target=lambda: results.update(b=cache.get("hotspots", {"k": "b"}, b, pd.DataFrame))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert not any(t.is_alive() for t in threads) and set(results) == {"a", "b"}


def test_a_forked_child_writes_its_own_entries(tmp_path):
    """The writer thread is not copied into a forked child: its entries were never written and a wait hung."""
    script = (
        "import os, sys\n"
        "import pandas as pd\n"
        "from csp_data.store import statcache\n"
        "cache = statcache.store_statcache(sys.argv[1], 'v000001-00000000')\n"
        "cache.get('hotspots', {'n': 0}, lambda: pd.DataFrame({'a': [1]}), pd.DataFrame)\n"
        "assert statcache.wait_for_writes(10)\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    cache.get('hotspots', {'n': 1}, lambda: pd.DataFrame({'a': [2]}), pd.DataFrame)\n"
        "    os._exit(0 if statcache.wait_for_writes(10) else 3)\n"
        "_, status = os.waitpid(pid, 0)\n"
        "sys.exit(os.waitstatus_to_exitcode(status))\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=ROOT, timeout=120)
    assert result.returncode == 0
    assert len(list((tmp_path / "statcache" / "v000001-00000000").iterdir())) == 2
