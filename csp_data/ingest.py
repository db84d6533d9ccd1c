"""Moved to csp_data.store.ingest; this alias lasts only while other work in progress still imports it."""

from csp_data.store.ingest import *  # noqa: F401,F403
