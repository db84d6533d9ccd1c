"""Streamlit's WebSocket protocol for the deployment tests: open a session, run a page, read its metrics."""

from __future__ import annotations

import re
import time
import urllib.request

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import ClientConnection, connect

_SAMPLE = re.compile(r"^(\w+)\{([^}]*)\} (\S+)$")


def open_session(base_url: str, cookie: str | None = None, **options) -> ClientConnection:
    """A WebSocket session like the front end's (``/_stcore/stream``, subprotocol ``streamlit``)."""
    headers = {"Cookie": f"dashboard_route={cookie}"} if cookie else {}
    url = base_url.replace("http", "ws", 1) + "/_stcore/stream"
    return connect(url, subprotocols=["streamlit"], additional_headers=headers, max_size=None, **options)


def send(ws: ClientConnection, kind: str) -> None:
    """Send a message with no content of its own, such as ``clear_cache`` or ``load_git_info``."""
    message = BackMsg()
    setattr(message, kind, True)  # an unknown kind, or one with content, fails here
    ws.send(message.SerializeToString())


def ping(ws: ClientConnection, timeout: float = 30.0) -> None:
    """A heartbeat and its acknowledgement: the session is registered with the runtime once this returns."""
    message = BackMsg()
    message.app_heartbeat = True
    ws.send(message.SerializeToString())
    deadline = time.monotonic() + timeout
    while True:
        forward = ForwardMsg()
        forward.ParseFromString(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        if forward.WhichOneof("type") == "heartbeat_ack":
            return


def run_page(ws: ClientConnection, page_script_hash: str = "", timeout: float = 120.0) -> list[ForwardMsg]:
    """Ask for a run of a page (the default one unless named) and return its messages up to script_finished."""
    message = BackMsg()
    message.rerun_script.page_script_hash = page_script_hash
    ws.send(message.SerializeToString())
    received: list[ForwardMsg] = []
    deadline = time.monotonic() + timeout
    while True:
        forward = ForwardMsg()
        forward.ParseFromString(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        received.append(forward)
        if forward.WhichOneof("type") == "script_finished":
            return received


def elements(messages: list[ForwardMsg], kind: str) -> list:
    """The elements of one type (``heading``, ``exception`` …) that a run drew."""
    found = []
    for message in messages:
        if message.WhichOneof("type") == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            if element.WhichOneof("type") == kind:
                found.append(getattr(element, kind))
    return found


def metrics(replica_url: str) -> dict[tuple[str, frozenset], float]:
    """A replica's ``/_stcore/metrics`` (asked of the replica itself: nginx does not serve them)."""
    request = urllib.request.Request(replica_url + "/_stcore/metrics", headers={"Accept": "text/plain"})
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    samples = {}
    for line in text.splitlines():
        match = _SAMPLE.match(line)
        if match:
            labels = frozenset(re.findall(r'(\w+)="([^"]*)"', match[2]))
            samples[(match[1], labels)] = float(match[3])
    return samples


def cache_misses(replica_url: str) -> dict[str, float]:
    """Cache misses so far, per cached function (st.cache_data and st.cache_resource)."""
    misses = {}
    for (name, labels), value in metrics(replica_url).items():
        label = dict(labels)
        if name == "cache_lookups_total" and label.get("result") == "miss":
            misses[label["cache"]] = value
    return misses
