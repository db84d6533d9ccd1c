"""The staff pages' sections: the forms that load and remove police.uk months, update the plan file and
load a survey file, and the change log. Each form calls one function of :mod:`csp_data.changes` (the
command line's code, plus the change log) and reports what it did; errors are the command line's
messages, shown by the one error guard."""

from __future__ import annotations

import json
import math

import pandas as pd
import streamlit as st

from csp_data import changes
from csp_data.audit import Actor, read_changes
from csp_data.config import Area
from csp_data.markdown import markdown_text_keeping_code
from csp_data.plans.edit import KPI_FIELDS, FieldEdit, file_sha256, number_text, parse_target
from csp_data.plans.reader import load_plans
from csp_data.store.versions import Store
from csp_data.survey.store import stored_responses_file
from csp_data.ui.context import run_query
from csp_data.ui.errors import guard
from csp_data.ui.tables import show_table

LAST_CHANGE = "staff_last_change"
FIX_AND_RETRY = "Correct the file and load it again; the store has not changed."
REPORT_COLUMNS = {
    "month": "Month",
    "force": "Force",
    "rows_read": "Read",
    "rows_kept": "Kept",
    "no_location": "No location",
    "outside_area": "Outside the area",
    "malformed": "Malformed",
    "in_no_ward": "In no ward",
}
CHANGE_COLUMNS = ["time", "who", "action", "summary", "file_name", "sha256", "rows"]


# ---- after a change ----


def finish(summary: str, table: pd.DataFrame | None = None) -> None:
    """Keep what the change did for the next run, and rerun so that the sidebar sees the new data."""
    st.session_state[LAST_CHANGE] = (summary, table)
    st.rerun()


def show_last_change() -> None:
    """What the last change on this page did (once, after its rerun)."""
    last = st.session_state.pop(LAST_CHANGE, None)
    if last is None:
        return
    summary, table = last
    st.success(markdown_text_keeping_code(summary) + " It is recorded in the change log.")
    if table is not None:
        st.dataframe(table, hide_index=True, width="stretch")


# ---- police.uk months ----


def report_frame(reports) -> pd.DataFrame:
    """The ingest report as on the command line: per month and force, rows read, kept and dropped by reason."""
    rows = [{k: getattr(r, k) for k in REPORT_COLUMNS} for r in reports if r.recorded]
    return pd.DataFrame(rows, columns=list(REPORT_COLUMNS)).rename(columns=REPORT_COLUMNS)


def police_upload_form(area: Area, store: Store, actor: Actor) -> None:
    st.subheader("Load months")
    st.markdown(
        "Download street-level files from [data.police.uk](https://data.police.uk/data/) (choose the force and "
        "months, tick *Include crime data*), then load one month's CSV or the whole zip as downloaded. A month "
        "loaded again replaces the copy in the store; nothing changes unless every file in the upload is good."
    )
    with st.form("police_upload", clear_on_submit=True):
        upload = st.file_uploader(
            f"Street-level CSV or archive zip (up to {changes.POLICE_UPLOAD_LIMIT_MB} MB)",
            type=[s.lstrip(".") for s in changes.POLICE_SUFFIXES],
            max_upload_size=changes.POLICE_UPLOAD_LIMIT_MB,
            key="police_file",
        )
        allow_empty = st.checkbox(
            "Record months with no rows in the area as loaded (like --allow-empty on the command line)",
            key="police_allow_empty",
        )
        submitted = st.form_submit_button("Load", type="primary")
    if submitted and upload is None:
        st.warning("Choose a file to load first.")
    elif submitted:
        with st.spinner(f"Loading {upload.name}…"), guard(FIX_AND_RETRY, stop=False):
            outcome = changes.load_police_data(upload.getvalue(), upload.name, area, store, actor, allow_empty)
            finish(outcome.entry["summary"], report_frame(outcome.result))


def police_remove_form(store: Store, actor: Actor, ledger: pd.DataFrame) -> None:
    st.subheader("Remove a mistaken load")
    if ledger.empty:
        st.info("No months are loaded.")
        return
    with st.form("police_remove"):
        months = st.multiselect("Months to remove", sorted(set(ledger["month"]), reverse=True), key="remove_months")
        force = st.selectbox("Of", ["Every force", *sorted(set(ledger["force"]))], key="remove_force")
        confirmed = st.checkbox("Yes, remove these months from the site (they can be loaded again)", key="remove_ok")
        submitted = st.form_submit_button("Remove")
    if submitted and not (months and confirmed):
        st.warning("Choose the months and tick the box to confirm.")
    elif submitted:
        with guard(stop=False):
            chosen_force = None if force == "Every force" else force
            outcome = changes.remove_police_data(store, months, chosen_force, actor)
            finish(outcome.entry["summary"])


def show_loaded_months() -> pd.DataFrame:
    """The coverage ledger (every month and force loaded), newest first, and the frame itself."""
    st.subheader("Months loaded")
    ledger = run_query("coverage_ledger")
    show_table(
        ledger.sort_values(["month", "force"], ascending=[False, True]),
        labels={**REPORT_COLUMNS, "source": "File", "loaded_at": "Loaded (UTC)"},
        empty="No police.uk month is loaded yet.",
    )
    return ledger


# ---- the plan file ----


def _plan_base(plan_file) -> dict:
    """The plan file as it was when this page first read it: kept until saved or reloaded, so that a
    save compares against what the user saw and is refused if the file changed meanwhile."""
    key = f"staff_plan_base:{plan_file}"
    if key not in st.session_state:
        sha = file_sha256(plan_file)
        st.session_state[key] = {"sha256": sha, "plans": load_plans(plan_file)}
    return st.session_state[key]


def forget_plan_base(plan_file) -> None:
    st.session_state.pop(f"staff_plan_base:{plan_file}", None)


def kpi_frame(plan) -> pd.DataFrame:
    rows = [
        {
            "id": k.id,
            "name": k.name,
            "unit": k.unit,
            "direction": k.direction,
            "value": k.value,
            "target": "" if k.target is None else k.target if isinstance(k.target, str) else number_text(k.target),
            "period": k.period,
        }
        for k in plan.kpis
    ]
    return pd.DataFrame(rows, columns=["id", "name", "unit", "direction", *KPI_FIELDS]).astype({"value": "float64"})


def _same(a, b) -> bool:
    missing_a = a is None or (isinstance(a, float) and math.isnan(a))
    missing_b = b is None or (isinstance(b, float) and math.isnan(b))
    return (missing_a and missing_b) or (not missing_a and not missing_b and a == b)


def plan_edits(plan, edited_kpis: pd.DataFrame, texts: dict[tuple[str, str, str], str]) -> list[FieldEdit]:
    """The values the user changed: KPI rows against the plan as read, and the plan and priority texts."""
    edits = []
    by_id = {k.id: k for k in plan.kpis}
    for row in edited_kpis.to_dict("records"):
        kpi = by_id[row["id"]]
        value = None if pd.isna(row["value"]) else float(row["value"])
        if not _same(value, kpi.value):
            edits.append(FieldEdit("kpi", kpi.id, "value", value))
        target = parse_target(row["target"], kpi.id)
        if not _same(target, kpi.target):
            edits.append(FieldEdit("kpi", kpi.id, "target", target))
        if (row["period"] or "").strip() != kpi.period:
            edits.append(FieldEdit("kpi", kpi.id, "period", (row["period"] or "").strip()))
    current = {("plan", plan.id, "summary"): plan.summary}
    current.update({("priority", p.id, "summary"): p.summary for p in plan.priorities})
    for key, text in texts.items():
        if text.strip() != current[key].strip():
            edits.append(FieldEdit(*key, text.strip()))
    return edits


def plans_editor(plan_file, store: Store, actor: Actor) -> None:
    base = _plan_base(plan_file)
    plans = {p.id: p for p in base["plans"]}
    current = next((p.id for p in base["plans"] if p.status == "current"), base["plans"][0].id)
    chosen = st.selectbox("Plan", list(plans), index=list(plans).index(current), format_func=lambda i: plans[i].title)
    plan = plans[chosen]
    widget = f"{chosen}:{base['sha256'][:12]}"  # new widgets when the file is read again
    st.subheader("KPIs")
    st.caption(
        "Change a value, target or period in the table. A target is a number, reduce, increase, or blank for none; "
        "the plan file's rules apply (a percentage is 0–100, a count is never negative, a direction-only "
        "target agrees with the KPI's direction)."
    )
    edited = st.data_editor(
        kpi_frame(plan),
        key=f"kpis:{widget}",
        hide_index=True,
        width="stretch",
        disabled=["id", "name", "unit", "direction"],
        column_order=["name", *KPI_FIELDS, "unit", "direction", "id"],
        column_config={
            "name": st.column_config.TextColumn("KPI", width="large"),
            "value": st.column_config.NumberColumn("Value"),
            "target": st.column_config.TextColumn("Target"),
            "period": st.column_config.TextColumn("Period", width="medium"),
            "unit": "Unit",
            "direction": "Direction",
            "id": "Id",
        },
    )
    st.subheader("Plan text")
    texts = {("plan", plan.id, "summary"): st.text_area("Plan summary", plan.summary, key=f"summary:{widget}")}
    for priority in plan.priorities:
        texts[("priority", priority.id, "summary")] = st.text_area(
            f"Priority {priority.number}: {priority.title}", priority.summary, key=f"priority:{priority.id}:{widget}"
        )
    save, reload = st.columns([1, 4])
    if reload.button("Discard changes and read the file again", key="plans_reload"):
        forget_plan_base(plan_file)
        st.rerun()
    if save.button("Save", type="primary", key="plans_save"):
        with guard("Nothing was saved: the plan file is as it was.", stop=False):
            edits = plan_edits(plan, edited, texts)
            outcome = changes.save_plan_edits(plan_file, edits, base["sha256"], store, actor)
            forget_plan_base(plan_file)
            finish(outcome.entry["summary"], pd.DataFrame({"Changed": outcome.result.changed}))


# ---- survey responses ----


def show_stored_survey(store: Store) -> None:
    path = stored_responses_file(store.root)
    if path is None:
        st.info("No respondent-level file has been loaded here yet.")
        return
    notes = run_query("survey_response_notes", path=str(path))
    meta = dict(zip(notes["key"], notes["value"]))
    st.markdown(
        f"In use: **{meta.get('csp.source_name')}**, loaded {meta.get('csp.loaded_at')} "
        f"(SHA-256 `{meta.get('csp.sha256', '')[:16]}…`)."
    )


def survey_upload_form(store: Store, actor: Actor) -> None:
    with st.form("survey_upload", clear_on_submit=True):
        upload = st.file_uploader(
            f"Respondent-level CSV (up to {changes.SURVEY_UPLOAD_LIMIT_MB} MB)",
            type=["csv"],
            max_upload_size=changes.SURVEY_UPLOAD_LIMIT_MB,
            key="survey_file",
        )
        submitted = st.form_submit_button("Load", type="primary")
    if submitted and upload is None:
        st.warning("Choose a file to load first.")
    elif submitted:
        with st.spinner(f"Checking {upload.name}…"), guard("Correct the file and load it again.", stop=False):
            outcome = changes.load_survey_file(upload.getvalue(), upload.name, store, actor)
            finish(outcome.entry["summary"])


# ---- the change log ----


def change_log_frame(entries: list[dict]) -> pd.DataFrame:
    """The log's entries as a table, newest first. A line edited by hand into another shape (the page that
    reports such edits must still show the rest) gives its values as text."""

    def who(entry: dict):
        person = entry.get("who")
        if isinstance(person, dict):
            return _cell(person.get("email") or person.get("name") or person.get("subject"))
        return _cell(person)

    rows = [
        {"who": who(e), **{column: _cell(e.get(column)) for column in CHANGE_COLUMNS if column != "who"}}
        for e in reversed(entries)
    ]
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _cell(value):
    """A value of the log as a table shows it: text, a whole number or nothing; anything else as its JSON."""
    if value is None or isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    return json.dumps(value, ensure_ascii=False)


def show_change_log(store: Store, file_stem: str) -> None:
    log = read_changes(store.root)
    for problem in log.problems:
        st.warning(f"The change log is damaged: {markdown_text_keeping_code(problem)}.")
    if not log.entries:
        st.info("No change has been made on the staff pages yet.")
        return
    frame = change_log_frame(log.entries)
    show_table(
        frame,
        f"{file_stem}-change-log.csv",
        labels={
            "time": "When (UTC)",
            "who": "Who",
            "action": "What",
            "summary": "Summary",
            "file_name": "File",
            "sha256": "File SHA-256",
        },
    )
