import pytest
from browser import CHROMIUM_ARGS, chromium_path, streamlit_server


@pytest.fixture(scope="session")
def server_url():
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        pytest.fail("Chromium not found: install Debian's chromium package (make test does this)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
