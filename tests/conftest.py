"""Fixtures shared by every test folder (helpers live in ``tests/helpers.py``)."""

import pytest

from helpers import MEDWAY_AREA_FILE, ward_points


@pytest.fixture(scope="session")
def medway_points() -> dict[str, tuple[float, float]]:
    return ward_points()


@pytest.fixture
def medway_area():
    from csp_data.config import load_area

    return load_area(MEDWAY_AREA_FILE)


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian Chromium for the whole run, shared by tests/browser and tests/deploy: a second
    sync Playwright in the same process (or asyncio.run while one is open) fails."""
    from browser import CHROMIUM_ARGS, chromium_path
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        pytest.fail("Chromium not found: install Debian's chromium package (make test does this)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
