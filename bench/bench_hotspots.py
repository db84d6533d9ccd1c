"""Server work of the Hotspots page on the embedded data.

Usage: .venv/bin/python bench/bench_hotspots.py [--runs 5]

1. ``statistics``: ``hotspots.compute_hotspots`` (grid, esda Gi*, permutation p-values, FDR) for
   several crime types, each timed ``--runs`` times from scratch; the page computes this once per
   (period, type) and caches it.
2. ``apptest``: the whole script (``app.py`` then ``views/hotspots.py``) under Streamlit's AppTest:
   the first run (statistics computed) and the median of ``--runs`` warm reruns (statistics cached,
   the other queries, tables and map rebuilt), which is what a user waits for on the server after
   changing the ward of the top-streets table or coming back to the page.

Medians of several runs: the machines here are shared and noisy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from csp_data import hotspots  # noqa: E402
from csp_data.config import load_area  # noqa: E402
from csp_data.geography import ward_boundaries  # noqa: E402
from csp_data.queries import Database  # noqa: E402
from csp_data.store import Store  # noqa: E402

CHOICES = [("crime", None), ("asb", None), ("crime", "Violence and sexual offences"), ("crime", "Bicycle theft")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    area = load_area(None)
    db = Database(area, Store(area.store_dir))
    outline = hotspots.area_outline(ward_boundaries(area.current_wards).geometry)
    print("statistics (compute_hotspots, from scratch), median of", runs)
    for kind, crime_type in CHOICES:
        points = db.query("hotspot_points", first=date(2025, 1, 1), last=date(2025, 12, 1), kind=kind,
                          crime_type=crime_type)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            result = hotspots.compute_hotspots(points, outline)
            times.append(time.perf_counter() - start)
        print(f"  {crime_type or kind:32s} {int(points['incidents'].sum()):6,} incidents  "
              f"{len(result.hot_cells):3d} hot squares  median {statistics.median(times):.2f} s "
              f"(min {min(times):.2f}, max {max(times):.2f})")
    db.close()

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    start = time.perf_counter()
    at.switch_page("views/hotspots.py").run()
    first = time.perf_counter() - start
    assert not at.exception, at.exception
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - start)
    assert not at.exception, at.exception
    print(f"apptest: first run {first:.2f} s; warm rerun median {statistics.median(warm):.2f} s "
          f"(min {min(warm):.2f}, max {max(warm):.2f}) over {runs}")


if __name__ == "__main__":
    main()
