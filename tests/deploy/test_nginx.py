"""``make serve``'s stack probed as an outsider would: nginx in front of two replicas of app.py, on loopback.

Headers, closed endpoints, the Host allow-list, body limits, the WebSocket upgrade, sticky sessions, the
cap on sessions per client, TLS, and a Chromium session through nginx with no Content-Security-Policy
violation.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import http.client
import io
import json
import re
import secrets
import socket
import ssl
import subprocess
import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from streamlit_wire import elements, metrics, open_session, ping, run_page
from websockets.exceptions import InvalidStatus

from deploy.nginx_config import Site, streamlit_static_dir
from deploy.precompress import precompress
from deploy.serve import free_port, running_nginx

pytestmark = pytest.mark.slow

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def request(url: str, method: str = "GET", headers: dict | None = None, body: bytes | None = None):
    """(status, headers, body) without following redirects."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body, headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def raw_exchange(port: int, head: bytes) -> bytes:
    """Send bytes as they are (a request head) and return all nginx answers before it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        received = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                received += chunk
        return received


class _InlineScripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline, self.sources, self._in_inline = [], [], False

    def handle_starttag(self, tag, attrs):
        src = dict(attrs).get("src")
        if tag == "script":
            self._in_inline = src is None
            if src:
                self.sources.append(src)

    def handle_data(self, data):
        if self._in_inline:
            self.inline.append(data)
            self._in_inline = False


def _answered(answer, status: int):
    assert answer[0] == status, answer[0]
    return answer[1]


def test_security_headers_on_the_page_static_files_and_nginx_errors(stack):
    status, page_headers, page = request(stack.url + "/")
    assert status == 200
    scripts = _InlineScripts()
    scripts.feed(page.decode())
    bundle = next(src for src in scripts.sources if re.search(r"static/js/index\.\w+\.js$", src))
    answers = {
        "page": page_headers,
        "static": request(stack.url + "/" + bundle.removeprefix("./"))[1],
        "nginx 404": request(stack.url + "/_stcore/metrics")[1],
        # Answered by the Host allow-list's server, which had no headers (nginx cannot parse these).
        "nginx 400": _answered(request(stack.url + "/../"), 400),
        "nginx 414": _answered(request(stack.url + "/?a=" + "x" * 20_000), 414),
    }
    expected_hashes = {
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'" for body in scripts.inline
    }
    for name, headers in answers.items():
        for header, value in SECURITY_HEADERS.items():
            assert headers[header] == value, f"{name}: {header}"
        policy = {d.split()[0]: d.split()[1:] for d in headers["Content-Security-Policy"].split("; ")}
        assert policy["frame-ancestors"] == ["'none'"], name
        assert set(policy["script-src"]) == {"'self'", "'wasm-unsafe-eval'"} | expected_hashes, name
        assert "Strict-Transport-Security" not in headers, f"{name}: HSTS over plain HTTP"
        assert headers["Server"] == "nginx", f"{name}: the version is not given away"
    assert len(expected_hashes) == 1


def test_static_files_come_from_the_installed_front_end_with_long_caching(stack):
    _, _, page = request(stack.url + "/")
    bundle = re.search(rb'src="\./(static/js/index\.\w+\.js)"', page)[1].decode()
    status, headers, body = request(stack.url + "/" + bundle)
    assert status == 200
    assert body == (streamlit_static_dir() / bundle).read_bytes()
    assert headers["Content-Type"] == "application/javascript"
    assert headers["Cache-Control"] == "max-age=31536000"
    assert request(stack.url + "/static/js/")[0] == 403  # no folder listings
    for path in (
        "/static/../../../etc/passwd",
        "/static/..%2f..%2f..%2fetc/passwd",
        "/static/js/../../../../etc/passwd",
    ):
        status, _, body = request(stack.url + path)
        assert status == 400 and b"root:" not in body, path


def test_static_files_are_sent_as_compressed_once_beside_them(stack):
    """gzip_static: the bundle's .gz (deploy/precompress.py, run by make setup) is sent as it is, not the
    bundle compressed again on the fly; a browser that does not accept gzip gets the bundle itself."""
    precompress(streamlit_static_dir())  # as make setup does (quick when already done)
    _, _, page = request(stack.url + "/")
    bundle = re.search(rb'src="\./(static/js/index\.\w+\.js)"', page)[1].decode()
    source = streamlit_static_dir() / bundle
    packed = source.with_name(source.name + ".gz").read_bytes()
    status, headers, body = request(stack.url + "/" + bundle, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in headers["Vary"]
    assert body == packed  # level 9 and mtime 0, byte for byte: not nginx's level-5 compression
    assert headers["Content-Length"] == str(len(packed))  # a file sent whole, not a compressed stream
    assert gzip.decompress(body) == source.read_bytes()
    status, headers, body = request(stack.url + "/" + bundle, headers={"Accept-Encoding": "identity"})
    assert status == 200 and "Content-Encoding" not in headers and body == source.read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "/_stcore/metrics",
        "//_stcore/metrics",
        "/_stcore//metrics",
        "/%5Fstcore/metrics",
        "/_stcore/%6detrics",
        "/_stcore/metrics/",
        "/_stcore/metrics;x",
        "/_stcore/metrics?format=text",
        "/_stcore/./metrics",
        "/x/../_stcore/metrics",
        "/_stcore/script-health-check",
        "/_stcore/agent/openapi.json",
        "/_stcore/agent/interact",
        "/_stcore/anything-a-later-streamlit-adds",
    ],
)
def test_internal_endpoints_are_not_served(stack, path):
    status, _, body = request(stack.url + path, headers={"Accept": "text/plain"})
    assert status == 404
    assert b"cache_memory_bytes" not in body and b"session" not in body


def test_the_replicas_themselves_do_serve_metrics(stack):
    """The probe above can fail: the same request straight to a replica gets the metrics."""
    assert ("session_events_total", frozenset({("type", "connect")})) in metrics(stack.replicas[0].url)


def test_what_the_browser_needs_is_served(stack):
    status, _, body = request(stack.url + "/_stcore/health")
    assert (status, body) == (200, b"ok")
    status, _, body = request(stack.url + "/_stcore/host-config")
    assert status == 200 and "allowedOrigins" in json.loads(body)
    for path in ("/ward_map", "/favicon.png", "/manifest.json"):
        assert request(stack.url + path)[0] == 200, path


@pytest.mark.parametrize("path", ["/ward_map/extra/segments", "/x/y", "/overview/index.html", "/hotspots/a/"])
def test_a_path_below_a_page_is_page_not_found_not_a_blank_page(stack, path):
    status, headers, body = request(stack.url + path)
    assert status == 404 and b"Page not found" in body and b'href="/"' in body
    assert "frame-ancestors" in headers.get("Content-Security-Policy", "")


def test_a_page_with_a_trailing_slash_goes_to_the_page(stack):
    status, headers, _ = request(stack.url + "/hotspots/?type=asb")
    assert status == 301 and headers["Location"].endswith("/hotspots?type=asb")


@pytest.mark.parametrize("path", ["/auth/login", "/auth/logout", "/oauth2callback?code=abc&state=xyz"])
def test_sign_in_routes_reach_streamlit_unchanged(stack, path):
    """st.login's routes answer through nginx exactly as the replica itself answers them."""
    through_nginx = request(stack.url + path)
    direct = request(stack.replicas[0].url + path)
    assert through_nginx[0] == direct[0] != 404
    assert urlsplit(through_nginx[1].get("Location", "")).path == urlsplit(direct[1].get("Location", "")).path


@pytest.mark.parametrize(
    "head",
    [
        b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1.evil.example\r\nConnection: close\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: localhost.evil.example:80\r\nConnection: close\r\n\r\n",
        b"GET /_stcore/stream HTTP/1.1\r\nHost: evil.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
        b"GET / HTTP/1.0\r\n\r\n",  # no Host at all
        b"GET http://evil.example/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    ],
)
def test_a_foreign_host_gets_no_answer(stack, head):
    assert raw_exchange(stack.site.port, head) == b""


def test_the_allowed_hosts_are_answered(stack):
    for host in ("127.0.0.1", f"localhost:{stack.site.port}", "LOCALHOST"):
        answer = raw_exchange(stack.site.port, f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        assert answer.startswith(b"HTTP/1.1 200 OK"), host


def test_bodies_over_the_limits_are_refused_by_nginx(stack):
    limit = (stack.site.upload_limit_mb + 1) * 1024 * 1024
    upload = "/_stcore/upload_file/some-session/some-file"
    over = raw_exchange(
        stack.site.port,
        f"PUT {upload} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {limit + 1}\r\nConnection: close\r\n\r\n".encode(),
    )
    assert over.startswith(b"HTTP/1.1 413") and b"nginx" in over
    # Just under the limit, the upload reaches Streamlit, which refuses it for its own reasons (no XSRF token).
    status, _, body = request(stack.url + upload, "PUT", {"Content-Type": "application/octet-stream"}, b"x" * limit)
    assert status != 413 and b"<center>nginx</center>" not in body
    # Anywhere else, 64 KB is the most a request may carry.
    assert request(stack.url + "/", "POST", body=b"x" * (64 * 1024 + 1))[0] == 413
    assert request(stack.url + "/", "POST", body=b"x" * (64 * 1024))[0] != 413


def test_the_websocket_upgrade_works_through_nginx(stack):
    with open_session(stack.url) as ws:
        assert ws.response.status_code == 101
        assert ws.response.headers["X-Frame-Options"] == "DENY"
        messages = run_page(ws)
    assert not elements(messages, "exception")
    assert [m.body for m in elements(messages, "metric")][:2] == ["25,082", "88.7"]  # the Overview's 2025 figures


def _connects(url: str) -> float:
    return metrics(url)[("session_events_total", frozenset({("type", "connect")}))]


def _route_cookie(stack) -> str:
    """What a new visitor's first request is given: the replica nginx chose for it."""
    _, headers, _ = request(stack.url + "/")
    (cookie,) = re.fullmatch(
        r"dashboard_route=(replica-[0-9]+); Path=/; HttpOnly; SameSite=Lax", headers["Set-Cookie"]
    ).groups()
    return cookie


@contextlib.contextmanager
def _session_on(stack, cookie: str | None):
    """A session opened with this route cookie, held open; yields the index of the replica it landed on."""
    before = [_connects(r.url) for r in stack.replicas]
    with open_session(stack.url, cookie) as ws:
        ping(ws)  # answered once the session is registered
        after = [_connects(r.url) for r in stack.replicas]
        grown = [i for i, (a, b) in enumerate(zip(before, after)) if b > a]
        assert len(grown) == 1, (before, after)
        yield grown[0]


def test_new_visitors_are_spread_evenly_and_each_stays_on_its_replica(stack):
    with contextlib.ExitStack() as held:
        landed = {}
        for _ in range(6):  # each new visitor: first request, then its session, held open
            cookie = _route_cookie(stack)
            landed[cookie] = landed.get(cookie, []) + [held.enter_context(_session_on(stack, cookie))]
        # The replica with fewer open sessions takes the next visitor: 3 and 3, whatever the order.
        assert sorted(len(v) for v in landed.values()) == [3, 3], landed
        for cookie, replicas in landed.items():  # replica-N is the N-th replica, every time
            assert replicas == [int(cookie.removeprefix("replica-")) - 1] * len(replicas)
    for cookie in ("replica-1", "replica-2", "replica-1"):  # a returning visitor: its replica again
        with _session_on(stack, cookie) as replica:
            assert replica == int(cookie.removeprefix("replica-")) - 1


def test_the_first_answer_sets_a_route_cookie_and_a_forged_one_is_replaced(stack):
    assert _route_cookie(stack) in {"replica-1", "replica-2"}
    assert "Set-Cookie" not in request(stack.url + "/", headers={"Cookie": "dashboard_route=replica-2"})[1]
    for forged in ("../../etc", "replica-3", "replica-0", "replica-1x", "replica-", secrets.token_hex(16)):
        _, headers, _ = request(stack.url + "/", headers={"Cookie": f"dashboard_route={forged}"})
        assert re.fullmatch(r"dashboard_route=replica-[12]; Path=/; HttpOnly; SameSite=Lax", headers["Set-Cookie"])


def test_nginx_own_answers_set_no_route_cookie(stack):
    status, headers, _ = request(stack.url + "/ward_map/extra")
    assert status == 404 and "Set-Cookie" not in headers


def test_sessions_per_client_address_are_capped(stack):
    with contextlib.ExitStack() as sessions:
        for _ in range(stack.site.sessions_per_client):
            ping(sessions.enter_context(open_session(stack.url)))
        with pytest.raises(InvalidStatus) as refused:
            open_session(stack.url)
        assert refused.value.response.status_code == 429
    with open_session(stack.url) as ws:  # once the others have closed, a new one is welcome
        ping(ws)


def test_tls_adds_hsts_redirects_plain_http_and_refuses_unknown_names(stack, tmp_path):
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
        + ["-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    webroot = tmp_path / "acme"
    (webroot / ".well-known" / "acme-challenge").mkdir(parents=True)
    (webroot / ".well-known" / "acme-challenge" / "token-1").write_text("proof")
    site = Site(
        server_names=("localhost",),
        replica_ports=tuple(r.port for r in stack.replicas),
        port=free_port(),
        http_port=free_port(),
        tls_certificate=certificate,
        tls_key=key,
        acme_webroot=webroot,
    )
    context = ssl.create_default_context(cafile=str(certificate))
    with running_nginx(tmp_path / "run", site):
        url = f"https://localhost:{site.port}/"
        with urllib.request.urlopen(url, context=context, timeout=30) as response:
            assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
            assert response.headers["Content-Security-Policy"].endswith("; upgrade-insecure-requests")
            assert response.headers["Set-Cookie"].endswith("; SameSite=Lax; Secure")
        status, headers, _ = request(f"http://127.0.0.1:{site.http_port}/ward_map?x=1", headers={"Host": "localhost"})
        assert (status, headers["Location"]) == (301, "https://localhost/ward_map?x=1")
        assert headers["X-Frame-Options"] == "DENY" and "Strict-Transport-Security" not in headers  # plain HTTP
        status, headers, _ = request(f"http://127.0.0.1:{site.http_port}/../", headers={"Host": "localhost"})
        assert (status, headers["X-Content-Type-Options"]) == (400, "nosniff")
        challenge = f"http://127.0.0.1:{site.http_port}/.well-known/acme-challenge/token-1"
        assert request(challenge, headers={"Host": "localhost"})[::2] == (200, b"proof")  # certificate renewals
        assert raw_exchange(site.http_port, b"GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n") == b""
        with pytest.raises(ssl.SSLError):  # an unknown name in the TLS handshake: refused before any HTTP
            with socket.create_connection(("127.0.0.1", site.port), timeout=10) as sock:
                ssl._create_unverified_context().wrap_socket(sock, server_hostname="evil.example")


CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.mark.browser
def test_a_browser_session_through_nginx_renders_with_no_csp_violation(stack, chromium):
    from browser import wait_until_idle
    from PIL import Image

    context = chromium.new_context(viewport={"width": 1400, "height": 1600})
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"page error: {e}"))
    page.goto(stack.url + "/")
    wait_until_idle(page)
    metrics_shown = [m.inner_text() for m in page.query_selector_all("[data-testid='stMetricValue']")]
    assert metrics_shown[:2] == ["25,082", "88.7"]  # the Overview's 2025 figures
    assert page.query_selector("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg")

    page.locator("[data-testid='stSidebarNav'] a", has_text="Ward map").click()
    wait_until_idle(page)
    page.wait_for_timeout(1500)  # WebGL draws after the script run
    canvas = page.query_selector("[data-testid='stDeckGlJsonChart'] canvas")
    colours = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is None or len(colours) > 20, "the ward map is blank"
    # The optional street basemap: CARTO is allowed by the policy (offline, its requests fail, but not by CSP).
    page.get_by_text("Street basemap").click()
    wait_until_idle(page)
    page.wait_for_timeout(1500)

    violations = page.evaluate("window.__cspViolations")
    csp_console = [m for m in console if "Content Security Policy" in m or "Content-Security-Policy" in m]
    assert violations == [] and csp_console == [], violations + csp_console
    assert not [m for m in console if m.startswith("page error")], console
    context.close()
