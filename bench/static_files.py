"""nginx's CPU for the front end's files, compressed on the fly or sent as compressed once (gzip_static).

Usage: .venv/bin/python bench/static_files.py [--runs 5]

nginx runs with the site's own configuration (deploy/serve.py's ``running_nginx``; no replicas are needed
for static files) and a client asking for gzip, as a browser does, fetches what a new visitor's browser
fetches from ``/static/``: the front end's main script, and deck.gl's chunk (the maps), ``--runs`` times
each, first with the ``.gz`` files written by ``deploy/precompress.py`` moved aside (nginx compresses each
response itself, ``gzip_comp_level`` 5), then with them in place. Reported: the CPU time of nginx's
processes (read from /proc) per fetch, median of the runs, and the bytes sent. The ``.gz`` files are put
back (written again) at the end.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deploy.nginx_config import Site, streamlit_static_dir  # noqa: E402
from deploy.precompress import precompress  # noqa: E402
from deploy.serve import free_port, running_nginx  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def nginx_cpu_ms(master: int) -> float:
    """CPU time (user + system) of nginx's master and workers so far, in ms."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(entry.name), int(fields[1])
        if pid == master or parent == master:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total * 1000 / TICKS


def fetch(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "gzip, deflate, br", "Host": "127.0.0.1"})
        response = connection.getresponse()
        body = response.read()
        if response.status != 200 or response.headers.get("Content-Encoding") != "gzip":
            raise RuntimeError(f"{path}: {response.status} {response.headers.get('Content-Encoding')}")
        return len(body)
    finally:
        connection.close()


def files() -> dict[str, str]:
    static = streamlit_static_dir()
    index = (static / "index.html").read_text(encoding="utf-8")
    main = re.search(r'src="\./(static/js/index\.\w+\.js)"', index)[1]
    deck = next((static / "static" / "js").glob("DeckGlJsonChart.*.js")).relative_to(static)
    return {"main script": "/" + main, "deck.gl chunk (maps)": "/" + str(deck)}


def measure(port: int, master: int, path: str, runs: int) -> tuple[float, int]:
    cpu = []
    for _ in range(runs):
        before = nginx_cpu_ms(master)
        sent = fetch(port, path)
        cpu.append(nginx_cpu_ms(master) - before)
    return statistics.median(cpu), sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    static = streamlit_static_dir()
    precompress(static)
    wanted = files()
    aside = {p: p.read_bytes() for p in static.rglob("*.gz")}
    with tempfile.TemporaryDirectory() as tmp:
        site = Site(server_names=("127.0.0.1",), port=free_port(), replica_ports=(free_port(),))
        with running_nginx(Path(tmp), site) as nginx:
            results = {}
            try:
                for packed in aside:
                    packed.unlink()
                for name, path in wanted.items():
                    results[(name, "on the fly")] = measure(site.port, nginx.pid, path, args.runs)
            finally:
                precompress(static)  # every .gz back, written again
            for name, path in wanted.items():
                results[(name, "compressed once")] = measure(site.port, nginx.pid, path, args.runs)
    print(f"nginx CPU per fetch, median of {args.runs} (ms; /proc ticks of {1000 / TICKS:.0f} ms):")
    for (name, how), (cpu, sent) in results.items():
        print(f"  {name:22s} {how:16s} {cpu:6.0f} ms  {sent / 1024:7,.0f} KB sent")


if __name__ == "__main__":
    main()
