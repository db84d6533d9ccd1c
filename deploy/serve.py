"""Run the dashboard as it is hosted: Streamlit replicas of app.py behind nginx, on loopback.

Usage (``make serve`` runs the first)::

    .venv/bin/python deploy/serve.py [--port 8080] [--replicas 2] [--run-dir build/serve]
    .venv/bin/python deploy/serve.py site --server-name dashboard.example.org --port 443 --http-port 80 \\
        --address 0.0.0.0 --address [::] --tls-certificate CERT --tls-key KEY > /etc/nginx/conf.d/csp-dashboard.conf
    .venv/bin/python deploy/serve.py replica 8501     # one replica in the foreground (the systemd units)

The first starts the replicas (each ``streamlit run app.py`` on its own loopback port, sharing one cookie
secret), waits until each answers, writes ``nginx.conf`` and ``site.conf`` into the run folder, checks them
with ``nginx -t`` and runs nginx in the foreground as the current user, until Ctrl-C. Logs: the run folder.
The tests (tests/deploy/) and the load benchmark (bench/load.py) start the same stack with ``serve``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __name__ == "__main__":  # run as a script: make the repository importable as when run by the tests
    sys.path.insert(0, str(ROOT))

from deploy.nginx_config import Site, render_main, render_site, streamlit_option  # noqa: E402
from deploy.warm import warm  # noqa: E402

LOOPBACK = "127.0.0.1"
LOOPBACK_NAMES = ("127.0.0.1", "localhost")


def replica_command(port: int, upload_limit_mb: int | None = None) -> list[str]:
    """One replica: the app on a loopback port, no file watching, no browser, no usage statistics.

    The upload limit is ``server.maxUploadSize`` from the project's ``.streamlit/config.toml`` unless given
    here (the tests' smaller stack); nginx's limit is derived from the same number."""
    limit = ["--server.maxUploadSize", str(upload_limit_mb)] if upload_limit_mb else []
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.address",
        LOOPBACK,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        "--browser.gatherUsageStats",
        "false",
        *limit,
    ]


def nginx_path() -> str:
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("nginx is not installed: `make nginx` installs Debian's package")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


@dataclasses.dataclass
class Replica:
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"


@dataclasses.dataclass
class Stack:
    """A running stack: nginx's URL, the run folder, the replicas (reachable directly on loopback)."""

    url: str
    run_dir: Path
    site: Site
    replicas: list[Replica]
    nginx: subprocess.Popen


def _wait_until_answering(url: str, process: subprocess.Popen, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with status {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s; see {log}")


def _stop(process: subprocess.Popen, first_signal: int, grace: float) -> None:
    if process.poll() is None:
        process.send_signal(first_signal)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _current_user_if_root() -> str | None:
    return pwd.getpwuid(os.geteuid()).pw_name if os.geteuid() == 0 else None


def _wait_until_listening(port: int, process: subprocess.Popen, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited with status {process.returncode}; see {log}")
        with socket.socket() as sock:
            if sock.connect_ex((LOOPBACK, port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nginx did not listen on port {port} within {timeout:.0f} s; see {log}")


@contextlib.contextmanager
def running_nginx(run_dir: Path, site: Site) -> Iterator[subprocess.Popen]:
    """nginx in the foreground as the current user with ``site``, every file of it under ``run_dir``."""
    run_dir = Path(run_dir).resolve()
    (run_dir / "temp").mkdir(parents=True, exist_ok=True)
    (run_dir / "site.conf").write_text(render_site(site), encoding="utf-8")
    (run_dir / "nginx.conf").write_text(render_main(run_dir, user=_current_user_if_root()), encoding="utf-8")
    command = [nginx_path(), "-p", str(run_dir), "-c", str(run_dir / "nginx.conf"), "-e", str(run_dir / "error.log")]
    check = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx refused the configuration in {run_dir}:\n{check.stderr}")
    with (run_dir / "nginx.log").open("wb") as out:
        nginx = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_listening(site.port, nginx, 15, run_dir / "error.log")
        yield nginx
    finally:
        _stop(nginx, signal.SIGTERM, 5)  # fast shutdown: open WebSockets would hold a graceful one for ever


@contextlib.contextmanager
def serve(
    run_dir: Path,
    *,
    port: int | None = None,
    replica_ports: Sequence[int] | None = None,
    replicas: int = 2,
    server_names: Sequence[str] = LOOPBACK_NAMES,
    sessions_per_client: int = 100,
    upload_limit_mb: int | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120.0,
    warm_pages: bool = False,
    every_period: bool = False,
) -> Iterator[Stack]:
    """Start replicas and nginx on loopback (free ports unless given); stop them all on leaving. With
    ``warm_pages``, every page is run once on each replica before nginx lets visitors in, and the Hotspots
    statistics of the default period are kept (deploy/warm.py); with ``every_period`` as well, those of
    every other year are kept while the stack serves, at a lower CPU priority."""
    run_dir = Path(run_dir).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    replica_ports = list(replica_ports or [free_port() for _ in range(replicas)])
    site = Site(
        server_names=tuple(server_names),
        replica_ports=tuple(replica_ports),
        port=port or free_port(),
        upload_limit_mb=upload_limit_mb or int(streamlit_option("server.maxUploadSize")),
        sessions_per_client=sessions_per_client,
    )
    # One cookie secret for every replica, so a signed cookie made by one is good at the other.
    replica_env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32), **(env or {})}
    started: list[Replica] = []
    warming: subprocess.Popen | None = None
    try:
        for replica_port in replica_ports:
            with (run_dir / f"replica-{replica_port}.log").open("wb") as out:
                command = replica_command(replica_port, upload_limit_mb)
                process = subprocess.Popen(command, cwd=ROOT, env=replica_env, stdout=out, stderr=subprocess.STDOUT)
            started.append(Replica(replica_port, process))
        for replica in started:
            log = run_dir / f"replica-{replica.port}.log"
            _wait_until_answering(replica.url + "/_stcore/health", replica.process, timeout, log)
        if warm_pages:
            with ThreadPoolExecutor(len(started)) as pool:
                list(pool.map(lambda replica: warm(replica.url, timeout), started))
            # The Hotspots statistics of every crime type, kept with the store for every replica (in a
            # process of its own, with the replicas' settings); a failure is reported, never fatal.
            with contextlib.suppress(subprocess.TimeoutExpired):
                subprocess.run(
                    [sys.executable, "-m", "deploy.warm", "--statistics", "--periods=default"],
                    cwd=ROOT,
                    env=replica_env,
                    timeout=timeout,
                )
        if warm_pages and every_period:
            warming = subprocess.Popen(
                [sys.executable, "-m", "deploy.warm", "--statistics", "--periods=others"], cwd=ROOT, env=replica_env
            )
        with running_nginx(run_dir, site) as nginx:
            url = f"http://{LOOPBACK}:{site.port}"
            _wait_until_answering(url + "/_stcore/health", nginx, 15, run_dir / "error.log")
            yield Stack(url=url, run_dir=run_dir, site=site, replicas=started, nginx=nginx)
    finally:
        if warming is not None:
            _stop(warming, signal.SIGTERM, 10)
        for replica in started:
            _stop(replica.process, signal.SIGTERM, 10)


def _serve_forever(args: argparse.Namespace) -> None:
    ports = [args.first_replica_port + i for i in range(args.replicas)]
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` stops the stack as Ctrl-C does
    print(f"Starting {args.replicas} replicas of app.py (ports {', '.join(map(str, ports))}) and nginx…", flush=True)
    print("Each replica runs every page once before nginx starts, so the first visitor finds them ready;")
    print("the Hotspots statistics of every other year are then kept while it serves, at a lower priority.")
    with serve(
        args.run_dir,
        port=args.port,
        replica_ports=ports,
        server_names=args.server_name,
        warm_pages=True,
        every_period=True,
    ) as stack:
        print(f"The dashboard is at {stack.url}/ (nginx, loopback only). Logs: {stack.run_dir}. Ctrl-C stops.")
        with contextlib.suppress(KeyboardInterrupt):
            while all(p.poll() is None for p in [stack.nginx, *(r.process for r in stack.replicas)]):
                time.sleep(1)
            print("A process of the stack stopped; stopping the rest. See the logs.", file=sys.stderr)
        print("Stopping…")


def _print_site(args: argparse.Namespace) -> None:
    site = Site(
        server_names=tuple(args.server_name),
        replica_ports=tuple(args.replica_port),
        port=args.port or (443 if args.tls_certificate else 80),
        addresses=tuple(args.address or ["0.0.0.0", "[::]"]),
        tls_certificate=args.tls_certificate,
        tls_key=args.tls_key,
        http_port=args.http_port,
        acme_webroot=args.acme_webroot,
        upload_limit_mb=int(streamlit_option("server.maxUploadSize")),
        sessions_per_client=args.sessions_per_client,
    )
    sys.stdout.write(render_site(site))


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "run")  # the default command
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="the whole stack on loopback, until Ctrl-C (the default; make serve)")
    run.add_argument("--port", type=int, default=8080, help="nginx's loopback port (default 8080)")
    run.add_argument("--replicas", type=int, default=2, help="how many Streamlit replicas (default 2)")
    run.add_argument("--first-replica-port", type=int, default=8501, help="replicas use this port and the next")
    run.add_argument("--run-dir", type=Path, default=ROOT / "build" / "serve", help="pid, logs, rendered config")
    run.add_argument("--server-name", action="append", help="allowed Host names (default 127.0.0.1, localhost)")

    site = sub.add_parser("site", help="print the site configuration for a real server's nginx")
    site.add_argument("--server-name", action="append", required=True, help="a Host name the site answers to")
    site.add_argument("--replica-port", type=int, action="append", help="default 8501 and 8502")
    site.add_argument("--port", type=int, help="default 443 with TLS, 80 without")
    site.add_argument("--http-port", type=int, default=None, help="with TLS: redirect plain HTTP on this port")
    site.add_argument("--address", action="append", help="listen addresses (default 0.0.0.0 and [::])")
    site.add_argument("--tls-certificate", type=Path)
    site.add_argument("--tls-key", type=Path)
    site.add_argument("--acme-webroot", type=Path, help="with --http-port: serve certbot's challenges from here")
    site.add_argument("--sessions-per-client", type=int, default=100)

    replica = sub.add_parser("replica", help="run one replica in the foreground (the systemd units)")
    replica.add_argument("port", type=int)

    args = parser.parse_args(argv)
    try:
        _run(args)
    except ValueError as error:  # a value the configuration refuses (Site says which)
        parser.error(str(error))


def _run(args: argparse.Namespace) -> None:
    if args.command == "replica":
        command = replica_command(args.port)
        os.chdir(ROOT)
        os.execv(command[0], command)  # systemd supervises Streamlit itself, not a wrapper
    elif args.command == "site":
        args.replica_port = args.replica_port or [8501, 8502]
        _print_site(args)
    else:
        args.server_name = args.server_name or list(LOOPBACK_NAMES)
        _serve_forever(args)


if __name__ == "__main__":
    main()
