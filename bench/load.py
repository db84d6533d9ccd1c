"""Capacity benchmark: simulated visitors speaking Streamlit's own WebSocket protocol, through nginx.

Usage:
    .venv/bin/python bench/load.py                       # 100 sessions, one action each every 10 s, 5 minutes
    .venv/bin/python bench/load.py --quick               # 5 sessions, every 5 s, 30 s: does it work?
    .venv/bin/python bench/load.py --steps 20,40,60,80,100,140,200 --step-duration 60   # where p95 passes 3 s
    .venv/bin/python bench/load.py --url http://127.0.0.1:8080 ...   # a stack already running (make serve)
    options: --sessions N --interval S --duration S --json FILE --replicas N --seed N --timeout S

No browser runs: each visitor is a coroutine in this one process that does what Streamlit's front end does
on the wire. It loads the page (``GET /``: nginx's route cookie; ``/_stcore/health``, ``/_stcore/host-config``),
opens ``/_stcore/stream`` with that cookie (so it stays on one replica), and sends ``BackMsg`` protobufs:
a ``rerun_script`` for a page (a random one on arrival), then every ``--interval`` seconds one action:
open another page (3 in 10) or change a radio button or select box on the current page to another of its
options (7 in 10; the scrutiny pack's button is never pressed), sending every widget's value as the front
end does. The time of an interaction runs from sending the message to the run's ``script_finished``.
Visitors arrive spread over the first interval. Errors: a failed HTTP request or WebSocket, a run not
finished within ``--timeout``, an exception or error box on the page, a page not found.

Unless ``--url`` is given, the stack is started here as ``make serve`` starts it (deploy/serve.py: nginx and
two replicas on free loopback ports), every page is visited once on each replica first (the cold first
visits, reported apart), and each replica's memory (RSS) and the CPU of replicas, nginx and this client
are sampled every 2 s. Everything stays on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deploy.serve import serve  # noqa: E402

ROUTE_COOKIE = "dashboard_route"
NEVER_CHANGED = {"report_format"}  # the scrutiny pack's format: changing it redraws nothing else
PAGE_SHARE = 0.3  # of actions, the share that opens another page


@dataclass
class Interaction:
    started: float  # seconds since the run began
    seconds: float
    page: str
    kind: str  # "arrive", "page", "widget"
    error: str = ""


@dataclass
class Widget:
    id: str
    options: list[str]
    value: str


@dataclass
class Visitor:
    """One simulated session: its cookie, the page it is on and the widgets that page last drew."""

    number: int
    rng: random.Random
    pages: dict[str, str] = field(default_factory=dict)  # page name -> script hash
    url_paths: dict[str, str] = field(default_factory=dict)  # page name -> its URL path ("" for the default)
    page: str = ""
    widgets: dict[str, Widget] = field(default_factory=dict)


def _get(url: str, cookie: str | None, timeout: float) -> tuple[int, str | None]:
    request = urllib.request.Request(url, headers={"Cookie": f"{ROUTE_COOKIE}={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return response.status, jar[ROUTE_COOKIE].value if ROUTE_COOKIE in jar else None


async def load_page(base_url: str, timeout: float) -> str | None:
    """What a browser fetches before opening the WebSocket; the route cookie nginx gave it."""
    _, cookie = await asyncio.to_thread(_get, base_url + "/", None, timeout)
    for path in ("/_stcore/health", "/_stcore/host-config"):
        await asyncio.to_thread(_get, base_url + path, cookie, timeout)
    return cookie


def rerun_message(visitor: Visitor, page_hash: str, page_name: str = "") -> bytes:
    message = BackMsg()
    state = message.rerun_script
    state.page_script_hash = page_hash
    state.page_name = page_name
    state.context_info.timezone = "Europe/London"
    state.context_info.locale = "en-GB"
    for widget in visitor.widgets.values():
        entry = state.widget_states.widgets.add()
        entry.id = widget.id
        entry.string_value = widget.value
    return message.SerializeToString()


async def run_script(ws, visitor: Visitor, payload: bytes, timeout: float) -> str:
    """Send one rerun and read until its script_finished; what the page drew replaces ``visitor.widgets``.

    Returns an error description, or "" for a clean run."""
    await ws.send(payload)
    widgets: dict[str, Widget] = {}
    problems: list[str] = []
    async with asyncio.timeout(timeout):
        while True:
            message = ForwardMsg()
            message.ParseFromString(await ws.recv())
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                which = element.WhichOneof("type")
                if which == "exception":
                    problems.append(f"exception: {element.exception.message[:120]}")
                elif which == "alert" and element.alert.format == element.alert.ERROR:
                    problems.append(f"error box: {element.alert.body[:120]}")
                elif which in ("radio", "selectbox"):
                    widget = getattr(element, which)
                    name = widget.id.rsplit("-", 1)[-1]
                    if len(widget.options) > 1 and name not in NEVER_CHANGED:
                        current = visitor.widgets.get(widget.id)
                        value = current.value if current else widget.options[widget.default]
                        widgets[widget.id] = Widget(widget.id, list(widget.options), value)
            elif kind == "navigation":
                visitor.pages = {p.page_name: p.page_script_hash for p in message.navigation.app_pages}
                visitor.url_paths = {p.page_name: p.url_pathname for p in message.navigation.app_pages}
            elif kind == "page_not_found":
                problems.append("page not found")
            elif kind == "script_finished":
                if message.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    problems.append(f"script finished with status {message.script_finished}")
                visitor.widgets = widgets
                return "; ".join(problems)


def choose_action(visitor: Visitor) -> tuple[str, bytes]:
    rng = visitor.rng
    if visitor.widgets and rng.random() > PAGE_SHARE:
        widget = rng.choice(list(visitor.widgets.values()))
        widget.value = rng.choice([o for o in widget.options if o != widget.value])
        return "widget", rerun_message(visitor, visitor.pages[visitor.page], visitor.page)
    visitor.page = rng.choice([p for p in visitor.pages if p != visitor.page])
    return "page", rerun_message(visitor, visitor.pages[visitor.page], visitor.page)


async def visit(
    base_url: str, visitor: Visitor, t0: float, start_at: float, stop_at: float, interval: float, timeout: float
) -> list[Interaction]:
    """One session from arrival (``start_at``) to ``stop_at``, one action every ``interval`` seconds."""
    records: list[Interaction] = []
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    began = time.monotonic()
    try:
        cookie = await load_page(base_url, timeout)
        ws_url = base_url.replace("http", "ws", 1) + "/_stcore/stream"
        headers = {"Cookie": f"{ROUTE_COOKIE}={cookie}"} if cookie else {}
        async with connect(ws_url, subprotocols=["streamlit"], additional_headers=headers, max_size=None) as ws:
            # Arrival at a random page's URL, as by a link: the front end names the page by its URL path.
            visitor.page = visitor.rng.choice(list(visitor.pages))
            error = await run_script(ws, visitor, rerun_message(visitor, "", visitor.url_paths[visitor.page]), timeout)
            records.append(Interaction(began - t0, time.monotonic() - began, visitor.page, "arrive", error))
            next_at = began + interval
            while True:
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))
                if time.monotonic() >= stop_at:
                    return records
                kind, payload = choose_action(visitor)
                started = time.monotonic()
                error = await run_script(ws, visitor, payload, timeout)
                records.append(Interaction(started - t0, time.monotonic() - started, visitor.page, kind, error))
                next_at += interval
    except Exception as exc:  # any failure of a session is an error to count, not a crash of the benchmark
        what = f"{type(exc).__name__}: {exc}"[:200]
        records.append(Interaction(time.monotonic() - t0, time.monotonic() - began, visitor.page, "failed", what))
        return records


class Sampler:
    """Resident memory and CPU time of the given processes (Linux /proc), every ``every`` seconds."""

    def __init__(self, pids: dict[str, int], with_children: set[str], every: float = 2.0) -> None:
        self.pids, self.with_children, self.every = pids, with_children, every
        self.peak_rss_mb: dict[str, float] = dict.fromkeys(pids, 0.0)
        self.cpu_start: dict[str, float] = {}
        self._task: asyncio.Task | None = None

    def _cpu(self, name: str) -> float:
        return _cpu_seconds(self.pids[name], name in self.with_children)

    async def _loop(self) -> None:
        while True:
            for name, pid in self.pids.items():
                self.peak_rss_mb[name] = max(self.peak_rss_mb[name], _rss_mb(pid))
            await asyncio.sleep(self.every)

    def start(self) -> None:
        self.cpu_start = {name: self._cpu(name) for name in self.pids} | {"whole machine": _machine_busy_seconds()}
        self._task = asyncio.get_running_loop().create_task(self._loop())

    def stop(self) -> dict[str, float]:
        """CPU seconds used since ``start`` by each process, by the whole machine and by everything else."""
        if self._task:
            self._task.cancel()
        used = {name: self._cpu(name) - self.cpu_start[name] for name in self.pids}
        used["whole machine"] = _machine_busy_seconds() - self.cpu_start["whole machine"]
        used["other processes"] = used["whole machine"] - sum(used[name] for name in self.pids)
        return used


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cpu_seconds(pid: int, with_children: bool = False) -> float:
    """User + system CPU of a process (and its children: nginx's workers), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    except OSError:
        return 0.0
    return own + (sum(_cpu_seconds(child, True) for child in _children(pid)) if with_children else 0.0)


def _machine_busy_seconds() -> float:
    """CPU time all cores have spent busy since boot (/proc/stat: everything but idle and iowait)."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    return round(float(np.percentile(values, share * 100)), 3) if values else float("nan")


def summarise(chosen: list[Interaction]) -> dict:
    times = [r.seconds for r in chosen if not r.error]
    errors: dict[str, int] = {}
    for r in chosen:
        if r.error:
            errors[r.error] = errors.get(r.error, 0) + 1
    by_page = {}
    for page in sorted({r.page for r in chosen if r.page}):
        page_times = [r.seconds for r in chosen if r.page == page and not r.error]
        by_page[page] = {"n": len(page_times), "p50": percentile(page_times, 0.5), "p95": percentile(page_times, 0.95)}
    return {
        "interactions": len(chosen),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "p50_s": percentile(times, 0.5),
        "p95_s": percentile(times, 0.95),
        "p99_s": percentile(times, 0.99),
        "max_s": max(times, default=float("nan")),
        "by_page": by_page,
        "by_kind": {
            kind: {"n": len(ts), "p50": percentile(ts, 0.5), "p95": percentile(ts, 0.95)}
            for kind in ("arrive", "page", "widget")
            if (ts := [r.seconds for r in chosen if r.kind == kind and not r.error])
        },
    }


async def discover_pages(ws_url: str, timeout: float) -> Visitor:
    """A session that opens the default page: the pages of the app, their script hashes and URL paths."""
    visitor = Visitor(-1, random.Random(0))
    async with connect(ws_url, subprotocols=["streamlit"], max_size=None) as ws:
        error = await run_script(ws, visitor, rerun_message(visitor, ""), timeout)
    if error or not visitor.pages:
        raise RuntimeError(f"the app's default page did not run cleanly: {error or 'no pages'}")
    return visitor


async def warm_up(replica_urls: list[str], timeout: float) -> dict[str, dict[str, float | str]]:
    """Every page once on each replica directly: the cold first visits after a start; then every page
    again on the first replica, alone: the least a run of each page costs with its figures cached."""
    times: dict[str, dict[str, float | str]] = {}
    for label, urls in (("first visit", replica_urls), ("cached, alone", replica_urls[:1])):
        for url in urls:
            ws_url = url.replace("http", "ws", 1) + "/_stcore/stream"
            pages = await discover_pages(ws_url, timeout)
            async with connect(ws_url, subprotocols=["streamlit"], max_size=None) as ws:
                for name, page_hash in pages.pages.items():
                    started = time.monotonic()
                    error = await run_script(ws, pages, rerun_message(pages, page_hash), timeout)
                    key = f"{label} (replica {url.rsplit(':', 1)[1]})"
                    times.setdefault(key, {})[name] = error or round(time.monotonic() - started, 2)
    return times


async def run_load(base_url: str, steps: list[int], step_duration: float, args, sampler: Sampler | None) -> dict:
    """Sessions on the site: ``steps[i]`` of them during step ``i`` (one step: a constant load)."""
    rng = random.Random(args.seed)
    known = await discover_pages(base_url.replace("http", "ws", 1) + "/_stcore/stream", args.timeout)
    t0 = time.monotonic()
    stop_at = t0 + step_duration * len(steps)
    tasks, started = [], 0
    if sampler:
        sampler.start()
    for index, target in enumerate(steps):
        for number in range(started, target):  # newcomers arrive spread over one interval
            arrive = t0 + index * step_duration + rng.uniform(0, args.interval)
            visitor = Visitor(number, random.Random(rng.random()), dict(known.pages), dict(known.url_paths))
            task = visit(base_url, visitor, t0, arrive, stop_at, args.interval, args.timeout)
            tasks.append(asyncio.create_task(task))
        started = max(started, target)
    records = [r for batch in await asyncio.gather(*tasks) for r in batch]
    cpu = sampler.stop() if sampler else {}
    wall = time.monotonic() - t0
    result = {"wall_s": round(wall, 1), "overall": summarise(records)}
    result["overall"]["per_second"] = round(len(records) / wall, 2)
    if len(steps) > 1:  # a step is measured once its newcomers have arrived (after its first interval)
        result["steps"] = [
            {"sessions": n, **summarise([r for r in records if lo + args.interval <= r.started < lo + step_duration])}
            for n, lo in ((n, i * step_duration) for i, n in enumerate(steps))
        ]
    if sampler:
        result["peak_rss_mb"] = {name: round(mb) for name, mb in sampler.peak_rss_mb.items()}
        result["cpu_cores_used"] = {name: round(seconds / wall, 2) for name, seconds in cpu.items()}
        result["machine"] = {"cores": os.cpu_count(), "load_average_at_end": [round(x, 1) for x in os.getloadavg()]}
    return result


def cache_lookups(replica_url: str) -> dict[str, int]:
    """Hits and misses of every st.cache_data / st.cache_resource function since the replica started
    (its /_stcore/metrics, asked of the replica itself: nginx does not serve them)."""
    request = urllib.request.Request(replica_url + "/_stcore/metrics", headers={"Accept": "text/plain"})
    with urllib.request.urlopen(request, timeout=10) as response:
        lines = response.read().decode().splitlines()
    totals = {"hit": 0, "miss": 0}
    for line in lines:
        if line.startswith("cache_lookups_total{"):
            result = line.split('result="', 1)[1].split('"', 1)[0]
            totals[result] = totals.get(result, 0) + int(float(line.rsplit(" ", 1)[1]))
    return totals


def is_loopback_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return False
    return (
        parts.scheme == "http"
        and parts.hostname in ("127.0.0.1", "localhost", "::1")
        and parts.username is None
        and parts.password is None
        and parts.path in ("", "/")
    )


def _run_async(coroutine):
    """asyncio.run, in a thread of its own when this thread already runs an event loop (as it does inside
    a test process where Playwright's sync API is open)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running stack's nginx URL (loopback only); default: start one")
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between a session's actions")
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of load")
    parser.add_argument("--steps", help="sessions per step, e.g. 20,40,80 (a ramp; replaces --sessions)")
    parser.add_argument("--step-duration", type=float, default=60.0, help="seconds per step of --steps")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a run counts as failed")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="5 sessions, every 5 s, for 30 s")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if args.quick:
        args.sessions, args.interval, args.duration = 5, 5.0, 30.0
    steps = [int(s) for s in args.steps.split(",")] if args.steps else [args.sessions]
    step_duration = args.step_duration if args.steps else args.duration
    if args.url and not is_loopback_url(args.url):
        parser.error(
            "--url must be http:// on a loopback address (127.0.0.1, localhost, [::1]): load goes nowhere else"
        )

    settings = {"sessions": steps, "seconds_each": step_duration, "interval_s": args.interval, "seed": args.seed}
    if args.url:
        result = {"settings": settings, **_run_async(run_load(args.url.rstrip("/"), steps, step_duration, args, None))}
    else:
        with tempfile.TemporaryDirectory(prefix="csp-load-") as run_dir:
            # Every visitor here comes from 127.0.0.1: let them all in (the site's cap is per client address).
            with serve(Path(run_dir), replicas=args.replicas, sessions_per_client=max(steps) + 10) as stack:
                page_runs = _run_async(warm_up([r.url for r in stack.replicas], args.timeout * 3))
                pids = {f"replica {r.port}": r.process.pid for r in stack.replicas}
                pids |= {"nginx": stack.nginx.pid, "load client": os.getpid()}
                sampler = Sampler(pids, with_children={"nginx"})
                measured = _run_async(run_load(stack.url, steps, step_duration, args, sampler))
                caches = {f"replica {r.port}": cache_lookups(r.url) for r in stack.replicas}
                result = {"settings": settings, "page_runs_s": page_runs, **measured, "cache_lookups": caches}
    text = json.dumps(result, indent=2, default=str)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
