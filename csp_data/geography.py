"""Moved to csp_data.store.geography; this alias lasts only while other work in progress still imports it."""

from csp_data.store.geography import *  # noqa: F401,F403
