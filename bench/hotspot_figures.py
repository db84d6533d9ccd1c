"""The Hotspots page's own figures for one period, every entry of its "Crime type or ASB" box: Gi* with its
grid (``compute_hotspots``) and the repeat locations, computed from the period's points (queried once,
untimed), as a replica computes them the first time a period is chosen.

Usage: .venv/bin/python bench/hotspot_figures.py [--period 2025-07..2025-12] [--rounds 3]

Prints the median CPU and wall-clock milliseconds per entry over ``--rounds`` passes of every entry (after
one untimed run that imports and reads the area's outline). To compare two commits, run it from a checkout
of each in turn, interleaved (``PYTHONPATH=<checkout>``): the CPU time is the steadier on a shared machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from csp_data.config import load_area  # noqa: E402
from csp_data.figures import hotspots  # noqa: E402
from csp_data.periods import parse_period  # noqa: E402
from csp_data.series import counted_choices  # noqa: E402
from csp_data.store import Store  # noqa: E402
from csp_data.store.geography import ward_boundaries  # noqa: E402
from csp_data.store.queries import Database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--period", default="2025-07..2025-12", help="as a link writes it (2025-07..2025-12, 2025)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    area = load_area(None)
    database = Database(area, Store(area.store_dir))
    period = parse_period(args.period, database.loaded_months())
    outline = hotspots.area_outline(ward_boundaries(area.current_wards).geometry)
    choices = counted_choices(database.query("crime_type_counts", first=period.first, last=period.last)["crime_type"])
    frames = [
        database.query("hotspot_points", first=period.first, last=period.last, kind=c.kind, crime_type=c.crime_type)
        for c in choices
    ]
    hotspots.compute_hotspots(frames[0], outline)  # untimed: imports, and anything kept for later maps
    cpu, wall = [], []
    for _ in range(args.rounds):
        for frame in frames:
            cpu_start, wall_start = time.process_time(), time.perf_counter()
            hotspots.compute_hotspots(frame, outline)
            hotspots.repeat_locations(frame, limit=None)
            cpu.append((time.process_time() - cpu_start) * 1000)
            wall.append((time.perf_counter() - wall_start) * 1000)
    print(
        f"{period.label}: {len(frames)} entries x {args.rounds}: statistics and repeat locations per entry, "
        f"CPU median {statistics.median(cpu):.0f} ms (max {max(cpu):.0f}), "
        f"wall-clock median {statistics.median(wall):.0f} ms (max {max(wall):.0f})"
    )
    database.close()


if __name__ == "__main__":
    main()
