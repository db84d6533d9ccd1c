"""nginx with a replica down: its visitors and new visitors are served by the other replica."""

from __future__ import annotations

import re
import signal

from streamlit_wire import open_session, ping
from test_nginx import request

from deploy.serve import serve


def test_a_replica_that_is_down_leaves_every_visitor_served(tmp_path):
    with serve(tmp_path) as stack:
        first = stack.replicas[0].process
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=30)
        for _ in range(4):  # a new visitor: nginx tries the first replica at most once, then the other
            status, headers, _ = request(stack.url + "/")
            assert status == 200
            cookie = re.fullmatch(r"dashboard_route=(replica-[0-9]); .*", headers["Set-Cookie"]).group(1)
            assert cookie == "replica-2"
        status, headers, _ = request(stack.url + "/", headers={"Cookie": "dashboard_route=replica-1"})
        assert status == 200 and "Set-Cookie" not in headers  # its cookie's replica is down: the other answers
        with open_session(stack.url, "replica-1") as ws:  # and its session opens there
            ping(ws)
