"""Moved to csp_data.store.policeuk; this alias lasts only while other work in progress still imports it."""

from csp_data.store.policeuk import *  # noqa: F401,F403
