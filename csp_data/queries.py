"""Moved to csp_data.store.queries; this alias lasts only while other work in progress still imports it."""

from csp_data.store.queries import *  # noqa: F401,F403
