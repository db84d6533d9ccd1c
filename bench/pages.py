"""Server work of every page: the real page scripts under Streamlit's AppTest, on three stores.

Usage: .venv/bin/python bench/pages.py [--runs 3] [--stores embedded,medway10y,national]
           [--national-scale 1.0] [--pages overview,hotspots,...] [--profile over|all|none]

Each page runs as the app runs it: ``AppTest.from_file("app.py")``, ``switch_page("views/<page>.py")``,
``run()`` (app.py's area, months and sidebar, then the page script). For each page and store:

- ``cold_ms``: the median of ``--runs`` runs, each right after ``st.cache_data.clear()`` and
  ``st.cache_resource.clear()`` (nothing of Streamlit's caches: the DuckDB views are built again and
  every query and figure computed). This is what the first visitor after a load waits for on the server.
  One exception, as on a server: the Hotspots page's statistics and map, kept on disk with the store
  version (``STORE/statcache``, by the warm-up or this script's untimed first run), are read, not
  computed; ``bench/bench_hotspots.py`` times computing them (its crime-type changes with the folder emptied).
  The package's own ``functools`` caches (ward boundaries read from GeoJSON, map shapes, the SQL files,
  the ONS table and the Overview's position among similar areas worked out from it) are not cleared: they
  do not depend on the store, so they stay warm across loads in a running server.
- ``warm_ms``: the median of ``--runs`` reruns with the caches warm (what any later visitor waits for).

Before these, one untimed run per page (on the first store) imports its modules and lets AppTest scan
for components (about 0.2 s that a server pays once at start, not per page); each page keeps its AppTest
(and session) for every store. Two baselines are reported beside the pages:
``(AppTest, empty script)``, AppTest's own cost for a script with one empty page, and ``(app.py +
empty page)``, app.py itself (area, loaded months, the sidebar) with its navigation given one empty page.
Nothing is subtracted: a page's own work is its figure less the second baseline.

Stores:

- ``embedded``: ``data/medway/store`` (27 months: Jan–Nov 2022, Jan–Apr 2024, 2025; 73,579 rows).
- ``medway10y``: SYNTHETIC, 120 months to December 2025 for Kent Police, each month the embedded month of
  the same calendar month, earlier years thinned a little (``bench/synthetic.py``), read through
  ``CSP_STORE_DIR`` with Medway's area file.
- ``national``: SYNTHETIC, 36 months x 43 forces of 10,000 rows (1,548 files, 15.5 million rows; as in
  ``bench_overview.py``), counted with every force (an area file copy without ``territorial_forces``,
  through ``CSP_AREA_FILE``), so every query reads the whole store. ``--national-scale 0.1`` keeps 36
  months and scales the forces (here to 4: 144 files, 1.4 million rows) for a quick run.

Synthetic stores are written to a temporary folder through the store's own writing code and removed
at the end. Their figures mean nothing; only the timings do.

Output: one JSON object per page and store, then a table per store with the budgets of issue 16
(embedded: warm < 100 ms, uncached < 500 ms; larger stores: warm < 300 ms). With ``--profile over`` (or
``all``), where the time goes in each page over budget (or every page), from a cold and a warm run:
every DuckDB query by name, and every call the page and app.py make into the package or Streamlit, with
its wall-clock and CPU ms and the queries and Streamlit elements inside it (``CallTimer``); then, from
two more runs under cProfile, the package's functions by cumulative time and the hottest functions.

The machine is shared and noisy: medians, with min-max beside them, and the CPU time of the process
(``cold_cpu_ms``, ``warm_cpu_ms``: every thread, DuckDB's included), which other processes' load
changes far less than the wall-clock time. Budgets are judged on the wall-clock medians.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import inspect
import json
import os
import pstats
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)  # app.py names its icon relative to the working folder, as `streamlit run` is started

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402
from synthetic import (  # noqa: E402
    area_file_for,
    build_medway_years_store,
    build_national_store,
    store_rows,
)

from csp_data.config import load_area  # noqa: E402
from csp_data.store import Store  # noqa: E402
from csp_data.store.queries import Database  # noqa: E402

APP = ROOT / "app.py"
PAGES = {  # key: (title in the app, script)
    "overview": ("Overview", "views/overview.py"),
    "ward_map": ("Ward map", "views/ward_map.py"),
    "hotspots": ("Hotspots", "views/hotspots.py"),
    "seasonality": ("Seasonality and trends", "views/seasonality.py"),
    "priorities": ("Priorities and progress", "views/priorities.py"),
    "survey": ("Residents’ survey", "views/survey.py"),
    "benchmarking": ("Benchmarking", "views/benchmarking.py"),
    "data_sources": ("Data and methods", "views/data_sources.py"),
}
FLOOR = "(AppTest, empty script)"
APP_ONLY = "(app.py + empty page)"
STORES = ("embedded", "medway10y", "national")
NATIONAL_MONTHS, NATIONAL_FORCES = 36, 43
BUDGETS = {  # store: (warm budget ms, cold budget ms or None)
    "embedded": (100, 500),
    "medway10y": (300, None),
    "national": (300, None),
}

FLOOR_SCRIPT = """
import streamlit as st


def empty_page():
    st.title("Empty page")


st.navigation([st.Page(empty_page, title="Empty")]).run()
"""

# app.py as it is, but its navigation given one empty page: what every page pays before its own work.
# (This script is a temporary file, so the page files app.py names are made absolute to be found.)
APP_ONLY_SCRIPT = """
import os
import runpy

import streamlit as st


def empty_page():
    st.title("Empty page")


real_page, real_navigation = st.Page, st.navigation
st.Page = lambda page, **kwargs: real_page(os.path.join({root!r}, page) if isinstance(page, str) else page, **kwargs)
st.navigation = lambda pages, **kwargs: real_navigation([real_page(empty_page, title="Empty")], **kwargs)
try:
    runpy.run_path({app!r}, run_name="__main__")
finally:
    st.Page, st.navigation = real_page, real_navigation
"""


@dataclass
class StoreUnderTest:
    name: str
    env: dict[str, str | None]
    rows: int
    files: int


@dataclass
class Result:
    page: str
    store: str
    rows: int
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    cold_cpu: list[float] = field(default_factory=list)
    warm_cpu: list[float] = field(default_factory=list)

    def record(self) -> dict:
        return {
            "page": self.page,
            "store": self.store,
            "rows": self.rows,
            "cold_ms": round(statistics.median(self.cold)),
            "warm_ms": round(statistics.median(self.warm)),
            "cold_min_max_ms": [round(min(self.cold)), round(max(self.cold))],
            "warm_min_max_ms": [round(min(self.warm)), round(max(self.warm))],
            "cold_cpu_ms": round(statistics.median(self.cold_cpu)),
            "warm_cpu_ms": round(statistics.median(self.warm_cpu)),
            "runs": len(self.warm),
        }


# ---- stores -----------------------------------------------------------------------------------------


def prepare_store(name: str, tmp: Path, scale: float) -> StoreUnderTest:
    area = load_area(ROOT / "data" / "medway" / "area.toml")
    start = time.perf_counter()
    if name == "embedded":
        env = {"CSP_AREA_FILE": None, "CSP_STORE_DIR": None}
        store = Store(area.store_dir)
    elif name == "medway10y":
        store = build_medway_years_store(area, tmp / "medway10y" / "store")
        env = {"CSP_AREA_FILE": None, "CSP_STORE_DIR": str(store.root)}
    elif name == "national":
        forces = max(1, round(NATIONAL_FORCES * scale))
        store = build_national_store(area, tmp / "national" / "store", NATIONAL_MONTHS, forces, workers=3)
        area_file = area_file_for(area, tmp / "national" / "area", store.root, every_force=True)
        env = {"CSP_AREA_FILE": str(area_file), "CSP_STORE_DIR": None}
    else:
        raise SystemExit(f"unknown store {name!r}; choose from {', '.join(STORES)}")
    rows, files = store_rows(store)
    label = "" if name == "embedded" else f" (synthetic, built in {time.perf_counter() - start:.0f} s)"
    print(f"# store {name}: {rows:,} rows in {files:,} files{label}", file=sys.stderr, flush=True)
    return StoreUnderTest(name, env, rows, files)


@contextlib.contextmanager
def environment(env: dict[str, str | None]):
    saved = {key: os.environ.get(key) for key in env}
    try:
        for key, value in env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# ---- running pages ------------------------------------------------------------------------------------


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def new_app(page: str) -> AppTest:
    if page == FLOOR:
        return AppTest.from_string(FLOOR_SCRIPT, default_timeout=900)
    if page == APP_ONLY:
        return AppTest.from_string(APP_ONLY_SCRIPT.format(root=str(ROOT), app=str(APP)), default_timeout=900)
    key = next(k for k, (title, _) in PAGES.items() if title == page)
    at = AppTest.from_file(str(APP), default_timeout=900)
    at.switch_page(PAGES[key][1])
    return at


def timed_run(at: AppTest, page: str, store: str) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds of one run (CPU: every thread of this process, DuckDB's included)."""
    start, cpu = time.perf_counter(), time.process_time()
    at.run()
    elapsed, cpu = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
    if at.exception:
        raise RuntimeError(f"{page} on {store}: {at.exception[0].value}")
    if at.error:
        print(f"# warning: {page} on {store} shows an error: {at.error[0].value[:200]}", file=sys.stderr)
    return elapsed, cpu


_APPS: dict[str, AppTest] = {}


def app_for(page: str, store: StoreUnderTest) -> AppTest:
    """The page's AppTest, kept for every store: its first run (untimed) imports the page's modules and
    lets AppTest scan for components, which a server does once, not per page view."""
    if page not in _APPS:
        _APPS[page] = new_app(page)
        timed_run(_APPS[page], page, store.name)
    return _APPS[page]


def measure(page: str, store: StoreUnderTest, runs: int) -> Result:
    result = Result(page, store.name, store.rows)
    at = app_for(page, store)
    for _ in range(runs):
        clear_caches()
        wall, cpu = timed_run(at, page, store.name)
        result.cold.append(wall)
        result.cold_cpu.append(cpu)
    for _ in range(runs):
        wall, cpu = timed_run(at, page, store.name)
        result.warm.append(wall)
        result.warm_cpu.append(cpu)
    return result


# ---- profiles -------------------------------------------------------------------------------------------


_INHERITED = object()


@dataclass
class CallTimes:
    calls: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    queries: float = 0.0
    elements: float = 0.0


class CallTimer:
    """Wall-clock and CPU time of the calls a page script makes into the package and into Streamlit.

    Every function of the package's modules (and every st.cache_data function there) and every public
    Streamlit element method is wrapped, in this process only, while the timer is installed. Only the
    outermost wrapped call is an entry: called from the page (or app.py), it holds the time of everything
    it calls, with the DuckDB queries and the Streamlit elements inside it counted apart. CPU is the
    script thread's (``time.thread_time``), which other processes' load changes far less than the wall
    clock; DuckDB's own threads are not in it (their work shows in the queries' wall-clock time).
    """

    def __init__(self):
        self.entries: dict[str, CallTimes] = defaultdict(CallTimes)
        self.queries: dict[str, list[float]] = defaultdict(list)
        self._local = threading.local()
        self._patched: list[tuple[object, str, object]] = []

    # -- wrapping --

    def _wrap(self, function, label: str, kind: str):
        timer = self

        @functools.wraps(function)
        def timed(*args, **kwargs):
            stack = timer._stack()
            stack.append([0.0, 0.0])  # time in queries and in elements below this call
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                wall, cpu = (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000
                queries, elements = stack.pop()
                if kind == "query":
                    timer.queries[label].append(wall)
                if stack:  # inside another wrapped call: counted there
                    stack[-1][0] += queries + (wall if kind == "query" else 0)
                    stack[-1][1] += elements + (wall if kind == "element" else 0)
                else:
                    entry = timer.entries[label if kind != "query" else f"query {label}"]
                    entry.calls += 1
                    entry.wall += wall
                    entry.cpu += cpu
                    entry.queries += queries + (wall if kind == "query" else 0)
                    entry.elements += elements + (wall if kind == "element" else 0)

        return timed

    def _stack(self) -> list:
        if not hasattr(self._local, "stack"):
            self._local.stack = []
        return self._local.stack

    def _patch(self, owner, name: str, replacement) -> None:
        """Set ``owner.name``; :meth:`remove` puts back what ``owner`` itself held (a class may inherit it)."""
        self._patched.append((owner, name, vars(owner).get(name, _INHERITED)))
        setattr(owner, name, replacement)

    def install(self) -> None:
        from streamlit.delta_generator import DeltaGenerator
        from streamlit.runtime.caching.cache_utils import CachedFunc

        wrapped: dict[int, object] = {}
        for module_name, module in list(sys.modules.items()):
            if not module_name.startswith("csp_data") or module is None:
                continue
            for name, value in list(vars(module).items()):
                is_function = inspect.isfunction(value) and value.__module__.startswith("csp_data")
                if not (is_function or isinstance(value, CachedFunc)) or name.startswith("__"):
                    continue
                if id(value) not in wrapped:
                    inner = value._info.func if isinstance(value, CachedFunc) else value
                    label = f"{inner.__module__.removeprefix('csp_data.')}.{inner.__qualname__}"
                    wrapped[id(value)] = self._wrap(value, label, "function")
                self._patch(module, name, wrapped[id(value)])
        for name, value in inspect.getmembers(DeltaGenerator, inspect.isfunction):
            if not name.startswith("_") and value.__module__.startswith("streamlit.elements"):
                self._patch(DeltaGenerator, name, self._wrap(value, f"st.{name}", "element"))
        for name, value in list(vars(st).items()):
            if inspect.ismethod(value) and isinstance(value.__self__, DeltaGenerator) and not name.startswith("_"):
                self._patch(st, name, self._wrap(value, f"st.{name}", "element"))
        original_query = Database.query
        timer = self

        def query(database, name, **params):
            return timer._wrap(functools.partial(original_query, database), name, "query")(name, **params)

        self._patch(Database, "query", query)

    def remove(self) -> None:
        for owner, name, original in reversed(self._patched):
            if original is _INHERITED:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
        self._patched.clear()


@contextlib.contextmanager
def call_timer():
    timer = CallTimer()
    timer.install()
    try:
        yield timer
    finally:
        timer.remove()


def print_calls(timer: CallTimer, label: str, total: float, cpu: float) -> None:
    queries = sum(sum(v) for v in timer.queries.values())
    print(
        f"{label} run: {total:,.0f} ms, {cpu:,.0f} ms CPU (process); DuckDB queries {queries:,.0f} ms in "
        f"{sum(map(len, timer.queries.values()))} calls"
    )
    for name, values in sorted(timer.queries.items(), key=lambda item: -sum(item[1])):
        print(f"    query {name:24s} {len(values):3d} calls {sum(values):8,.0f} ms  (max {max(values):,.0f})")
    print(
        f"    {'call from the page or app.py':58s} {'calls':>5s} {'ms':>7s} {'CPU ms':>7s} {'queries':>8s} {'st.*':>6s}"
    )
    entries = sorted(timer.entries.items(), key=lambda item: -item[1].wall)
    for name, entry in entries[:16]:
        print(
            f"    {name[:58]:58s} {entry.calls:5d} {entry.wall:7,.0f} {entry.cpu:7,.0f} {entry.queries:8,.0f} "
            f"{entry.elements:6,.0f}"
        )
    rest = sum(entry.wall for _, entry in entries[16:])
    counted = sum(entry.wall for _, entry in entries)
    print(f"    {'(the other calls)':58s} {'':5s} {rest:7,.0f}")
    print(f"    {'(the scripts themselves and AppTest: the run less the calls)':58s} {'':5s} {total - counted:7,.0f}")


@contextlib.contextmanager
def profiled_script_runs():
    """A cProfile of the script runs (AppTest runs the script in its own thread, which a profiler enabled
    here would not see): Streamlit's script runner's call of the script is wrapped, in this process only."""
    from streamlit.runtime.scriptrunner import script_runner

    profiler = cProfile.Profile()
    original = script_runner.exec_func_with_error_handling

    def profiled(func, ctx):
        profiler.enable()
        try:
            return original(func, ctx)
        finally:
            profiler.disable()

    script_runner.exec_func_with_error_handling = profiled
    try:
        yield profiler
    finally:
        script_runner.exec_func_with_error_handling = original


def project_function(key: tuple) -> str | None:
    """``module.py:function`` for the package's and the pages' functions; None for others."""
    filename, line, function = key
    path = Path(filename)
    try:
        relative = path.resolve().relative_to(ROOT)
    except ValueError:
        return None
    if relative.parts[0] not in ("csp_data", "views", "app.py"):
        return None
    return f"{relative}:{line}({function})"


def print_profile(page: str, store: StoreUnderTest) -> None:
    print(f"\n### profile: {page} on {store.name} ({store.rows:,} rows)")
    at = app_for(page, store)
    for label, cold in (("cold", True), ("warm", False)):
        if cold:
            clear_caches()
        with call_timer() as timer:
            total, cpu = timed_run(at, page, store.name)
        print_calls(timer, label, total, cpu)
    for label, cold in (("cold", True), ("warm", False)):
        if cold:
            clear_caches()
        with profiled_script_runs() as profiler:
            total, _ = timed_run(at, page, store.name)
        stats = pstats.Stats(profiler).stats  # key -> (calls, primitive calls, tottime, cumtime, callers)
        print(
            f"{label} run under cProfile {total:,.0f} ms (inflated by profiling); the package's functions, cumulative ms:"
        )
        ours = sorted(
            ((name, row[3]) for key, row in stats.items() if (name := project_function(key))), key=lambda x: -x[1]
        )
        ours = [(name, cumulative) for name, cumulative in ours if not name.endswith("(<module>)")]
        for name, cumulative in ours[:12]:
            print(f"    {cumulative * 1000:8,.0f}  {name}")
        print("  most time in the function itself (any library):")
        for key, row in sorted(stats.items(), key=lambda item: -item[1][2])[:6]:
            filename, line, function = key
            where = filename.split("site-packages" + os.sep, 1)[-1]
            print(f"    {row[2] * 1000:8,.0f}  {where}:{line}({function})")


# ---- report ---------------------------------------------------------------------------------------------


def verdict(value: float, budget: float | None) -> str:
    if budget is None:
        return "-"
    return "pass" if value < budget else "FAIL"


def summary(results: list[Result]) -> list[tuple[str, str]]:
    """Print a table per store; return the (page, store) pairs over a budget (judged on wall-clock medians)."""
    over = []
    for store in dict.fromkeys(r.store for r in results):
        warm_budget, cold_budget = BUDGETS[store]
        rows = next(r.rows for r in results if r.store == store)
        cold_text = f"uncached < {cold_budget} ms" if cold_budget else "uncached: no budget"
        print(f"\n{store} ({rows:,} rows): budgets warm < {warm_budget} ms, {cold_text}; ms, median (min-max) [CPU]")
        print(
            f"{'page':26s} {'cold':>7s} {'(min-max)':>15s} {'[cpu]':>8s} {'warm':>6s} {'(min-max)':>11s} "
            f"{'[cpu]':>7s}  cold  warm"
        )
        for r in (r for r in results if r.store == store):
            record = r.record()
            baseline = r.page in (FLOOR, APP_ONLY)
            cold_ok = "" if baseline else verdict(record["cold_ms"], cold_budget)
            warm_ok = "" if baseline else verdict(record["warm_ms"], warm_budget)
            low, high = record["cold_min_max_ms"]
            wlow, whigh = record["warm_min_max_ms"]
            print(
                f"{r.page:26s} {record['cold_ms']:7,d} {f'({low}-{high})':>15s} {record['cold_cpu_ms']:8,d} "
                f"{record['warm_ms']:6,d} {f'({wlow}-{whigh})':>11s} {record['warm_cpu_ms']:7,d}  {cold_ok:4s}  {warm_ok}"
            )
            if "FAIL" in (cold_ok, warm_ok):
                over.append((r.page, store))
    return over


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold runs and warm reruns per page (medians)")
    parser.add_argument("--stores", default=",".join(STORES), help=f"comma-separated: {', '.join(STORES)}")
    parser.add_argument(
        "--national-scale", type=float, default=1.0, help="fraction of the 43 forces of the national store"
    )
    parser.add_argument("--pages", default=",".join(PAGES), help=f"comma-separated: {', '.join(PAGES)}")
    parser.add_argument(
        "--profile",
        choices=("none", "over", "all"),
        default="none",
        help="after the timings, profile the pages over budget (over) or every page (all)",
    )
    args = parser.parse_args()
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = [p for p in pages if p not in PAGES] + [s for s in stores if s not in STORES]
    if unknown:
        parser.error(f"unknown page or store: {', '.join(unknown)}")
    titles = [FLOOR, APP_ONLY] + [PAGES[p][0] for p in pages]

    results: list[Result] = []
    prepared: dict[str, StoreUnderTest] = {}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="csp-bench-pages-") as tmp:
        for name in stores:
            store = prepare_store(name, Path(tmp), args.national_scale)
            prepared[name] = store
            with environment(store.env):
                clear_caches()
                for title in titles:
                    result = measure(title, store, args.runs)
                    results.append(result)
                    print(json.dumps(result.record(), ensure_ascii=False), flush=True)
        over = summary(results)
        if args.profile != "none":
            chosen = over if args.profile == "over" else [(r.page, r.store) for r in results]
            for title, name in chosen:
                if title in (FLOOR, APP_ONLY):
                    continue
                with environment(prepared[name].env):
                    print_profile(title, prepared[name])
        clear_caches()  # the DuckDB databases hold the synthetic versions open until closed
    loads = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\n# {args.runs} cold runs and {args.runs} warm reruns per page; total {time.perf_counter() - start:.0f} s; "
        f"load average at the end {loads} (1 / 5 / 15 min, {os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    main()
