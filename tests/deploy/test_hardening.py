"""Browsers' ``clear_cache`` and ``load_git_info`` messages are refused (csp_data/ui/hardening.py).

Over a real WebSocket: a small app with a cached function, with and without the hardening, and the
dashboard's own replicas; and the filter itself, message by message.
"""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.runtime.app_session import AppSession
from streamlit_wire import cache_misses, open_session, run_page, send

from csp_data.ui import hardening
from deploy.serve import _stop, _wait_until_answering, free_port

CACHED_APP = """
import streamlit as st
{hardening}

@st.cache_data
def answer():
    return 42

@st.cache_resource
def connection():
    return object()

st.write(answer(), id(connection()))
"""


class Recorder:
    """Stands in for a session: records which of its handlers the message reached."""

    def __init__(self):
        self.calls: list[str] = []

    def __getattr__(self, name):
        return lambda *args: self.calls.append(name)


def _message(kind: str) -> BackMsg:
    message = BackMsg()
    if kind == "rerun_script":
        message.rerun_script.query_string = ""
    else:
        setattr(message, kind, True)
    return message


@pytest.mark.parametrize(
    ("kind", "handler"),
    [("clear_cache", "_handle_clear_cache_request"), ("load_git_info", "_handle_git_information_request")],
)
def test_the_refused_messages_reach_no_handler(kind, handler):
    session = Recorder()
    AppSession.handle_backmsg(session, _message(kind))
    assert session.calls == []
    AppSession.handle_backmsg.__wrapped__(session, _message(kind))  # unhardened Streamlit handles it
    assert session.calls == [handler]


@pytest.mark.parametrize(
    ("kind", "handler"),
    [
        ("rerun_script", "_handle_rerun_script_request"),
        ("app_heartbeat", "_handle_app_heartbeat_request"),
        ("stop_script", "_handle_stop_script_request"),
    ],
)
def test_every_other_message_passes_unchanged(kind, handler):
    session = Recorder()
    AppSession.handle_backmsg(session, _message(kind))
    assert session.calls == [handler]


def test_applying_twice_wraps_once():
    wrapped = AppSession.handle_backmsg
    hardening.apply()
    assert AppSession.handle_backmsg is wrapped
    assert not hasattr(AppSession.handle_backmsg.__wrapped__, "__wrapped__")


def _clear_then_rerun(url: str) -> tuple[dict, dict]:
    """Misses per cache after a first run, and after clear_cache and a second run of the same page."""
    with open_session(url) as ws:
        run_page(ws)
        before = cache_misses(url)
        send(ws, "clear_cache")
        run_page(ws)  # handled after the clear_cache, in order
        return before, cache_misses(url)


@pytest.mark.slow
@pytest.mark.parametrize("hardened", [False, True])
def test_clear_cache_over_a_websocket_empties_the_caches_only_without_hardening(tmp_path, hardened):
    script = tmp_path / "cached_app.py"
    script.write_text(CACHED_APP.format(hardening="import csp_data.ui.hardening" if hardened else ""))
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)]
            + ["--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none"],
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_answering(url + "/_stcore/health", server, 60, log)
        before, after = (
            {name: n for name, n in misses.items() if name.startswith("__main__.")} for misses in _clear_then_rerun(url)
        )
    finally:
        _stop(server, signal.SIGTERM, 10)
    assert before == {"__main__.answer": 1, "__main__.connection": 1}
    assert after == (before if hardened else {"__main__.answer": 2, "__main__.connection": 2})


@pytest.mark.slow
def test_the_dashboard_refuses_clear_cache(stack):
    """app.py applies the hardening: on a replica, a clear_cache leaves every cache as it was."""
    url = stack.replicas[0].url
    before, after = _clear_then_rerun(url)
    assert "csp_data.ui.context.get_area" in before
    assert after == before  # the second run found everything cached: not one miss more
