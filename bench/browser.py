"""What a visitor waits for in a browser: every page in Debian's Chromium (Playwright) against the real server.

Usage: .venv/bin/python bench/browser.py [--runs 3] [--first-visits 3] [--within-site 3] [--crime-types 2]
           [--pages overview,...] [--store-dir DIR] [--area-file FILE] [--hosted]

1. ``first_visit``: a fresh ``streamlit run app.py`` for each of ``--first-visits`` runs, then one visit
   to the Overview: time from ``page.goto`` to first content (the page's h1 in the main area) and to idle.
   This is the first visitor after a restart of a bare server: the server imports the package, reads the
   area, builds the DuckDB views and runs every query, and the browser loads Streamlit's front end. The
   same again with the server warmed as deployments warm it (``make serve`` and the systemd units run
   every page once with deploy/warm.py before visitors arrive): what the first visitor after a deploy waits for.
2. ``new_visitor``: one fresh server (with ``--hosted``: ``make serve``'s stack, nginx serving the front
   end's files with gzip in front of two replicas warmed at start, as the site is hosted); for every
   page, a new visitor (a fresh browser context: no cookies, no HTTP cache, a new session) opening the
   page's link. The first visit to each page (its figures not
   yet cached, apart from what earlier pages share) is reported apart, then the median of ``--runs``
   visits with the server's caches warm.

3. ``within_site`` (``--within-site N``, default 3; 0 to skip): for every page, N visitors (after one
   that fills the server's caches) who open the Overview (the Glossary, to move to the Overview), wait for
   it to be idle and follow the sidebar's link to the page: ms from the click to the new page's h1, idle and
   settled, with the tab's and the server's CPU meanwhile. The front end is already loaded, as for every
   page after a visitor's first. When the page's run is too quick for Streamlit to show its running
   indicator, idle is its h1: read settled beside it.

Times come from the page itself: a MutationObserver installed before the page's own scripts records when
the main area's h1 appears and when Streamlit's running indicator (or the loading skeleton) goes away
for the last time (``idle``); ``settled`` is the last change to the page's DOM (charts drawn). The visit
ends when ``wait_until_idle`` (tests/browser/browser.py) has seen the indicator absent for 2 s. Times are
measured from just before ``page.goto`` (wall clock, shared by Python and the browser on this machine).

Baseline in the same run: ``(empty Streamlit app)``, a two-line app (a sidebar title and a page title,
with this project's ``.streamlit/config.toml``) served and visited the same way, which is what Streamlit's
front end and Chromium cost on this machine before any of the app's work. ``frontend_ms`` is when the
browser had the front end's HTML parsed (DOMContentLoaded) and ``ws_ms`` when it opened the session's
WebSocket, after which the server runs the script. Where the time goes, in CPU time, which other
processes' load changes far less than wall-clock time: ``main_thread_cpu_ms``, the CPU time of the tab's
main thread in Chromium over the visit (DevTools' Performance metrics; ``main_thread_ms`` is its busy
wall-clock time and ``script_ms`` the JavaScript part of that), and ``server_cpu_ms``, the CPU time of the
Streamlit server process during the visit (read from /proc).

4. ``crime_type_change`` (``--crime-types N``, default 2; 0 to skip): one visitor on the Hotspots page chooses
   every entry of its "Crime type or ASB" box in turn (the default period), N rounds: ms from choosing the
   entry to the page's summary naming it (``shown``), to idle and to settled (the last change in the main
   area: the tables below the map redrawn), with the tab's and the
   server's CPU. The first round is what a visitor meets for each type the first time it is asked of the
   replica (with ``--hosted``, read from the statistics the warm-up kept; otherwise computed, unless an
   earlier run kept them); later rounds find each type in the server's memory.

Budgets (issue 16): first visit to first content < 2 s; a page's median time to idle < 1.5 s; the Hotspots
page shows another crime type within 200 ms of the server's work (``bench/bench_hotspots.py``), here timed
whole, browser included.
The machine is shared and noisy: medians of several runs.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
# tests/browser/browser.py is imported under another name: this file is also called browser.py.
_spec = importlib.util.spec_from_file_location("browser_helpers", ROOT / "tests" / "browser" / "browser.py")
helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helpers)
sys.path.insert(0, str(ROOT))
from deploy.serve import serve  # noqa: E402
from deploy.warm import warm  # noqa: E402

PAGES = {  # key: (title, path under the server's URL; the default page is the root)
    "overview": ("Overview", ""),
    "ward_map": ("Ward map", "ward_map"),
    "hotspots": ("Hotspots", "hotspots"),
    "seasonality": ("Seasonality and trends", "seasonality"),
    "priorities": ("Priorities and progress", "priorities"),
    "survey": ("Residents’ survey", "survey"),
    "benchmarking": ("Benchmarking", "benchmarking"),
    "data_sources": ("Data and methods", "data_sources"),
    "glossary": ("Glossary", "glossary"),
}
BASELINE = "(empty Streamlit app)"
WARMED = "Overview, server warmed at start"
BASELINE_APP = """import streamlit as st

st.sidebar.title("Baseline")
st.title("Baseline")
"""
FIRST_CONTENT_BUDGET_MS = 2000
PAGE_BUDGET_MS = 1500
VIEWPORT = {"width": 1400, "height": 1000}
H1 = "[data-testid='stMain'] h1"
BUSY = "[data-testid='stStatusWidgetRunningIcon'], [data-testid='stSkeleton']"

MARKS_SCRIPT = f"""
(() => {{
  const marks = {{h1: null, idle: null, busy: null, settled: null, left: null}};
  window.__benchMarks = marks;
  // Moving within the site: the marks start again, and the h1 counts once it no longer reads ``left``, the
  // title of the page left behind.
  window.__benchRestart = (left) => Object.assign(marks, {{h1: null, idle: null, busy: null, settled: null, left}});
  let busy = false;
  const check = () => {{
    const now = Date.now();
    marks.settled = now;
    const h1 = marks.h1 === null && document.querySelector({H1!r});
    if (h1 && (marks.left === null || h1.textContent !== marks.left)) marks.h1 = now;
    if (document.querySelector({BUSY!r})) {{
      if (marks.busy === null) marks.busy = now;
      busy = true;
    }} else if (busy) {{
      busy = false;
      marks.idle = now;
    }}
  }};
  new MutationObserver(check).observe(document, {{childList: true, subtree: true}});
}})();
"""


CHANGE_SCRIPT = """
(() => {
  // Choosing another entry: ``shown`` once the summary caption's text differs from ``before``; ``settled``
  // is the last change to the main area's DOM after the choice (the box's menu, drawn outside it, is not).
  let observer = null;
  window.__benchChange = (selector, before) => {
    const marks = {shown: null, settled: null};
    window.__benchChangeMarks = marks;
    if (observer) observer.disconnect();
    observer = new MutationObserver(() => {
      const now = Date.now();
      marks.settled = now;
      const shown = document.querySelector(selector);
      if (marks.shown === null && shown && shown.textContent !== before) marks.shown = now;
    });
    observer.observe(document.querySelector("[data-testid='stMain']"), {childList: true, subtree: true, characterData: true});
  };
})();
"""
SUMMARY = "[data-testid='stMain'] [data-testid='stCaptionContainer']"  # the Hotspots summary: "... incidents of <type>"


class VisitFailed(Exception):
    pass


def visits(browser, url: str, runs: int) -> list[dict]:
    """``runs`` visits; one that fails (e.g. the app being edited under the server) is reported and left out."""
    done = []
    for _ in range(runs):
        try:
            done.append(visit(browser, url))
        except VisitFailed as error:
            print(f"# visit left out: {error}", file=sys.stderr, flush=True)
    if not done:
        raise SystemExit(f"every visit to {url} failed")
    return done


def server_cpu_ms() -> float:
    """CPU time used so far by the Streamlit server(s) this process started (read from /proc)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != os.getpid() or b"streamlit" not in (stat.parent / "cmdline").read_bytes():
                continue
        except (OSError, IndexError, ValueError):
            continue  # a process that ended meanwhile
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total * 1000 / os.sysconf("SC_CLK_TCK")


def visit(browser, url: str) -> dict:
    """One new visitor: a fresh context, ``goto``, then the marks once the page is idle (ms from goto)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.add_init_script(MARKS_SCRIPT)
        page = context.new_page()
        devtools = context.new_cdp_session(page)
        devtools.send("Performance.enable")
        opened = []
        page.on("websocket", lambda _: opened.append(time.time() * 1000))
        server_cpu = server_cpu_ms()
        start = time.time() * 1000
        page.goto(url, timeout=180_000)
        try:
            page.wait_for_selector(H1, state="visible", timeout=120_000)
            h1_seen = time.time() * 1000
            helpers.wait_until_idle(page, timeout_ms=120_000)
        except (TimeoutError, PlaywrightTimeout) as error:
            shot = Path(tempfile.gettempdir()) / f"csp-bench-browser-timeout-{int(start)}.png"
            page.screenshot(path=str(shot), full_page=True)
            raise VisitFailed(f"{url}: {error} (screenshot {shot})") from None
        marks = page.evaluate("window.__benchMarks")
        frontend = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
        metrics = {m["name"]: m["value"] for m in devtools.send("Performance.getMetrics")["metrics"]}
        server_cpu = server_cpu_ms() - server_cpu
        exceptions = page.query_selector_all("[data-testid='stException']")
        if exceptions:
            raise RuntimeError(f"{url}: {exceptions[0].inner_text()[:300]}")
    finally:
        context.close()
    h1 = marks["h1"] if marks["h1"] is not None else h1_seen
    idle = max(marks["idle"] or h1, h1)  # a run too short to show the indicator is idle at its h1
    return {
        "frontend_ms": round(frontend),
        "ws_ms": round(opened[0] - start) if opened else None,
        "h1_ms": round(h1 - start),
        "idle_ms": round(idle - start),
        "settled_ms": round(max(marks["settled"] or idle, idle) - start),
        # The page's main-thread work in Chromium over the whole visit (DevTools Performance metrics).
        "main_thread_ms": round(metrics.get("TaskDuration", 0) * 1000),
        "main_thread_cpu_ms": round(metrics.get("ThreadTime", 0) * 1000),
        "server_cpu_ms": round(server_cpu),
        "script_ms": round(metrics.get("ScriptDuration", 0) * 1000),
        "layout_style_ms": round((metrics.get("LayoutDuration", 0) + metrics.get("RecalcStyleDuration", 0)) * 1000),
    }


@contextlib.contextmanager
def baseline_server(env: dict, timeout: float = 120):
    """``streamlit_server`` serving the two-line baseline app from a temporary folder (its ROOT, for once)."""
    with tempfile.TemporaryDirectory(prefix="csp-bench-browser-") as tmp:
        (Path(tmp) / "app.py").write_text(BASELINE_APP, encoding="utf-8")
        (Path(tmp) / ".streamlit").mkdir()
        shutil.copy(ROOT / ".streamlit" / "config.toml", Path(tmp) / ".streamlit" / "config.toml")
        saved, helpers.ROOT = helpers.ROOT, Path(tmp)
        try:
            with helpers.streamlit_server(env, timeout=timeout) as url:
                helpers.ROOT = saved
                yield url
        finally:
            helpers.ROOT = saved


def server_env(args) -> dict:
    env = {}
    if args.store_dir:
        env["CSP_STORE_DIR"] = str(Path(args.store_dir).resolve())
    if args.area_file:
        env["CSP_AREA_FILE"] = str(Path(args.area_file).resolve())
    return env


def median_of(results: list[dict], key: str) -> int:
    return round(statistics.median(r[key] for r in results))


def first_visits(browser, runs: int, env: dict) -> list[dict]:
    """Per run: a fresh server of the app; a fresh server warmed as deployments warm it (every page run once
    by deploy/warm.py); and the baseline app; each with one visit to its default page."""
    results = []
    for run in range(runs):
        for page, server in (
            ("Overview", helpers.streamlit_server),
            (WARMED, helpers.streamlit_server),
            (BASELINE, baseline_server),
        ):
            started = time.perf_counter()
            with server(env, timeout=120) as url:
                if page == WARMED:
                    warm(url)  # as make serve and the systemd units do before visitors arrive
                server_ms = round((time.perf_counter() - started) * 1000)
                result = {"measure": "first_visit", "page": page, "run": run + 1, "server_start_ms": server_ms}
                try:
                    result.update(visit(browser, url + "/"))
                except VisitFailed as error:
                    print(f"# first visit left out: {error}", file=sys.stderr, flush=True)
                    continue
            print(json.dumps(result), flush=True)
            results.append(result)
    return results


MEDIAN_KEYS = (
    "frontend_ms",
    "ws_ms",
    "h1_ms",
    "idle_ms",
    "settled_ms",
    "main_thread_ms",
    "main_thread_cpu_ms",
    "script_ms",
    "layout_style_ms",
    "server_cpu_ms",
)


def page_result(title: str, first: dict, done: list[dict]) -> dict:
    result = {"measure": "new_visitor", "page": title, "runs": len(done)}
    result.update({key: median_of(done, key) for key in MEDIAN_KEYS})
    result["idle_min_max_ms"] = [min(v["idle_ms"] for v in done), max(v["idle_ms"] for v in done)]
    result.update(first_h1_ms=first["h1_ms"], first_idle_ms=first["idle_ms"])
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return result


@contextlib.contextmanager
def hosted_stack(env: dict, timeout: float = 120):
    """``make serve``'s stack on free loopback ports (nginx, two replicas warmed at start); yields nginx's URL."""
    with (
        tempfile.TemporaryDirectory(prefix="csp-bench-browser-") as tmp,
        serve(Path(tmp), env=env, timeout=timeout, warm_pages=True) as stack,
    ):
        yield stack.url


def new_visitors(browser, pages: list[str], runs: int, env: dict, hosted: bool = False) -> list[dict]:
    results = []
    with baseline_server(env) as url:
        first = visits(browser, url + "/", 1)[0]
        results.append(page_result(BASELINE, first, visits(browser, url + "/", runs)))
    server = hosted_stack if hosted else helpers.streamlit_server
    with server(env, timeout=120) as url:
        visits(browser, url + "/", 1)  # the server's first session (imports, area, views); measured in part 1
        for key in pages:
            title, path = PAGES[key]
            first = visits(browser, f"{url}/{path}", 1)[0]
            results.append(page_result(title, first, visits(browser, f"{url}/{path}", runs)))
    return results


def move_to(browser, url: str, title: str) -> dict:
    """A visitor already on the site: a fresh context opens the Overview (the Glossary, to move to the
    Overview) and waits for it to be idle, then follows the sidebar's link to the page titled ``title``; ms
    from the click to its h1, idle and settled, and the CPU the tab and the server spent meanwhile."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.add_init_script(MARKS_SCRIPT)
        page = context.new_page()
        page.goto(url + ("/glossary" if title == PAGES["overview"][0] else "/"), timeout=180_000)
        page.wait_for_selector(H1, state="visible", timeout=120_000)
        helpers.wait_until_idle(page, timeout_ms=120_000)
        link = page.locator("[data-testid='stSidebarNav'] a", has_text=title)
        devtools = context.new_cdp_session(page)
        devtools.send("Performance.enable")
        before = {m["name"]: m["value"] for m in devtools.send("Performance.getMetrics")["metrics"]}
        server_cpu = server_cpu_ms()
        left = page.eval_on_selector(H1, "h => h.textContent")  # the title of the page being left
        start = page.evaluate("(left) => { window.__benchRestart(left); return Date.now(); }", left)
        link.click()
        try:
            page.wait_for_function(
                "([selector, left]) => { const h = document.querySelector(selector); return h && h.textContent !== left; }",
                arg=[H1, left],
                timeout=120_000,
            )
            helpers.wait_until_idle(page, timeout_ms=120_000)
        except (TimeoutError, PlaywrightTimeout) as error:
            raise VisitFailed(f"{url}: moving to {title}: {error}") from None
        marks = page.evaluate("window.__benchMarks")
        after = {m["name"]: m["value"] for m in devtools.send("Performance.getMetrics")["metrics"]}
        server_cpu = server_cpu_ms() - server_cpu
        if page.query_selector_all("[data-testid='stException']"):
            raise RuntimeError(f"{url}: {title} showed an error")
    finally:
        context.close()
    h1 = marks["h1"] if marks["h1"] is not None else start
    idle = max(marks["idle"] or h1, h1)
    return {
        "h1_ms": round(h1 - start),
        "idle_ms": round(idle - start),
        "settled_ms": round(max(marks["settled"] or idle, idle) - start),
        "main_thread_cpu_ms": round((after.get("ThreadTime", 0) - before.get("ThreadTime", 0)) * 1000),
        "server_cpu_ms": round(server_cpu),
    }


def within_site(browser, pages: list[str], runs: int, env: dict, hosted: bool = False) -> list[dict]:
    """For every page: ``runs`` visitors who opened the Overview and then follow the sidebar's link to it (the
    front end already loaded, as for every page after a visitor's first)."""
    results = []
    server = hosted_stack if hosted else helpers.streamlit_server
    with server(env, timeout=120) as url:
        visits(browser, url + "/", 1)  # the server's first session
        for key in pages:
            title, _ = PAGES[key]
            done = []
            for _ in range(runs + 1):  # the first fills the server's caches for the page: left out
                try:
                    done.append(move_to(browser, url, title))
                except VisitFailed as error:
                    print(f"# move left out: {error}", file=sys.stderr, flush=True)
            done = done[1:]
            if not done:
                raise SystemExit(f"every move to {title} failed")
            result = {"measure": "within_site", "page": title, "runs": len(done)}
            result.update(
                {
                    k: median_of(done, k)
                    for k in ("h1_ms", "idle_ms", "settled_ms", "main_thread_cpu_ms", "server_cpu_ms")
                }
            )
            result["idle_min_max_ms"] = [min(v["idle_ms"] for v in done), max(v["idle_ms"] for v in done)]
            print(json.dumps(result, ensure_ascii=False), flush=True)
            results.append(result)
    return results


def crime_type_labels(env: dict) -> list[str]:
    """The entries of the Hotspots page's "Crime type or ASB" box for the default period, in its order."""
    from csp_data.config import load_area
    from csp_data.periods import latest_12_months
    from csp_data.series import counted_choices
    from csp_data.store import Store
    from csp_data.store.queries import Database

    area = load_area(env.get("CSP_AREA_FILE"))
    database = Database(area, Store(env.get("CSP_STORE_DIR") or area.store_dir))
    try:
        period = latest_12_months(database.loaded_months())
        held = database.query("crime_type_counts", first=period.first, last=period.last)["crime_type"]
        return [choice.label for choice in counted_choices(held)]
    finally:
        database.close()


def choose(page, label: str) -> dict:
    """Choose ``label`` in the Hotspots page's type box and wait until the page shows it and is idle."""
    box = page.get_by_role("combobox", name="Crime type or ASB")
    box.click()
    box.fill(label)
    option = page.get_by_role("option", name=label, exact=True)
    option.wait_for(state="visible", timeout=30_000)
    caption = page.locator(SUMMARY).first.inner_text()
    page.evaluate("([selector, before]) => window.__benchChange(selector, before)", [SUMMARY, caption])
    page.evaluate("() => window.__benchRestart(null)")
    devtools = page.context.new_cdp_session(page)
    devtools.send("Performance.enable")
    before = {m["name"]: m["value"] for m in devtools.send("Performance.getMetrics")["metrics"]}
    server_cpu = server_cpu_ms()
    start = page.evaluate("Date.now()")
    option.click()
    try:
        page.wait_for_function("() => window.__benchChangeMarks.shown !== null", timeout=120_000)
        helpers.wait_until_idle(page, timeout_ms=120_000)
    except (TimeoutError, PlaywrightTimeout) as error:
        raise VisitFailed(f"choosing {label}: {error}") from None
    change = page.evaluate("window.__benchChangeMarks")
    marks = page.evaluate("window.__benchMarks")
    after = {m["name"]: m["value"] for m in devtools.send("Performance.getMetrics")["metrics"]}
    devtools.detach()
    if page.query_selector_all("[data-testid='stException']"):
        raise RuntimeError(f"Hotspots showed an error for {label}")
    shown = change["shown"]
    idle = max(marks["idle"] or shown, shown)  # a run too short to show the indicator is idle once shown
    return {
        "shown_ms": round(shown - start),
        "idle_ms": round(idle - start),
        "settled_ms": round(max(change["settled"] or idle, idle) - start),
        "main_thread_cpu_ms": round((after.get("ThreadTime", 0) - before.get("ThreadTime", 0)) * 1000),
        "server_cpu_ms": round(server_cpu_ms() - server_cpu),
    }


def crime_type_changes(browser, rounds: int, env: dict, hosted: bool = False) -> list[dict]:
    """One visitor on the Hotspots page choosing every entry of its type box in turn, ``rounds`` times."""
    labels = crime_type_labels(env)
    results = []
    server = hosted_stack if hosted else helpers.streamlit_server
    with server(env, timeout=120) as url:
        visits(browser, url + "/", 1)  # the server's first session
        context = browser.new_context(viewport=VIEWPORT)
        try:
            context.add_init_script(MARKS_SCRIPT)
            context.add_init_script(CHANGE_SCRIPT)
            page = context.new_page()
            page.goto(url + "/" + PAGES["hotspots"][1], timeout=180_000)
            page.wait_for_selector(H1, state="visible", timeout=120_000)
            helpers.wait_until_idle(page, timeout_ms=120_000)
            for number in range(1, rounds + 1):
                order = labels[1:] + labels[:1]  # the box opens on the first entry
                done = [choose(page, label) for label in order]
                result = {"measure": "crime_type_change", "round": number, "choices": len(done)}
                for key in ("shown_ms", "idle_ms", "settled_ms", "main_thread_cpu_ms", "server_cpu_ms"):
                    result[key] = median_of(done, key)
                result["idle_min_max_ms"] = [min(d["idle_ms"] for d in done), max(d["idle_ms"] for d in done)]
                print(json.dumps(result, ensure_ascii=False), flush=True)
                results.append(result)
        finally:
            context.close()
    return results


def summary(
    firsts: list[dict], pages: list[dict], hosted: bool = False, moves: list[dict] = (), changes: list[dict] = ()
) -> None:
    if firsts:
        app = [r for r in firsts if r["page"] == "Overview"]
        warmed = [r for r in firsts if r["page"] == WARMED]
        base = [r for r in firsts if r["page"] == BASELINE]
        print(
            f"\nfirst visit after a server start (Overview; {len(app)} fresh servers; "
            f"budget: first content < {FIRST_CONTENT_BUDGET_MS} ms). Median ms (runs):"
        )
        print(f"{'':34s} {'app':>7s}  {'(runs)':24s} {'warmed at start':>16s} {BASELINE:>22s}")
        for key, label in (
            ("server_start_ms", "server start to healthy (+ warm)"),
            ("frontend_ms", "goto to front end parsed"),
            ("ws_ms", "goto to WebSocket open"),
            ("h1_ms", "goto to first content (h1)"),
            ("idle_ms", "goto to idle"),
            ("settled_ms", "goto to settled"),
            ("main_thread_ms", "browser main thread busy"),
            ("main_thread_cpu_ms", "browser main thread CPU"),
            ("server_cpu_ms", "server CPU"),
        ):
            runs = ", ".join(str(r[key]) for r in app)
            print(
                f"{label:34s} {median_of(app, key):7,d}  {f'({runs})':24s} {median_of(warmed, key):16,d} "
                f"{median_of(base, key):22,d}"
            )
        for label, rows in (("cold server", app), ("server warmed at start (deploy/warm.py)", warmed)):
            verdict = "pass" if median_of(rows, "h1_ms") < FIRST_CONTENT_BUDGET_MS else "FAIL"
            print(f"first content within budget, {label}: {verdict}")
    if pages:
        print(
            f"\nnew visitor per page{' through nginx (make serve: two replicas warmed at start)' if hosted else ''} "
            f"(median of {pages[0]['runs']} visits, server caches warm; the baseline served directly; budget: idle < "
            f"{PAGE_BUDGET_MS} ms). ms from goto: front end parsed, WebSocket open, h1, idle (min-max), settled; "
            "CPU ms: Chromium main thread, server; the page's first visit: h1, idle"
        )
        print(
            f"{'page':26s} {'front':>6s} {'ws':>6s} {'h1':>6s} {'idle':>6s} {'(min-max)':>13s} {'settled':>8s} "
            f"{'cpu:tab':>8s} {'server':>7s} {'1st h1':>7s} {'1st idle':>9s}  budget"
        )
        for r in pages:
            low, high = r["idle_min_max_ms"]
            ok = "" if r["page"] == BASELINE else ("pass" if r["idle_ms"] < PAGE_BUDGET_MS else "FAIL")
            print(
                f"{r['page']:26s} {r['frontend_ms']:6,d} {r['ws_ms']:6,d} {r['h1_ms']:6,d} {r['idle_ms']:6,d} "
                f"{f'({low}-{high})':>13s} {r['settled_ms']:8,d} {r['main_thread_cpu_ms']:8,d} "
                f"{r['server_cpu_ms']:7,d} {r['first_h1_ms']:7,d} {r['first_idle_ms']:9,d}  {ok}"
            )
    if moves:
        print(
            f"\nmoving within the site{' through nginx' if hosted else ''}: a visitor on the Overview (the Glossary, "
            f"for the Overview) follows the sidebar's link to the page (median of {moves[0]['runs']} visitors, server "
            f"caches warm; budget: idle < {PAGE_BUDGET_MS} ms). ms from the click: h1, idle (min-max), settled; CPU ms"
        )
        print(
            f"{'page':26s} {'h1':>6s} {'idle':>6s} {'(min-max)':>13s} {'settled':>8s} {'cpu:tab':>8s} {'server':>7s}  budget"
        )
        for r in moves:
            low, high = r["idle_min_max_ms"]
            ok = "pass" if r["idle_ms"] < PAGE_BUDGET_MS else "FAIL"
            print(
                f"{r['page']:26s} {r['h1_ms']:6,d} {r['idle_ms']:6,d} {f'({low}-{high})':>13s} {r['settled_ms']:8,d} "
                f"{r['main_thread_cpu_ms']:8,d} {r['server_cpu_ms']:7,d}  {ok}"
            )
    if changes:
        print(
            f"\nchanging the crime type on Hotspots{' through nginx (statistics kept by the warm-up)' if hosted else ''}: "
            f"every entry of the box chosen in turn ({changes[0]['choices']} entries; round 1: each type new to the "
            "server's memory). Median ms from the choice: summary shown, idle (min-max), settled; CPU ms"
        )
        print(
            f"{'round':26s} {'shown':>6s} {'idle':>6s} {'(min-max)':>13s} {'settled':>8s} {'cpu:tab':>8s} {'server':>7s}"
        )
        for r in changes:
            low, high = r["idle_min_max_ms"]
            print(
                f"{r['round']:<26d} {r['shown_ms']:6,d} {r['idle_ms']:6,d} {f'({low}-{high})':>13s} "
                f"{r['settled_ms']:8,d} {r['main_thread_cpu_ms']:8,d} {r['server_cpu_ms']:7,d}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="visits per page for the medians")
    parser.add_argument("--first-visits", type=int, default=3, help="fresh servers for the first-visit timing")
    parser.add_argument("--pages", default=",".join(PAGES), help=f"comma-separated: {', '.join(PAGES)}")
    parser.add_argument(
        "--within-site", type=int, default=3, help="visitors moving to each page from the Overview (0: none)"
    )
    parser.add_argument(
        "--crime-types", type=int, default=2, help="rounds of choosing every crime type on Hotspots (0: none)"
    )
    parser.add_argument("--store-dir", help="serve this store (CSP_STORE_DIR) instead of the area file's")
    parser.add_argument("--area-file", help="serve this area file (CSP_AREA_FILE)")
    parser.add_argument(
        "--hosted",
        action="store_true",
        help="new visitors through make serve's stack (nginx serving the front end's files, two warmed replicas)",
    )
    args = parser.parse_args()
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    if unknown := [p for p in pages if p not in PAGES]:
        parser.error(f"unknown page: {', '.join(unknown)}")
    path = helpers.chromium_path()
    if path is None:
        raise SystemExit("Chromium not found: install Debian's chromium package (make test does this)")

    env = server_env(args)
    start = time.perf_counter()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=helpers.CHROMIUM_ARGS)
        try:
            visit_warmup = browser.new_context()  # Chromium's own first-context costs, not the app's
            visit_warmup.close()
            firsts = first_visits(browser, args.first_visits, env) if args.first_visits else []
            per_page = new_visitors(browser, pages, args.runs, env, args.hosted) if pages and args.runs else []
            moves = (
                within_site(browser, pages, args.within_site, env, args.hosted) if pages and args.within_site else []
            )
            changes = crime_type_changes(browser, args.crime_types, env, args.hosted) if args.crime_types else []
        finally:
            browser.close()
    summary(firsts, per_page, args.hosted, moves, changes)
    loads = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\n# total {time.perf_counter() - start:.0f} s; load average at the end {loads} (1 / 5 / 15 min, {os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    main()
