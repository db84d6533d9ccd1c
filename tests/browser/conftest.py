import pytest
from browser import streamlit_server


@pytest.fixture(scope="session")
def server_url():
    with streamlit_server() as url:
        yield url
