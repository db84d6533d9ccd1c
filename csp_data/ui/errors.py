"""The one error path of the pages: the package's own messages as they stand (server paths cut to file names),
anything else a generic sentence with its traceback logged; never a traceback on a page."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from csp_data.errors import CspDataError
from csp_data.markdown import markdown_text_keeping_code

log = logging.getLogger("csp_dashboard")

UNEXPECTED = (
    "Something went wrong while preparing this part of the page. The problem has been logged for the "
    "site's maintainers; try reloading the page, or make another choice."
)


def error_text(error: BaseException) -> str:
    """What the user reads: the package's own messages as they stand; anything else a generic
    sentence, with the traceback logged (never shown: it can hold server paths and internals)."""
    if isinstance(error, CspDataError):
        return _without_paths(str(error))
    log.error("unexpected error while rendering a page", exc_info=error)
    return UNEXPECTED


_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])/(?:[^\s/:,'\"()]+/)+([^\s/:,'\"()]+)")


def _without_paths(text: str) -> str:
    """The message with every absolute server path cut to its last part (a file name says enough)."""
    return _ABSOLUTE_PATH.sub(r"\1", text)


def show_error(error: BaseException, what_to_do: str = "") -> None:
    """A user-facing error: what went wrong and what to do, never a traceback."""
    text = markdown_text_keeping_code(error_text(error))  # a message can quote a file: shown as written
    if what_to_do and isinstance(error, CspDataError):
        text = f"{text}\n\n{what_to_do}"
    st.error(text)


@contextmanager
def guard(what_to_do: str = "", *, stop: bool = True) -> Iterator[None]:
    """The one error path of the pages: any failure inside becomes a message (and a log entry).

    With ``stop`` (the default) the page stops there; otherwise the rest of the page goes on, for a
    section that can fail on its own. Streamlit's own stop and rerun signals pass through.
    """
    try:
        yield
    except Exception as error:  # noqa: BLE001 - the one place where every failure becomes a message
        show_error(error, what_to_do)
        if stop:
            st.stop()
