"""Server work of the Hotspots page on the embedded data.

Usage: .venv/bin/python bench/bench_hotspots.py [--runs 5] [--no-baseline] [--no-apptest] [--no-statistics]
           [--period "Financial year 2024/25" | --period 2025-07..2025-12] [--fresh-statistics]

1. ``statistics``: for several crime types over 2025, ``hotspots.gi_star`` (neighbours, Gi* z-scores,
   permutation p-values with the re-test, Benjamini–Hochberg, classes) on the grid of counts, and the
   whole ``hotspots.compute_hotspots`` (grid, statistics, wards and main streets of each cell), each
   timed ``--runs`` times from scratch; the page computes this once per (period, type) and caches it.
   The baseline is the implementation before issue 16 (``csp_data/hotspots.py`` at ``BASELINE_COMMIT``:
   esda z-scores, a shuffle of all squares for every square), read with ``git show`` and timed in the
   same run on the same grids, with its hot squares beside the new ones and how many are in both.
2. ``apptest``: the whole script (``app.py`` then ``views/hotspots.py``) under Streamlit's AppTest:
   the first run (statistics computed) and the median of ``--runs`` warm reruns (statistics cached,
   the other queries, tables and map rebuilt), which is what a user waits for on the server after
   changing the ward of the top-streets table or coming back to the page.
3. ``crime types``: in the same AppTest session, every entry of the page's "Crime type or ASB" box chosen in
   turn (the first time for each, its statistics computed, or read from those the store keeps if an
   earlier run stored them), the median and slowest script run over the entries: what a user waits for
   on the server after changing the crime type (issue 16: under 200 ms). ``--period`` runs the page
   (2 and 3) for another period than the default, as chosen in the sidebar (a year by its name, custom
   months as a link writes them: ``2025-07..2025-12``). With ``--fresh-statistics`` the page reads a copy
   of the store whose kept statistics are only the default period's, as after a replica's warm-up: each
   entry of another period is then computed the first time it is chosen.

Medians of several runs: the machines here are shared and noisy.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from csp_data.config import load_area  # noqa: E402
from csp_data.figures import gistar, hotspots  # noqa: E402
from csp_data.store import Store  # noqa: E402
from csp_data.store.geography import ward_boundaries  # noqa: E402
from csp_data.store.queries import Database  # noqa: E402

# The last commit with the old permutation test (one shuffle of the other squares per square, esda z).
BASELINE_COMMIT = "9c0915b89cba570069356b0c075a46ae5c40ff5d"
CHOICES = [
    ("crime", None),
    ("asb", None),
    ("crime", "Violence and sexual offences"),
    ("crime", "Vehicle crime"),
    ("crime", "Other theft"),
    ("crime", "Burglary"),
    ("crime", "Robbery"),
    ("crime", "Bicycle theft"),
]


def baseline_module() -> ModuleType | None:
    """``csp_data/hotspots.py`` as it was at ``BASELINE_COMMIT``, imported as ``hotspots_baseline``;
    None (with a note) when git or the commit is not there, e.g. in an export without history."""
    shown = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{BASELINE_COMMIT}:csp_data/hotspots.py"], capture_output=True, text=True
    )
    if shown.returncode != 0:
        print(f"baseline unavailable (git show {BASELINE_COMMIT[:7]}: {shown.stderr.strip()})")
        return None
    spec = importlib.util.spec_from_loader("hotspots_baseline", loader=None)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    exec(compile(shown.stdout, f"{BASELINE_COMMIT[:7]}:csp_data/hotspots.py", "exec"), module.__dict__)
    return module


def timed(function, runs: int) -> tuple[float, float, float, object]:
    """Median, min and max seconds of ``runs`` calls, and the last call's result."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times), result


def hot_ids(grid) -> set[str]:
    return set(grid.loc[grid["hotspot_class"].str.startswith("hot"), "cell_id"])


def statistics_section(runs: int, baseline: ModuleType | None) -> None:
    area = load_area(None)
    db = Database(area, Store(area.store_dir))
    outline = hotspots.area_outline(ward_boundaries(area.current_wards).geometry)
    cells = hotspots.area_cells(outline)
    print(
        f"statistics, 2025, median of {runs} (min-max) in ms; gi_star: the Gi* statistics on the grid; "
        "compute_hotspots: everything the page caches"
    )
    for kind, crime_type in CHOICES:
        points = db.query(
            "hotspot_points", first=date(2025, 1, 1), last=date(2025, 12, 1), kind=kind, crime_type=crime_type
        )
        grid = hotspots.grid_counts(points, cells)
        gi, gi_low, gi_high, new = timed(lambda grid=grid: gistar.gi_star(grid), runs)
        whole, *_ = timed(lambda points=points: hotspots.compute_hotspots(points, outline), runs)
        line = (
            f"  {crime_type or kind:29s} {int(points['incidents'].sum()):6,} incidents  "
            f"gi_star {gi * 1e3:4.0f} ({gi_low * 1e3:.0f}-{gi_high * 1e3:.0f})  "
            f"compute_hotspots {whole * 1e3:4.0f}  hot {len(hot_ids(new)):3d}"
        )
        if baseline is not None:
            old_gi, *_, old = timed(lambda grid=grid: baseline.gi_star(grid), runs)
            old_whole, *_ = timed(lambda points=points: baseline.compute_hotspots(points, outline), runs)
            both = len(hot_ids(new) & hot_ids(old))
            line += (
                f" | baseline gi_star {old_gi * 1e3:5.0f}  compute_hotspots {old_whole * 1e3:5.0f}  "
                f"hot {len(hot_ids(old)):3d}, {both} in both  (gi_star x{old_gi / gi:.0f} faster)"
            )
        print(line, flush=True)
    db.close()


PERIOD_KINDS = {"Financial year": "financial", "Calendar year": "calendar"}


@contextlib.contextmanager
def fresh_statistics() -> Iterator[None]:
    """The page over a copy of the store without its kept statistics, then the default period's kept as a
    replica's warm-up keeps them: any other period is computed the first time it is asked for."""
    from csp_data.ui.hotspots_kept import store_every_choice

    area = load_area(None)
    with tempfile.TemporaryDirectory(prefix="csp-bench-hotspots-") as tmp:
        store = Path(tmp) / "store"
        shutil.copytree(area.store_dir, store, symlinks=True, ignore=shutil.ignore_patterns("statcache"))
        with mock.patch.dict(os.environ, {"CSP_STORE_DIR": str(store)}):
            done, total = store_every_choice(area)
            print(f"fresh statistics: the default period's {done} of {total} choices kept, as at a replica's start")
            yield


def apptest_section(runs: int, period: str | None) -> None:
    from streamlit.testing.v1 import AppTest

    from csp_data.links import LinkError
    from csp_data.ui.sidebar import PERIOD_KIND_LABELS, _period_state

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    if period:  # the sidebar's choice, as a visitor makes it (e.g. "Financial year 2024/25")
        kind = next((k for prefix, k in PERIOD_KINDS.items() if period.startswith(prefix)), None)
        if kind is not None:
            at.session_state["period_kind"] = PERIOD_KIND_LABELS[kind]
            at.session_state[f"period_{kind}"] = period
        else:  # as a link writes it (2025-07..2025-12 for custom months)
            try:
                area = load_area(None)
                loaded = Store(os.environ.get("CSP_STORE_DIR") or area.store_dir).loaded_months(
                    area.territorial_force_keys
                )
                state = _period_state(period, loaded)
            except LinkError as error:
                raise SystemExit(f"--period {period!r}: {error}") from None
            for name, value in state.items():
                at.session_state[name] = value
    at.run()
    start = time.perf_counter()
    at.switch_page("views/hotspots.py").run()
    first = time.perf_counter() - start
    assert not at.exception, at.exception
    warm, low, high, _ = timed(at.run, runs)
    assert not at.exception, at.exception
    print(
        f"apptest: first run {first:.2f} s; warm rerun median {warm:.2f} s (min {low:.2f}, max {high:.2f}) over {runs}"
    )
    box = at.selectbox(key="hotspots_filter")
    choices = [*range(1, len(box.options)), 0]  # every other entry, then back to all crime
    times = []
    for index in choices:
        start = time.perf_counter()
        at.selectbox(key="hotspots_filter").select_index(index).run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    print(
        f"crime types ({period or 'the default period'}): each of {len(times)} entries chosen in turn, median {statistics.median(times) * 1000:.0f} ms "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-baseline", action="store_true", help="do not time the old implementation")
    parser.add_argument("--no-apptest", action="store_true", help="only the statistics")
    parser.add_argument("--no-statistics", action="store_true", help="only the page (AppTest)")
    parser.add_argument(
        "--period",
        help='the page\'s period, as the sidebar names it ("Financial year 2024/25") or as a link writes it '
        '("2025-07..2025-12" for custom months)',
    )
    parser.add_argument(
        "--fresh-statistics",
        action="store_true",
        help="the page over a copy of the store with only the default period's statistics kept (as after a "
        "replica's warm-up), so that another --period is computed the first time",
    )
    args = parser.parse_args()
    if not args.no_statistics:
        statistics_section(args.runs, None if args.no_baseline else baseline_module())
    if not args.no_apptest:
        with fresh_statistics() if args.fresh_statistics else contextlib.nullcontext():
            apptest_section(args.runs, args.period)


if __name__ == "__main__":
    main()
