"""Crash tests: a load, a repair or a recovery killed (SIGKILL) or interrupted (SIGINT, Ctrl-C) at every step.

Two ways of picking the step:
- the store's own fault points (``CSP_STORE_FAULT=step:SIGNAL[:n]``), named after what has just happened;
- strace's ``-e inject=SYSCALL:signal=SIG:when=N``, at the N-th rename, link, symlink or unlink system call,
  as an outsider would try it, without any help from the code.

After each, the store must read as exactly the old state or exactly the new one (through the app's path
and through the analysts' ``current`` glob), its ledger must agree with its data files, recovery must be
idempotent, and the next load must work.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from csp_data.config import load_area
from csp_data.store import Store
from csp_data.store.ingest import ingest
from helpers import ROOT, csv_bytes, street_row

pytestmark = pytest.mark.slow

OLD_MONTHS = [f"2025-{m:02d}" for m in range(1, 7)]
NEW_MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
OLD = {m: 3 for m in OLD_MONTHS}
NEW = {m: 5 for m in NEW_MONTHS}


def write_months(folder: Path, months: list[str], rows: int, points) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    wards = list(points.values())
    for month in months:
        data = [street_row(month, "Burglary", *wards[i % len(wards)], crime_id=f"{month}-{i}") for i in range(rows)]
        (folder / f"{month}-kent-street.csv").write_bytes(csv_bytes(data))
    return folder


@pytest.fixture
def loads(tmp_path, medway_points):
    old = write_months(tmp_path / "old", OLD_MONTHS, 3, medway_points)
    new = write_months(tmp_path / "new", NEW_MONTHS, 5, medway_points)
    return old, new


@pytest.fixture
def old_store(tmp_path, loads):
    store = Store(tmp_path / "store")
    ingest([loads[0]], load_area(None), store)
    return store


def observed(store: Store) -> dict[str, int]:
    """Rows per month as a reader sees them, checked to agree with the ledger and the analysts' glob."""
    with store.snapshot() as snap:
        ledger = {r["month"].strftime("%Y-%m"): r["rows_kept"] for r in snap.ledger.to_pylist()}
        if snap.incidents_glob is None:
            data = {}
        else:
            rows = (
                duckdb.connect()
                .sql(f"SELECT strftime(month, '%Y-%m'), count(*) FROM read_parquet('{snap.incidents_glob}') GROUP BY 1")
                .fetchall()
            )
            data = dict(rows)
    assert data == ledger, "the ledger must agree with the data files"
    if data:
        through_current = dict(
            duckdb.connect()
            .sql(f"SELECT strftime(month, '%Y-%m'), count(*) FROM read_parquet('{store.incidents_glob}') GROUP BY 1")
            .fetchall()
        )
        assert through_current == data
    return dict(sorted(data.items()))


def cli(*args, env_extra=None, prefix=()):
    # Old versions are retired at once (not kept ten minutes for pinned readers), so that retiring is tested too.
    env = dict(os.environ, CSP_STORE_KEEP_SECONDS="0", **(env_extra or {}))
    env.pop("CSP_DEBUG", None)
    return subprocess.run(
        [*prefix, sys.executable, "-m", "csp_data", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def check_after_crash(store: Store, result: subprocess.CompletedProcess, new_folder: Path, before=OLD) -> dict:
    assert "Traceback" not in result.stderr, result.stderr
    state = observed(store)
    assert state in (before, NEW), state
    if result.returncode == 130:  # Ctrl-C: the message must say truthfully where the load got to
        expected = "the store is as it was" if state == before else "after the load had landed"
        assert expected in result.stderr, result.stderr
    # `status` reads without changing anything; `repair` twice changes nothing a reader sees.
    status = cli("status", "--json", "--store", str(store.root))
    assert json.loads(status.stdout)["ok"], status.stdout
    for _ in range(2):
        repaired = cli("repair", "--store", str(store.root))
        assert repaired.returncode == 0, repaired.stdout + repaired.stderr
        assert observed(store) == state
    leftovers = [p.name for p in store.root.rglob("*") if p.name.startswith((".build-", ".trash-", ".current-"))]
    assert leftovers == []
    # The next load works and gives the new state.
    again = cli("ingest", "--quiet", "--store", str(store.root), str(new_folder))
    assert again.returncode == 0, again.stderr
    assert observed(store) == NEW
    return state


FAULTS = ["written", "written:3", "ledger", "built", "renamed", "committed", "retire", "clean"]


@pytest.mark.parametrize("signal_name", ["INT", "KILL"])
@pytest.mark.parametrize("fault", FAULTS)
def test_signal_at_every_step_of_a_load(fault, signal_name, old_store, loads, tmp_path):
    step, *nth = fault.split(":")
    if step == "clean":  # the clean-up only has something to remove after an earlier crash left a build
        cli(
            "ingest",
            "--quiet",
            "--store",
            str(old_store.root),
            str(loads[1]),
            env_extra={"CSP_STORE_FAULT": "built:KILL"},
        )
    spec = f"{step}:{signal_name}" + (f":{nth[0]}" if nth else "")
    result = cli(
        "ingest", "--quiet", "--store", str(old_store.root), str(loads[1]), env_extra={"CSP_STORE_FAULT": spec}
    )
    state = check_after_crash(old_store, result, loads[1])
    if step in ("written", "ledger", "built", "renamed"):
        assert state == OLD  # nothing is visible before the commit
    if step in ("committed", "retire"):
        assert state == NEW


def test_crash_during_recovery_twice_in_a_row(old_store, loads):
    """A load killed before its commit, then the recovering commands killed and interrupted in turn."""
    first = cli(
        "ingest", "--quiet", "--store", str(old_store.root), str(loads[1]), env_extra={"CSP_STORE_FAULT": "built:KILL"}
    )
    assert first.returncode == -9
    assert observed(old_store) == OLD
    for spec in ("clean:KILL", "clean:INT"):
        result = cli("repair", "--store", str(old_store.root), env_extra={"CSP_STORE_FAULT": spec})
        assert "Traceback" not in result.stderr
        assert observed(old_store) == OLD
    # A load killed after its commit, then the next writer killed while retiring the old version.
    cli(
        "ingest",
        "--quiet",
        "--store",
        str(old_store.root),
        str(loads[1]),
        env_extra={"CSP_STORE_FAULT": "committed:KILL"},
    )
    assert observed(old_store) == NEW
    result = cli(
        "remove", "--month", "2025-12", "--store", str(old_store.root), env_extra={"CSP_STORE_FAULT": "retire:KILL:2"}
    )
    assert result.returncode == -9
    eleven = {m: 5 for m in NEW_MONTHS[:-1]}
    assert observed(old_store) == eleven
    check_after_crash(old_store, cli("repair", "--store", str(old_store.root)), loads[1], before=eleven)


STRACE_CASES = [("rename", n) for n in (1, 2, 3)] + [("link", 2), ("symlink", 1), ("unlinkat", 1), ("unlinkat", 4)]


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is installed by `make test` (Debian package)")
@pytest.mark.parametrize("signal_name", ["INT", "KILL"])
@pytest.mark.parametrize("syscall,when", STRACE_CASES)
def test_signal_at_system_calls_with_strace(syscall, when, signal_name, old_store, loads):
    calls = {
        "rename": "rename,renameat,renameat2",
        "link": "link,linkat",
        "symlink": "symlink,symlinkat",
        "unlinkat": "unlink,unlinkat",
    }[syscall]
    prefix = (
        "strace",
        "-f",
        "-qq",
        "-o",
        "/dev/null",
        "-e",
        f"trace={calls}",
        "-e",
        f"inject={calls}:signal={signal_name}:when={when}",
    )
    result = cli("ingest", "--quiet", "--store", str(old_store.root), str(loads[1]), prefix=prefix)
    check_after_crash(old_store, result, loads[1])


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is installed by `make test` (Debian package)")
def test_ctrl_c_just_after_the_journal_then_status_keeps_every_month(old_store, loads):
    """Finding 1 of issue 11: SIGINT at the first rename, then `status`, used to delete every month."""
    prefix = ("strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=rename", "-e", "inject=rename:signal=INT:when=1")
    result = cli("ingest", "--quiet", "--store", str(old_store.root), str(loads[1]), prefix=prefix)
    assert result.returncode == 130
    status = cli("status", "--store", str(old_store.root))
    assert status.returncode == 0
    assert observed(old_store) in (OLD, NEW)
    assert "Jan 2025 to Jun 2025" in status.stdout or "Jan 2025 to Dec 2025" in status.stdout
