"""Priorities and progress: the current plan's priorities, KPIs with RAG status, the direction of travel of its
police.uk series, live indicators, earlier plans."""

import streamlit as st

from csp_data import ui
from csp_data.area_documents import load_area_documents
from csp_data.plans import current_plan
from csp_data.ui import priorities as priorities_ui

area = ui.current_area()
period = st.session_state.get("period")
st.title(f"{area.short_name}: priorities and progress")

with ui.guard(ui.STORE_HELP):
    documents = load_area_documents(area, survey=False)
    plans = priorities_ui.read_plans(documents.plans_file)

if not plans:
    st.info(priorities_ui.NO_PLAN_FILE)
    st.stop()

plan = current_plan(plans)
stem = ui.slug(area.short_name)
view = priorities_ui.plan_view(documents.plans_file, stem)
priorities_ui.show_rag_rules()

if plan is None:
    st.info(priorities_ui.NO_CURRENT_PLAN)
else:
    priorities_ui.show_plan_intro(plan, view)
    live = None
    if period is not None:
        with ui.guard(ui.STORE_HELP, stop=False):
            loaded = ui.loaded_months()
            live = priorities_ui.live_view(area, documents.plans_file, period, loaded, ui.area_population(area))
    priorities_ui.show_progress(live, period)
    ons, ons_note = None, priorities_ui.ONS_UNREADABLE
    with ui.guard(priorities_ui.ONS_HINT, stop=False):
        ons, ons_note = priorities_ui.ons_view(area, documents.plans_file)

    for priority_view in view.priorities:
        priority = priority_view.priority
        priorities_ui.show_priority(priority_view)
        priorities_ui.show_live_indicators(priority, live, period)
        priorities_ui.show_ons(priority, ons, ons_note)
        priorities_ui.show_limits(priority)
    priorities_ui.show_other_figures(view)

priorities_ui.show_earlier_plans(view)
