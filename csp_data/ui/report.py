"""The scrutiny pack in the sidebar of every page: the chosen period as a PDF or Word briefing.

The pack is built only when the button is pressed (never on an ordinary rerun), through a bounded
cache keyed by the store's version, the area file and the plan and survey files it names (each by its
time of change and size: a plan edited on the staff page is in the next pack), the period and the
format, so a second request
for the same pack — from any session — is served at once. The finished file stays in the session
beside its key, so the download button survives reruns until the period, format or store changes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import streamlit as st

from csp_data.area_documents import file_stamp
from csp_data.config import Area
from csp_data.periods import Period
from csp_data.report.model import period_title
from csp_data.report.output import FORMATS, pack_file_name
from csp_data.ui.context import FAST_HASH, area_population, current_store, database, get_area, loaded_months
from csp_data.ui.errors import guard

FORMAT_LABELS = {"pdf": "PDF", "docx": "Word (DOCX)"}
READY_KEY = "report_ready"
BUILD_HINT = "Try again, or choose another period; if this keeps happening, please tell the site's maintainers."


def document_stamps(area: Area) -> tuple:
    """The area file and the documents it names, each with its time of change and size (None when missing)."""
    stamps = []
    for path in (area.area_file, area.plans_file, *area.survey_files, area.responses_file):
        if path is None:
            continue
        try:
            stamps.append((str(path), *file_stamp(Path(path))))
        except OSError:
            stamps.append((str(path), None, None))
    return tuple(stamps)


@st.cache_data(hash_funcs=FAST_HASH, max_entries=8, show_spinner=False)
def pack_bytes(
    area_file: str,
    store_dir: str,
    store_version: str,
    first: date,
    last: date,
    label: str,
    format_name: str,
    documents: tuple = (),
) -> bytes:
    """The pack for the period, as a file of ``format_name``; cached by every input that changes it
    (``documents``: :func:`document_stamps`, only part of the key)."""
    from csp_data.report import build_pack, render_pack

    area = get_area(area_file)
    pack = build_pack(
        database(area).query,
        area,
        Period(first, last, label),
        loaded_months(),
        area_population(area),
        store_dir=store_dir,
    )
    return render_pack(pack, format_name)


def _period_words(period: Period) -> str:
    """The period as the pack's caption names it: 'the latest 12 months (Jan 2025 to Dec 2025)', 'financial
    year 2024/25 (...)', or the months chosen."""
    title = period_title(period)
    if title == period.span_label:
        return title
    words = title[:1].lower() + title[1:]
    return f"{'the ' if words.startswith('latest') else ''}{words} ({period.span_label})"


def scrutiny_pack_sidebar(area: Area, period: Period | None) -> None:
    """The sidebar's "Scrutiny pack" section: a format, a button that prepares the pack, then its download."""
    with st.sidebar:
        st.header("Scrutiny pack")
        if period is None:
            st.caption("Load police.uk months to make a pack.")
            return
        with guard(BUILD_HINT, stop=False):  # a failure is a message here; the page goes on
            _pack_controls(area, period)


def _pack_controls(area: Area, period: Period) -> None:
    chosen = st.radio("Format", list(FORMAT_LABELS.values()), key="report_format", horizontal=True)
    format_name = next(k for k, v in FORMAT_LABELS.items() if v == chosen)
    store = current_store(area)
    key = (str(area.area_file), str(store.root), store.version(), period.first, period.last, period.label)
    key += (format_name, document_stamps(area))
    if st.button(
        "Prepare the scrutiny pack",
        key="report_prepare",
        help="A briefing for councillors: the crime picture in context, charts, top wards, benchmarking, "
        "priorities, survey, caveats and a glossary.",
    ):
        with st.spinner("Preparing the scrutiny pack…"):
            st.session_state[READY_KEY] = (key, pack_bytes(*key))
        # Said in a status message (Streamlit's alerts are role="status"), so a screen reader hears that it is
        # ready while the focus stays on the button (WCAG 4.1.3).
        st.success("The scrutiny pack is ready: download it with the button below.")
    ready = st.session_state.get(READY_KEY)
    if ready is not None and ready[0] == key:
        st.download_button(
            f"Download the scrutiny pack ({FORMAT_LABELS[format_name]})",
            ready[1],
            file_name=pack_file_name(area.short_name, period.first, period.last, format_name),
            mime=FORMATS[format_name][1],
            key="report_download",
            on_click="ignore",
            icon=":material/download:",
        )
    else:
        st.caption(f"A {FORMAT_LABELS[format_name]} briefing of {_period_words(period)} for committee.")
