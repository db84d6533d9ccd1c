"""The scrutiny pack on the embedded data: how long a PDF and a DOCX take, for two periods.

Usage: .venv/bin/python bench/report.py [--runs 5] [--periods 2025 2025/26]

Two measures, each the median of ``--runs`` runs:

1. ``cli``: the whole command, ``python -m csp_data report --period P --format F --out FILE``, in a new
   process each time (interpreter start, imports, chart engine start, figures, charts, typesetting,
   writing): what an analyst waits for. The target is under 10 seconds.
2. ``warm``: building the pack and rendering it in one process that has made a pack before (what the
   app's button costs after its first pack), split into ``build`` (figures and charts) and ``render``.

Baselines in the same run: ``python -c "import csp_data.report.content"`` (interpreter start and imports
alone) and the Overview's figures alone (:func:`build_overview`), which the pack also computes.

Prints one JSON line per measure, then a summary table. The machine's load average is printed before
and after: on a busy machine the wall-clock times grow, the commands' CPU seconds much less.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FORMATS = ("pdf", "docx")


def _median(times: list[float], cpu: list[float] | None = None) -> dict:
    record = {
        "runs": len(times),
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
    }
    if cpu:  # CPU seconds (user + system) of the command: less moved by other work on the machine
        record["cpu_median_s"] = round(statistics.median(cpu), 3)
    return record


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _emit(record: dict, results: list[dict]) -> None:
    results.append(record)
    print(json.dumps(record), flush=True)


def time_commands(command: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each of ``runs`` runs of ``command``."""
    times, cpu = [], []
    for _ in range(runs):
        cpu_before, start = _children_cpu(), time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
        cpu.append(_children_cpu() - cpu_before)
    return times, cpu


def time_cli(period: str, format_name: str, runs: int, folder: Path) -> tuple[list[float], list[float]]:
    out = folder / f"pack.{format_name}"
    command = [sys.executable, "-m", "csp_data", "report", "--period", period, "--format", format_name]
    return time_commands([*command, "--out", str(out)], runs)


def time_imports(runs: int) -> tuple[list[float], list[float]]:
    return time_commands([sys.executable, "-c", "import csp_data.report.content"], runs)


def time_warm(periods: list[str], runs: int, results: list[dict]) -> None:

    from csp_data.config import load_area
    from csp_data.figures.overview import build_overview
    from csp_data.periods import parse_period
    from csp_data.report import build_pack, render_pack
    from csp_data.store import Store
    from csp_data.store.geography import ward_population
    from csp_data.store.queries import Database

    area = load_area()
    database = Database(area, Store(area.store_dir))
    loaded = database.loaded_months()
    population = int(ward_population(area)["population"].sum())
    first_period = parse_period(periods[0], loaded)
    start = time.perf_counter()
    pack = build_pack(database.query, area, first_period, loaded, population)
    render_pack(pack, "pdf")
    _emit({"measure": "warm", "step": "first pack in the process", **_median([time.perf_counter() - start])}, results)
    for text in periods:
        period = parse_period(text, loaded)
        overview_times, build_times, render_times = [], [], {f: [] for f in FORMATS}
        for _ in range(runs):
            start = time.perf_counter()
            build_overview(database.query, area, period, loaded, population)
            overview_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            pack = build_pack(database.query, area, period, loaded, population)
            build_times.append(time.perf_counter() - start)
            for format_name in FORMATS:
                start = time.perf_counter()
                render_pack(pack, format_name)
                render_times[format_name].append(time.perf_counter() - start)
        _emit({"measure": "baseline", "step": "build_overview", "period": text, **_median(overview_times)}, results)
        _emit({"measure": "warm", "step": "build", "period": text, **_median(build_times)}, results)
        for format_name, times in render_times.items():
            _emit(
                {"measure": "warm", "step": "render", "period": text, "format": format_name, **_median(times)},
                results,
            )
    database.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--periods", nargs="+", default=["2025", "2025/26"])
    args = parser.parse_args()
    results: list[dict] = []
    print(f"# load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    _emit({"measure": "baseline", "step": "interpreter and imports", **_median(*time_imports(args.runs))}, results)
    with tempfile.TemporaryDirectory(prefix="bench-report-") as folder:
        for period in args.periods:
            for format_name in FORMATS:
                times, cpu = time_cli(period, format_name, args.runs, Path(folder))
                _emit({"measure": "cli", "period": period, "format": format_name, **_median(times, cpu)}, results)
    time_warm(args.periods, args.runs, results)

    print("\nsummary (median seconds)")
    for record in results:
        what = " ".join(str(record[k]) for k in ("measure", "step", "period", "format") if k in record)
        cpu = f", CPU {record['cpu_median_s']:.2f}" if "cpu_median_s" in record else ""
        print(f"  {what:<48} {record['median_s']:>7.2f}  (min {record['min_s']:.2f}, max {record['max_s']:.2f}{cpu})")
    print(f"# load average after: {os.getloadavg()[0]:.1f}")
    slowest = max(r["median_s"] for r in results if r["measure"] == "cli")
    print(f"slowest whole command: {slowest:.2f} s ({'under' if slowest < 10 else 'OVER'} the 10 s target)")


if __name__ == "__main__":
    main()
