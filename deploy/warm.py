"""Warm a replica right after it starts: one session runs every page once, on loopback.

The first visitor after a start or deploy would otherwise pay for the imports, the DuckDB views and
every page's first figures (about 3 s of server work on the embedded data). Streamlit keeps its caches
for the whole process, so once this has run each page's figures are ready for every later session.

After the pages, the Hotspots page's statistics, map and area-wide top streets are computed for every crime
type of the default period and kept with the store (``csp_data.ui.hotspots_kept.store_every_choice``, in this
process, with the same area and store settings as the replicas): a visitor changing the crime type then
finds them ready (about 0.13 s on the server instead of 0.5 s). Replicas read them from disk: another
replica's warm-up finds them kept. It stops after a minute (a national-sized store takes seconds a
choice); the rest are computed when first chosen. Then the same is done for every other financial and
calendar year the sidebar offers, the latest first, at a lower CPU priority and for at most three minutes
(about a minute on the embedded data's seven other years), so that a councillor choosing a financial year
finds it ready too.

Usage: ``python -m deploy.warm URL [URL ...]`` (each a replica's own address, e.g. http://127.0.0.1:8501;
the systemd units run it), or ``python -m deploy.warm --statistics`` for the statistics alone;
``--periods=default`` or ``--periods=others`` keeps only the default period's statistics or only the
other years' (``make serve`` keeps the default period's before nginx starts and the others' while it
serves). Prints one line per page; exits 1 if a page (or the statistics) did not run cleanly
(the replica keeps serving: a cold page is slow, not broken).
"""

from __future__ import annotations

import os
import sys
import time
import urllib.request
from collections.abc import Sequence

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect


def _rerun(page_hash: str) -> bytes:
    message = BackMsg()
    message.rerun_script.page_script_hash = page_hash
    message.rerun_script.context_info.timezone = "Europe/London"
    return message.SerializeToString()


def _run(ws, page_hash: str, timeout: float) -> tuple[str, dict[str, str]]:
    """One run of a page: (what went wrong, or "", and the app's pages by name -> script hash)."""
    ws.send(_rerun(page_hash))
    deadline = time.monotonic() + timeout
    problems: list[str] = []
    pages: dict[str, str] = {}
    while True:
        message = ForwardMsg()
        message.ParseFromString(ws.recv(timeout=max(deadline - time.monotonic(), 0.1)))
        kind = message.WhichOneof("type")
        if kind == "navigation":
            pages = {p.page_name: p.page_script_hash for p in message.navigation.app_pages}
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            if message.delta.new_element.WhichOneof("type") == "exception":
                problems.append("an exception")
        elif kind == "script_finished":
            if message.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                problems.append(f"the run ended with status {message.script_finished}")
            return "; ".join(problems), pages


def _wait_until_healthy(replica_url: str, timeout: float) -> None:
    """Wait for the replica to answer its health check (it may still be starting)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(replica_url.rstrip("/") + "/_stcore/health", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{replica_url} did not answer its health check within {timeout:.0f} s")
        time.sleep(0.5)


def warm(replica_url: str, timeout: float = 300.0) -> dict[str, float | str]:
    """Run every page of the app at ``replica_url`` once (waiting for it to start); seconds per page,
    or what went wrong."""
    _wait_until_healthy(replica_url, timeout)
    ws_url = replica_url.rstrip("/").replace("http", "ws", 1) + "/_stcore/stream"
    results: dict[str, float | str] = {}
    with connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=timeout) as ws:
        started = time.monotonic()
        problem, pages = _run(ws, "", timeout)  # the default page, which also lists the pages
        default = next(iter(pages), "(default page)")
        results[default] = problem or round(time.monotonic() - started, 2)
        for name, page_hash in list(pages.items())[1:]:
            started = time.monotonic()
            problem, _ = _run(ws, page_hash, timeout)
            results[name] = problem or round(time.monotonic() - started, 2)
    return results


#: Seconds the warm-up spends on the default period's statistics, and then on every other year's.
DEFAULT_PERIOD_SECONDS = 60.0
OTHER_PERIODS_SECONDS = 180.0
#: How much lower the CPU priority of the other years' statistics is (``os.nice``): visitors come first.
OTHER_PERIODS_NICENESS = 10


def store_statistics(periods: str = "default") -> tuple[bool, str]:
    """Keep the Hotspots statistics of every crime type of the default period (``periods="default"``), or
    of every other financial and calendar year (``"others"``, at a lower CPU priority), with the store:
    whether that went cleanly, and what was done or what went wrong (a warm-up problem, never a reason to
    stop)."""
    started = time.monotonic()
    try:
        from csp_data.ui.context import current_area
        from csp_data.ui.hotspots_kept import store_every_choice

        if periods == "others":
            os.nice(OTHER_PERIODS_NICENESS)  # this thread, and the threads it starts (DuckDB's)
            seconds = OTHER_PERIODS_SECONDS
        else:
            seconds = DEFAULT_PERIOD_SECONDS
        done, choices = store_every_choice(current_area(), seconds, periods)
    except Exception as exc:  # noqa: BLE001 - reported; the pages are warmed all the same
        return False, f"the statistics could not be computed ({type(exc).__name__}: {exc})"
    stopped = "" if done == choices else " (stopped there: the rest are computed when first chosen)"
    return True, f"{done} of {choices} choices in {time.monotonic() - started:.2f} s{stopped}"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    statistics_only = "--statistics" in args
    chosen = [a.split("=", 1)[1] for a in args if a.startswith("--periods=")]
    urls = [a for a in args if a != "--statistics" and not a.startswith("--periods=")]
    periods = chosen[-1] if chosen else "all"
    if (
        (not urls and not statistics_only)
        or periods not in ("default", "others", "all")
        or any(u.startswith("-") for u in urls)
    ):
        print(__doc__.split("\n\n")[3], file=sys.stderr)
        return 2
    clean = True
    for url in urls:
        for page, result in warm(url).items():
            clean &= not isinstance(result, str)
            print(f"{url} {page}: {result if isinstance(result, str) else f'{result:.2f} s'}", flush=True)
    labels = {"default": "the default period", "others": "every other year"}
    for part in ("default", "others") if periods == "all" else (periods,):
        stored, statistics = store_statistics(part)
        clean &= stored
        print(f"Hotspots statistics for {labels[part]}: {statistics}", flush=True)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
