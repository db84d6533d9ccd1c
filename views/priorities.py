"""Priorities and progress: the current plan's priorities, KPIs with RAG status, the direction of travel of its
police.uk series, live indicators, earlier plans."""

import streamlit as st

from csp_data import ui
from csp_data.area_documents import load_area_documents
from csp_data.figures import priorities as pr
from csp_data.plans import current_plan
from csp_data.ui import priorities as priorities_ui

area = ui.current_area()
period = st.session_state.get("period")
st.title(f"{area.short_name}: priorities and progress")

with ui.guard(priorities_ui.PLANS_HINT):
    documents = load_area_documents(area)
    plans = priorities_ui.read_plans(documents.plans_file)

if not plans:
    st.info(priorities_ui.NO_PLAN_FILE)
    st.stop()

plan = current_plan(plans)
stem = ui.slug(area.short_name)
priorities_ui.show_rag_rules()

if plan is None:
    st.info(priorities_ui.NO_CURRENT_PLAN)
else:
    priorities_ui.show_plan_intro(plan, documents.plans_file)
    loaded = ui.loaded_months() if period is not None else []
    population = ui.area_population(area)
    figures = priorities_ui.live_figures(plan, period, loaded, population)
    priorities_ui.show_progress(plan, figures, period, stem)
    benchmarks, benchmarks_note = None, priorities_ui.ONS_UNREADABLE
    with ui.guard(priorities_ui.ONS_HINT, stop=False):
        benchmarks, benchmarks_note = pr.find_ons_benchmarks(area, ui.current_store(area).root)

    for priority in plan.priorities:
        priorities_ui.show_priority(plan, priority, stem)
        priorities_ui.show_live_indicators(priority, figures.get(priority.id, []), period, stem)
        priorities_ui.show_ons(priority, area.csp_code, benchmarks, benchmarks_note, stem)
        priorities_ui.show_limits(priority)
    priorities_ui.show_other_figures(plan, stem)

history = pr.previous_plans(plans)
if history:
    priorities_ui.show_history_heading()
for earlier in history:
    priorities_ui.show_earlier_plan(earlier, stem)
