"""Shareable links on the page: each page's choices kept in its address (``st.query_params``), read back
when a link is opened, and the link itself in the sidebar to copy.

The widgets keep their own session-state keys. Before a widget, :func:`restore` puts the value a link
gives into the widget's state; after it, :func:`publish` writes the widget's value into the address.
A link's value is applied once: when the address holds a value the page has not yet read or written
(a link opened or reloaded), never again on the runs that follow, so the widgets stay the user's. A value that cannot be used leaves the widget's default and adds to one short note
at the top of the page; nothing a link holds is ever shown back. What the values mean and how they are
checked is :mod:`csp_data.links`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from csp_data.links import (
    COUNTED,
    MEASURE,
    OFFENCE,
    PEERS,
    PERIOD,
    WARD,
    WARDS,
    YEAR_TO,
    LinkError,
    codes_from_text,
    codes_text,
    describe_problems,
    link,
    option_from_text,
    page_parameters,
    single_value,
    unknown_parameters,
)

if TYPE_CHECKING:
    from csp_data.benchmarks import PeerChoices

__all__ = [
    "COUNTED",
    "MEASURE",
    "OFFENCE",
    "PEERS",
    "PERIOD",
    "WARD",
    "WARDS",
    "WHAT_COUNTED",
    "YEAR_TO",
    "default_index",
    "keep_page_parameters",
    "publish",
    "publish_peers",
    "restore",
    "restore_choice",
    "restore_peers",
    "share_link",
    "start",
]

#: How a note says what a link's crime type should have been (the pages' "Crime type or ASB" boxes).
WHAT_COUNTED = "a crime type recorded in the chosen period"
_STATE_KEY = "_shareable_link"
LINK_LABEL = "Share this view"
LINK_KEY = "share_link"  # the link's container: class st-key-share_link in the page
LINK_HELP = (
    "A link to this page with the period and the choices made on it, to bookmark or share. "
    "It is also the address in your browser's address bar."
)


@dataclass
class _LinkState:
    seen: dict[str, tuple[str, ...] | None] = field(default_factory=dict)  # kept across runs
    values: dict[str, str] = field(default_factory=dict)  # this run's settings, as the link writes them
    problems: dict[str, str] = field(default_factory=dict)
    unknown: int = 0
    note_slot: DeltaGenerator | None = None
    link_slot: DeltaGenerator | None = None


def _state() -> _LinkState:
    if not isinstance(st.session_state.get(_STATE_KEY), _LinkState):
        st.session_state[_STATE_KEY] = _LinkState()
    return st.session_state[_STATE_KEY]


def start() -> None:
    """Begin a run (the sidebar calls this first): an empty note at the top of the page, counting any parameter
    the dashboard does not know (:func:`keep_page_parameters` takes them out of the address)."""
    state = _state()
    state.values, state.problems = {}, {}
    state.note_slot, state.link_slot = st.empty(), None
    state.unknown = len(unknown_parameters(list(st.query_params)))
    _show_note(state)


def keep_page_parameters(path: str) -> None:
    """Before the page at ``path`` runs: every setting this page does not use (a ward on the Overview, say, or
    one the dashboard does not know) taken out of the address, so that the address is the view's link, as the
    sidebar says. All at once: one message to the browser, however many go (one each resent the address)."""
    kept = page_parameters(path)
    if any(name not in kept for name in st.query_params):
        st.query_params.from_dict({name: st.query_params.get_all(name) for name in st.query_params if name in kept})


def _show_note(state: _LinkState) -> None:
    note = describe_problems(state.problems, state.unknown)
    if note and state.note_slot is not None:
        state.note_slot.info(note)


def _new_value(param: str) -> str | None:
    """The address's value for ``param`` when the page has neither read nor written it yet; else None."""
    state = _state()
    values = tuple(st.query_params.get_all(param))
    if not values or state.seen.get(param) == values:
        return None
    state.seen[param] = values
    try:
        return single_value(values)
    except LinkError as problem:
        _note_problem(param, str(problem))
        return None


def _note_problem(param: str, reason: str) -> None:
    state = _state()
    state.problems[param] = reason
    _show_note(state)


def restore(param: str, read: Callable[[str], Mapping[str, Any]]) -> None:
    """Before a widget (or several set together): when a link gives ``param``, set the session state
    that ``read`` makes of it (widget key -> value); when ``read`` raises :class:`LinkError`, leave the
    widgets as they are and add the reason to the page's note."""
    text = _new_value(param)
    if text is None:
        return
    try:
        st.session_state.update(read(text))
    except LinkError as problem:
        _note_problem(param, str(problem))


def restore_choice(param: str, key: str, options: Sequence[str] | Mapping[str, Any], what: str) -> None:
    """Before a widget of one choice: a link's ``param`` becomes the widget's value when it is one of
    ``options`` (the widget's options, or a mapping of link text -> option, e.g. ward code -> name);
    ``what`` names the options in the note ("a crime type recorded in this period")."""

    def read(text: str) -> dict[str, Any]:
        chosen = option_from_text(text, options, what)
        return {key: options[chosen] if isinstance(options, Mapping) else chosen}

    restore(param, read)


def default_index(key: str, options: Sequence, index: int) -> dict[str, int]:
    """``index=`` for the box ``key`` unless its value is already one of ``options`` (set by a link before
    the box, or by the box itself): given both, Streamlit warns, and the value wins anyway."""
    return {} if st.session_state.get(key) in options else {"index": index}


def publish(param: str, value: str | None, default: str | None = None) -> None:
    """After a widget: its value into the address, or ``param`` taken out when it is the default (or None)."""
    state = _state()
    if value is None or value == default:
        if param in st.query_params:
            del st.query_params[param]
        state.seen[param] = None
        state.values.pop(param, None)
    else:
        if st.query_params.get_all(param) != [value]:
            st.query_params[param] = value
        state.seen[param] = (value,)
        state.values[param] = value
    _show_link(state)


def _peer_codes(choices: PeerChoices) -> dict[str, str]:
    """CSP code -> name of the CSPs a user can pick as peers."""
    offered = set(choices.options)
    return {code: name for code, name in choices.names.items() if name in offered}


def restore_peers(key: str, choices: PeerChoices) -> None:
    """Before the peer box: a link's comma-separated CSP codes become its names."""
    names = _peer_codes(choices)
    restore(PEERS, lambda text: {key: [names[c] for c in codes_from_text(text, names, "a CSP in the tables")]})


def publish_peers(chosen: Iterable[str], choices: PeerChoices) -> None:
    """After the peer box: the chosen CSPs' codes, or none when they are the area file's peers (in any order)."""
    codes = {name: code for code, name in _peer_codes(choices).items()}
    chosen = [codes[name] for name in chosen if name in codes]
    default = {codes[name] for name in choices.area_file_peers if name in codes}
    publish(PEERS, None if set(chosen) == default else codes_text(chosen))


def share_link() -> None:
    """The sidebar's link to the view, kept up to date as the page publishes its choices."""
    state = _state()
    with st.sidebar:
        st.header(LINK_LABEL)
        st.caption(LINK_HELP)
        state.link_slot = st.container(key=LINK_KEY).empty()
    _show_link(state)


def _show_link(state: _LinkState) -> None:
    if state.link_slot is not None:
        state.link_slot.markdown(link_markdown(link(st.context.url or "", state.values)))


def link_markdown(address: str) -> str:
    """``address`` as a Markdown link that shows the address itself, character for character.

    A plain link, not ``st.code``: a code box makes the browser load and start a syntax highlighter of
    1.5 MB, about 0.55 s of the tab's main thread on every new visit (bench/browser.py's profile).
    """
    text = re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", address)  # every ASCII punctuation mark escaped
    target = address.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20").replace("\n", "")
    return f"[{text}](<{target}>)"
