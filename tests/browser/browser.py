"""Starting the real server and a headless Chromium, shared by the browser tests and screenshot runs."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--enable-unsafe-swiftshader",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(env: dict | None = None, timeout: float = 60.0, script: Path | None = None):
    """Run ``streamlit run app.py`` (or ``script``) on a free loopback port; yield its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script or ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"the Streamlit server did not start within {timeout:.0f} s")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_until_idle(page, timeout_ms: int = 60000, quiet_ms: int = 2000) -> None:
    """Wait until the script run has finished: the running indicator absent for ``quiet_ms``."""
    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=timeout_ms)
    waited, quiet = 0, 0
    while quiet < quiet_ms:
        if page.query_selector("[data-testid='stStatusWidgetRunningIcon'], [data-testid='stSkeleton']"):
            quiet = 0
        else:
            quiet += 250
        page.wait_for_timeout(250)
        waited += 250
        if waited > timeout_ms:
            raise TimeoutError(f"the page was still running after {timeout_ms} ms")
