"""The nginx configuration in front of the dashboard, rendered from the templates in ``deploy/nginx/``.

``render_site`` gives the site (http context: sticky upstream, Host allow-list, headers, limits) that both
``make serve`` and a real server use; ``render_main`` gives the whole nginx.conf that ``make serve`` runs
as the current user under a run folder. Every value that reaches the configuration is checked first, so a
bad name or path is refused with a message rather than written into nginx's syntax.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import re
from pathlib import Path

import jinja2

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = Path(__file__).resolve().parent / "nginx"
MIME_TYPES = Path("/etc/nginx/mime.types")

# The optional street basemap of the ward map (csp_data/maps/deck.py): CARTO's style, tiles and fonts.
BASEMAP_ORIGINS = ("https://basemaps.cartocdn.com", "https://*.basemaps.cartocdn.com")

_HOST_NAME = re.compile(
    r"^(\*\.)?(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)
_ADDRESS = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\]|\*)$")
_ORIGIN = re.compile(r"^https://(\*\.)?[A-Za-z0-9.-]+(:\d+)?$")
_SAFE_PATH = re.compile(r"^/[A-Za-z0-9._/+@-]*$")
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def streamlit_static_dir() -> Path:
    """The installed Streamlit front end (index.html and its ``static/`` bundles)."""
    import streamlit

    return Path(streamlit.__file__).resolve().parent / "static"


def streamlit_option(name: str):
    """A Streamlit option as the app's replicas see it (``.streamlit/config.toml`` of the project)."""
    from streamlit import config

    with contextlib.chdir(ROOT):
        config.get_config_options(force_reparse=True)
        return config.get_option(name)


def inline_script_hashes(index_html: str) -> tuple[str, ...]:
    """CSP sources (``'sha256-…'``) allowing exactly the inline scripts of Streamlit's index.html."""
    return tuple(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(index_html)
    )


@dataclasses.dataclass(frozen=True)
class Site:
    """What differs between ``make serve`` on loopback and a real server; the rest is in the template.

    ``port`` serves the app (HTTPS when ``tls_certificate`` is given, else plain HTTP); with TLS,
    ``http_port`` (if any) answers plain HTTP with a redirect, and serves ACME challenges from
    ``acme_webroot`` if given. ``server_names`` is the Host allow-list.
    """

    server_names: tuple[str, ...]
    replica_ports: tuple[int, ...]
    port: int = 8080
    addresses: tuple[str, ...] = ("127.0.0.1",)
    tls_certificate: Path | None = None
    tls_key: Path | None = None
    http_port: int | None = None
    acme_webroot: Path | None = None
    hsts_max_age: int = 31_536_000
    upload_limit_mb: int = 200
    sessions_per_client: int = 100
    static_dir: Path = dataclasses.field(default_factory=streamlit_static_dir)
    extra_origins: tuple[str, ...] = BASEMAP_ORIGINS

    def __post_init__(self) -> None:
        if not self.server_names:
            raise ValueError("give at least one server name (the Host names the site answers to)")
        for name in self.server_names:
            if not _HOST_NAME.fullmatch(name):
                raise ValueError(f"not a host name: {name!r}")
        for address in self.addresses:
            if not _ADDRESS.fullmatch(address):
                raise ValueError(f"not a listen address (IPv4, [IPv6] or *): {address!r}")
        for origin in self.extra_origins:
            if not _ORIGIN.fullmatch(origin):
                raise ValueError(f"not an https origin: {origin!r}")
        ports = [self.port, *self.replica_ports, *([self.http_port] if self.http_port else [])]
        if not self.replica_ports or any(not isinstance(p, int) or not 0 < p < 65536 for p in ports):
            raise ValueError(f"ports must be whole numbers from 1 to 65535: {ports}")
        if len(set(ports)) != len(ports):
            raise ValueError(f"every port must be different: {ports}")
        if (self.tls_certificate is None) != (self.tls_key is None):
            raise ValueError("TLS needs both a certificate and its key")
        for path in (self.static_dir, self.tls_certificate, self.tls_key, self.acme_webroot):
            if path is not None:
                check_path(path)
        for number in (self.hsts_max_age, self.upload_limit_mb, self.sessions_per_client):
            if not isinstance(number, int) or number < 1:
                raise ValueError(f"limits must be whole numbers above 0: {number!r}")

    @property
    def tls(self) -> bool:
        return self.tls_certificate is not None


def check_path(path: Path) -> Path:
    """An absolute path that nginx reads literally (no spaces, quotes, ``;``, braces or ``$``)."""
    if not _SAFE_PATH.fullmatch(str(path)):
        raise ValueError(f"use an absolute path of letters, digits and ._/+@- only: {str(path)!r}")
    return path


def content_security_policy(site: Site) -> str:
    """The Content-Security-Policy that Streamlit's front end, its Vega charts and pydeck maps work under."""
    index_html = (site.static_dir / "index.html").read_text(encoding="utf-8")
    extra = " ".join(site.extra_origins)
    directives = [
        "default-src 'self'",
        # WebAssembly (the protobuf decoder, deck.gl) compiles under 'wasm-unsafe-eval'; JavaScript eval stays off.
        "script-src 'self' 'wasm-unsafe-eval' " + " ".join(inline_script_hashes(index_html)),
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: blob: {extra}",
        "font-src 'self' data:",
        f"connect-src 'self' {extra}",
        "worker-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    if site.tls:
        directives.append("upgrade-insecure-requests")
    return "; ".join(" ".join(d.split()) for d in directives)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # nginx syntax, not HTML: every value is checked by Site instead
    )


def render_site(site: Site) -> str:
    """The site configuration (nginx's http context)."""
    values = dataclasses.asdict(site) | {"tls": site.tls, "content_security_policy": content_security_policy(site)}
    return _environment().get_template("site.conf.j2").render(**values)


def render_main(run_dir: Path, *, user: str | None, worker_processes: int = 2, worker_connections: int = 2048) -> str:
    """nginx.conf for ``make serve``: pid, logs and temporary files under ``run_dir``, ``site.conf`` beside it."""
    if user is not None and not re.fullmatch(r"[a-z_][a-z0-9_-]*", user):
        raise ValueError(f"not a user name: {user!r}")
    return (
        _environment()
        .get_template("nginx.conf.j2")
        .render(
            run_dir=check_path(run_dir),
            user=user,
            worker_processes=worker_processes,
            worker_connections=worker_connections,
            mime_types=MIME_TYPES,
        )
    )
