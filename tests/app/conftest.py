"""Page tests run the real page scripts, whose figures are kept in Streamlit's process-wide caches."""

import pytest
import streamlit as st


@pytest.fixture(autouse=True)
def caches_cleared_for_patched_tests(request):
    """A test that patches the package (to break a function, say) starts with empty caches, so the page
    calls the patched code instead of taking an earlier test's cached figures; other tests share them."""
    if "monkeypatch" in request.fixturenames:
        st.cache_data.clear()
        st.cache_resource.clear()
    yield
