"""Full-page screenshots of every page at desktop and phone width, to look at:

    python tests/browser/screenshots.py OUTDIR [page ...]

Pages are the URL paths below ("overview", "ward_map", …); by default all. The app reads the area and
store of the environment (CSP_AREA_FILE, CSP_STORE_DIR), so any store can be looked at.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import CHROMIUM_ARGS, chromium_path, streamlit_server, wait_until_idle  # noqa: E402

PAGES = {
    "overview": "",
    "ward_map": "ward_map",
    "hotspots": "hotspots",
    "seasonality": "seasonality",
    "priorities": "priorities",
    "survey": "survey",
    "benchmarking": "benchmarking",
    "data": "data_sources",
}
WIDTHS = {"desktop": 1440, "phone": 390}


def main(out: Path, names: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with streamlit_server() as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for device, width in WIDTHS.items():
            page = browser.new_page(viewport={"width": width, "height": 1000})
            for name in names or list(PAGES):
                page.goto(f"{url}/{PAGES[name]}")
                wait_until_idle(page)
                # Streamlit scrolls its main area, not the page: make the window as tall as the content.
                height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
                page.set_viewport_size({"width": width, "height": min(int(height) + 50, 16000)})
                wait_until_idle(page, quiet_ms=1000)
                page.screenshot(path=str(out / f"{name}-{device}.png"))
                page.set_viewport_size({"width": width, "height": 1000})
            page.close()
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "build/screenshots"), sys.argv[2:])
