"""What one kind of element costs a new visitor's browser: tiny Streamlit apps, each the empty app of
``bench/browser.py`` plus one kind of element, visited as a new visitor in Debian's Chromium.

Usage: .venv/bin/python bench/elements.py [--runs 5] [--elements none,dataframe,table,...]

Each app is the baseline (a sidebar title and a page title, with this project's ``.streamlit/config.toml``)
plus the element under test, on a 20-row frame of generated values (a ward name, a count, a rate, a
share and a word: test data, not real figures). Every app is served by its own ``streamlit run`` and
visited once untimed, then ``--runs`` times (``bench/browser.py``'s ``visit``: a fresh browser context,
time from ``goto`` to idle, and the tab's main-thread CPU). ``none`` is the baseline: each other row's
excess over it is what that element costs a page that has none of its kind yet (a first grid loads the
grid's code; a first chart loads Vega).

The machine is shared and noisy: compare rows of one run, not runs.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_browser", ROOT / "bench" / "browser.py")
bench_browser = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_browser)

FRAME = """import numpy as np
import pandas as pd

frame = pd.DataFrame(
    {
        "ward": [f"Ward number {i}" for i in range(20)],
        "count": np.arange(20) * 1234,
        "rate": np.arange(20) / 7,
        "share": np.arange(20) / 20,
        "note": ["text"] * 20,
    }
)
"""
ELEMENTS = {  # name: the lines added to the baseline app
    "none": "",
    "dataframe": "st.dataframe(frame, hide_index=True)\n",
    "table": "st.table(frame, hide_index=True)\n",
    "markdown_table": (
        'st.markdown("| Ward | Count |\\n|---|--:|\\n" + "".join(f"| {w} | {c:,} |\\n" for w, c in '
        'zip(frame["ward"], frame["count"])))\n'
    ),
    "html_table": "st.html(frame.to_html(index=False))\n",
    "one_chart": 'st.line_chart(frame, x="ward", y="count")\n',
    "four_charts": 'for _ in range(4):\n    st.line_chart(frame, x="ward", y="count")\n',
    "four_metrics": 'for column in st.columns(4):\n    column.metric("A figure", "1,234", "5")\n',
    "twenty_markdown": 'for i in range(20):\n    st.markdown(f"Paragraph {i} with **bold** text.")\n',
    "radio": 'st.sidebar.radio("Show", ["Latest 12 months", "Financial year", "Calendar year"])\n',
    "selectbox": 'st.sidebar.selectbox("Which", ["2022/23", "2023/24", "2024/25"])\n',
    "pills": 'st.sidebar.pills("Which", ["2022/23", "2023/24", "2024/25"], default="2024/25")\n',
    "button": 'st.sidebar.button("Prepare the scrutiny pack")\n',
    "captions": 'for i in range(4):\n    st.sidebar.caption(f"Note {i}: months loaded and gaps.")\n',
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--elements", default=",".join(ELEMENTS), help="comma-separated: " + ", ".join(ELEMENTS))
    args = parser.parse_args()
    names = [n.strip() for n in args.elements.split(",") if n.strip()]
    unknown = [n for n in names if n not in ELEMENTS]
    if unknown:
        parser.error(f"unknown element(s): {', '.join(unknown)}")
    baseline_app = bench_browser.BASELINE_APP
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=bench_browser.helpers.chromium_path(), args=bench_browser.helpers.CHROMIUM_ARGS
        )
        for name in names:
            bench_browser.BASELINE_APP = baseline_app + FRAME + ELEMENTS[name]
            with bench_browser.baseline_server({}) as url:
                bench_browser.visit(browser, url)  # untimed: the server's first run
                done = bench_browser.visits(browser, url, args.runs)
            result = {
                "element": name,
                "runs": len(done),
                "idle_ms": bench_browser.median_of(done, "idle_ms"),
                "main_thread_cpu_ms": bench_browser.median_of(done, "main_thread_cpu_ms"),
            }
            results.append(result)
            print(json.dumps(result), flush=True)
        browser.close()
    base = next((r for r in results if r["element"] == "none"), None)
    print(f"\n{'element':16s} {'idle ms':>8s} {'cpu ms':>7s} {'idle over none':>15s}")
    for r in results:
        extra = f"{r['idle_ms'] - base['idle_ms']:+,d}" if base else ""
        print(f"{r['element']:16s} {r['idle_ms']:8,d} {r['main_thread_cpu_ms']:7,d} {extra:>15s}")


if __name__ == "__main__":
    main()
