"""Plans in plain English: RAG statuses and their reasons, the plans' jargon explained from the one glossary
(:mod:`csp_data.glossary`), sources in words, KPI tables, actions, the one-line summaries the shell check
prints, and the Priorities page's plan tables (:func:`plan_tables`), built once per plan file."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

import pandas as pd

from csp_data.glossary import TERMS, Term
from csp_data.markdown import markdown_text
from csp_data.plans.model import Action, Kpi, Plan, Priority, current_plan
from csp_data.plans.rag import DEFAULT_AMBER_TOLERANCE, rag_status
from csp_data.plans.tables import (
    MISSING,
    CsvFile,
    actions_frame,
    plan_kpi_rows,
    previous_plans,
    priority_action_rows,
    unassigned_kpis,
)
from csp_data.words import plural, rate, slug
from csp_data.yamlfile import Source


def plan_summary(plan: Plan) -> str:
    """What a plan holds, in one line: ``"csp_2024_28: 4 priorities, 43 actions, 16 KPIs"``."""
    actions = sum(len(objective.actions) for priority in plan.priorities for objective in priority.objectives)
    parts = [
        plural(len(plan.priorities), "priority", "priorities"),
        plural(actions, "action"),
        plural(len(plan.kpis), "KPI"),
    ]
    return f"{plan.id}: {', '.join(parts)}"


# ---------------------------------------------------------------------------------
# Plain words for the plans' jargon and sources
# ---------------------------------------------------------------------------------

#: The glossary's terms (:mod:`csp_data.glossary`) that plans use as jargon, explained where a plan uses them.
PLAN_TERMS: tuple[Term, ...] = tuple(
    term
    for term in TERMS
    if term.term.split(" (")[0]
    in {"ASB", "CSP", "KPI", "RAG status", "PSPO", "Outcome 22", "SDS40", "CFO", "PDU", "HRA", "AQA", "NI", "MARAC"}
    | {"IDVA", "IOM", "CRC", "YOT", "PCSO", "CSE", "RSL"}
)


def terms_in(texts: Iterable[str], known: set[str] | None = None) -> list[Term]:
    """The :data:`PLAN_TERMS` whose own name (their first pattern: "PSPO", "ASB") the texts use, in glossary order.

    A term named in ``known`` is left out; when ``known`` is given, the terms found are added to it, so that a
    page that passes one set through its sections explains each term once, where it first appears.
    """
    joined = "\n".join(texts)
    skip = known if known is not None else set()
    found = [term for term in PLAN_TERMS if term.term not in skip and re.search(term.patterns[0], joined)]
    skip.update(term.term for term in found)
    return found


def terms_note(terms: Sequence[Term], lead: str = "Terms used above") -> str:
    """``"Terms used above: **PSPO (Public Spaces Protection Order)**: An order ..."`` (Markdown), or ""."""
    if not terms:
        return ""
    return f"{lead}: " + " ".join(f"**{term.term}**: {term.meaning}" for term in terms)


_FILE_NAME = re.compile(r"^[\w.-]+\.[A-Za-z0-9]{2,5}$")


def _document_words(doc: str) -> str:
    return "the partnership's published documents" if _FILE_NAME.match(doc.strip()) else doc


def source_words(source: Source) -> str:
    """Where a fact was published, in words: the document and its section; a document known only by a file
    name (the embedded seed documents) is said as "the partnership's published documents"."""
    return f"{_document_words(source.doc)}, section \u201c{source.section}\u201d"


def plain_note(text: str | None) -> str:
    """A plan file's note as a resident reads it: the source documents called so, not "the seed"."""
    if not text:
        return MISSING
    text = re.sub(r"\bseed documents\b", "published documents", text)
    return re.sub(r"\b(the|The) seed\b", r"\1 source document", text)


# ---------------------------------------------------------------------------------
# RAG in words
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RagLabel:
    """How a RAG status is shown: a name, a symbol that does not rely on colour, and colours."""

    name: str
    symbol: str
    badge_colour: str  # a colour name st.badge accepts
    icon: str  # a Material icon for st.badge
    background: str  # light cell background; text stays black, so contrast holds


RAG_LABELS: dict[str, RagLabel] = {
    "green": RagLabel("Green", "✔", "green", ":material/check_circle:", "#c8ead9"),
    "amber": RagLabel("Amber", "▲", "orange", ":material/warning:", "#fbe3b4"),
    "red": RagLabel("Red", "✖", "red", ":material/cancel:", "#f6c9c2"),
    "no_data": RagLabel("Not rated", "○", "gray", ":material/help:", "#e8e8e8"),
}


def rag_badge(status: str, count: int | None = None) -> str:
    """A status as a Markdown badge (``:green-badge[✔ Green]``) that carries its symbol and word, and a count
    when given: the page's colour is only a cue."""
    label = RAG_LABELS[status]
    return f":{label.badge_colour}-badge[{label.symbol} {label.name}{'' if count is None else f': {count}'}]"


def rag_badges(counts: dict[str, int]) -> str:
    """One badge per status held, with its count, in the order green, amber, red, no data."""
    return " ".join(rag_badge(status, n) for status in RAG_LABELS if (n := counts.get(status, 0)))


REPORTED_OUTCOME_WORDS = {
    "met": "reported as met or exceeded",
    "not_met": "reported as not met",
    "on_track": "reported as on track",
    "improved": "reported as improved",
    "worsened": "reported as worse",
}


def rag_reason(kpi: Kpi, status: str, amber_tolerance: float = DEFAULT_AMBER_TOLERANCE) -> str:
    """Why a KPI has its status, in a few words ("target met", "no target set")."""
    band = f"{amber_tolerance:.0%}"
    if status == "no_data":
        if kpi.value is None and kpi.target is None:
            return "no figure and no target published"
        if kpi.value is None:
            return "no figure published"
        if kpi.target is None:
            return "no target set"
        return "no baseline to judge the direction against"
    if kpi.has_direction_target:
        return {
            "green": "better than the baseline",
            "amber": f"no better than the baseline, within {band} of it",
            "red": f"worse than the baseline by more than {band}",
        }[status]
    return {
        "green": "target met",
        "amber": f"target missed by no more than {band} of it",
        "red": f"target missed by more than {band}",
    }[status]


def rag_rules_text(amber_tolerance: float = DEFAULT_AMBER_TOLERANCE) -> list[str]:
    """The RAG rules as sentences for the page (the same rules as :func:`csp_data.plans.rag_status`)."""
    band = f"{amber_tolerance:.0%}"
    g, a, r, n = (RAG_LABELS[k] for k in ("green", "amber", "red", "no_data"))
    return [
        f"{g.symbol} **{g.name}**: the target is met (reaching it exactly counts).",
        f"{a.symbol} **{a.name}**: the target is missed by no more than {band} of the target "
        f"(for a 75% target where higher is better: from 71.25% up to just under 75%).",
        f"{r.symbol} **{r.name}**: the target is missed by more than {band}.",
        f"{n.symbol} **{n.name}**: its own state, never a colour: no figure was published, no "
        'target was set, or a "reduce"/"increase" aim has no baseline to compare with.',
        'Aims stated only as a direction ("reduce", "increase") are judged against the earlier '
        f"figure: green when strictly better, amber when the same or worse by up to {band}, red beyond.",
        'A result the plan states only in words ("target exceeded") is shown beside the status '
        "but never turned into a colour.",
    ]


def rag_counts(kpis: Iterable[Kpi], amber_tolerance: float = DEFAULT_AMBER_TOLERANCE) -> dict[str, int]:
    """How many KPIs have each status, in the order green, amber, red, no data."""
    counts = {status: 0 for status in RAG_LABELS}
    for kpi in kpis:
        counts[rag_status(kpi, amber_tolerance)] += 1
    return counts


# ---------------------------------------------------------------------------------
# KPI tables
# ---------------------------------------------------------------------------------


def _number(value: float, decimals: int | None = None) -> str:
    if decimals is not None:
        return f"{value:,.{decimals}f}"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_measure(value: float | None, unit: str, decimals: int | None = None) -> str:
    """A KPI figure in words for a table: ``83%``, ``-9%``, ``28,526``, ``99.9 per 1,000`` (rates to 1 dp).

    ``decimals`` fixes the decimals of a percentage, so that every percentage of a table has the same
    (:func:`percent_decimals`); by default as many as the figure needs.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not published"
    if unit == "percent":
        return f"{_number(value, decimals)}%"
    if unit == "percent_change":
        sign = "+" if value > 0 else "-" if value < 0 else ""
        return f"{sign}{_number(abs(value), decimals)}%"
    if unit == "rate_per_1000":
        return f"{rate(value)} per 1,000"
    return _number(value)


def percent_decimals(kpis: Iterable[Kpi]) -> int:
    """The decimals (0 to 2) that show every published percentage of these KPIs alike, so that a table's
    column of latest figures has one precision: ``83%`` and ``51.5%`` become ``83.0%`` and ``51.5%``."""
    figures = [
        kpi.value
        for kpi in kpis
        if kpi.unit in ("percent", "percent_change") and kpi.value is not None and not math.isnan(kpi.value)
    ]
    return max((len(f"{abs(v):.2f}".rstrip("0").split(".")[1]) for v in figures), default=0)


def format_target(kpi: Kpi) -> str:
    """The target in words: ``at least 75%``, ``a fall of at least 5%``, ``reduce (from 5,229 ...)``."""
    target = kpi.target
    if target is None:
        return "none set"
    if isinstance(target, str):
        if kpi.baseline is None:
            return f"{target} (no earlier figure given)"
        return f"{target} (from {format_measure(kpi.baseline.value, kpi.unit)} in {kpi.baseline.period})"
    if kpi.unit == "percent_change":
        if kpi.direction == "lower_is_better" and target < 0:
            return f"a fall of at least {_number(-target)}%"
        if kpi.direction == "higher_is_better" and target > 0:
            return f"a rise of at least {_number(target)}%"
    bound = "at least" if kpi.direction == "higher_is_better" else "at most"
    return f"{bound} {format_measure(target, kpi.unit)}"


def kpi_display_table(
    kpis: Sequence[Kpi], plan: Plan | None = None, amber_tolerance: float = DEFAULT_AMBER_TOLERANCE
) -> pd.DataFrame:
    """KPIs as a table to show, one row each, the status in a symbol and words.

    Parameters
    ----------
    kpis : sequence of Kpi
        The KPIs, in the order to show them.
    plan : Plan, optional
        Their plan; when given, a ``priority`` column names each KPI's priorities (or its theme).
    amber_tolerance : float, optional
        Passed to :func:`csp_data.plans.rag_status`.

    Returns
    -------
    pandas.DataFrame
        Columns: [``priority``], ``kpi`` (name, with the indicator code when there is one),
        ``target``, ``latest_value``, ``period``, ``status`` (e.g. ``"✔ Green: target met"``),
        ``reported_in_words``, ``notes`` (:func:`plain_note`), ``source`` (:func:`source_words`), and ``rag``
        (the status code, for colouring). Every latest percentage has the same decimals
        (:func:`percent_decimals`), every rate one. A cell with nothing to say holds "–", never None or an
        empty string.
    """
    titles = {p.id: f"{p.number}. {p.title}" for p in plan.priorities} if plan is not None else {}
    decimals = percent_decimals(kpis)
    rows = []
    for kpi in kpis:
        status = rag_status(kpi, amber_tolerance)
        label = RAG_LABELS[status]
        name = f"{kpi.name} ({kpi.indicator_code})" if kpi.indicator_code else kpi.name
        rows.append(
            {
                "priority": "; ".join(titles.get(p, p) for p in kpi.priorities) or (kpi.theme or MISSING),
                "kpi": name,
                "target": format_target(kpi),
                "latest_value": format_measure(kpi.value, kpi.unit, decimals),
                "period": kpi.period,
                "status": f"{label.symbol} {label.name}: {rag_reason(kpi, status, amber_tolerance)}",
                "reported_in_words": REPORTED_OUTCOME_WORDS.get(kpi.reported_outcome or "", MISSING),
                "notes": plain_note(kpi.notes),
                "source": source_words(kpi.source),
                "rag": status,
            }
        )
    columns = [
        "priority",
        "kpi",
        "target",
        "latest_value",
        "period",
        "status",
        "reported_in_words",
        "notes",
        "source",
        "rag",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame if plan is not None else frame.drop(columns="priority")


# ---------------------------------------------------------------------------------
# Actions
# ---------------------------------------------------------------------------------

#: Section heading under which the Strategic Assessment lists each priority's aims and items to note.
AIMS_SECTION = "Aims and items to note"


def group_actions(priority: Priority) -> dict[str, list[tuple[str, Action]]]:
    """A priority's actions as ``{"done": [...], "will_do": [...], "aims": [...]}``.

    Each entry is ``(objective title, action)``. ``aims`` holds the actions whose source is the
    assessment's "aims and items to note" for the priority; they are left out of ``will_do``.
    """
    groups: dict[str, list[tuple[str, Action]]] = {"done": [], "will_do": [], "aims": []}
    for objective in priority.objectives:
        for action in objective.actions:
            if action.source.section.startswith(AIMS_SECTION):
                groups["aims"].append((objective.title, action))
            else:
                groups[action.status].append((objective.title, action))
    return groups


def action_line(action: Action) -> str:
    """One action as a line of text, with its lead and partners where the source names them."""
    who = []
    if action.lead_agency:
        who.append(f"lead: {action.lead_agency}")
    if action.partners:
        who.append(f"with {', '.join(action.partners)}")
    return action.text + (f" ({'; '.join(who)})" if who else "")


def kpi_cells(table: pd.DataFrame, with_priority: bool) -> pd.DataFrame:
    """A :func:`kpi_display_table` as Markdown cells in four columns that wrap on a phone: ``KPI`` (the name,
    its priority or theme when asked, its note), ``Status`` (:func:`rag_badge` and the reason, and a result
    reported in words), ``Latest figure`` (bold, above its period) and ``Target``."""
    kpi, status, figure = [], [], []
    for row in table.to_dict("records"):  # plain dicts: far quicker than pandas rows
        lines = [markdown_text(row["kpi"])]
        if with_priority:
            lines.append(f"Priority or theme: {markdown_text(row['priority'])}")
        if row["notes"] != MISSING:
            lines.append(f"Note: {markdown_text(row['notes'])}")
        kpi.append("  \n".join(lines))
        said = "" if row["reported_in_words"] == MISSING else f"; {row['reported_in_words']}"
        status.append(f"{rag_badge(row['rag'])} {markdown_text(row['status'].split(': ', 1)[1])}{said}")
        figure.append(f"**{markdown_text(row['latest_value'])}**  \n{markdown_text(row['period'])}")
    target = [markdown_text(text) for text in table["target"]]  # a baseline's period comes from the plan file
    return pd.DataFrame({"KPI": kpi, "Status": status, "Latest figure": figure, "Target": target})


def sources_note(kpis: Iterable[Kpi]) -> str:
    """``"As published in the partnership's published documents: “Overview”, “Priority 1”."``, by document."""
    sections: dict[str, list[str]] = {}
    for kpi in kpis:
        found = sections.setdefault(_document_words(kpi.source.doc), [])
        if kpi.source.section not in found:
            found.append(kpi.source.section)
    named = [f"{doc}: " + ", ".join(f"\u201c{s}\u201d" for s in found) for doc, found in sections.items()]
    return "As published in " + "; ".join(named) + "."


# ---------------------------------------------------------------------------------
# The Priorities page's plan tables (built once per plan file, by the page's cache)
# ---------------------------------------------------------------------------------

#: The columns of an earlier plan's actions on the page, and its statuses in words.
ACTION_COLUMNS = ["priority_number", "priority_title", "objective", "action", "status", "lead_agency", "partners"]
ACTION_STATUS_WORDS = {"done": "done", "will_do": "planned"}


@dataclass(frozen=True)
class KpiTable:
    """KPIs to show (:func:`kpi_cells`), the note on their sources and terms, and their rows as a CSV."""

    cells: pd.DataFrame
    note: str
    download: CsvFile


@dataclass(frozen=True)
class PriorityView:
    """A priority's actions in lines (done, will do, aims), the terms they use, their CSV, and its KPIs."""

    priority: Priority
    done: list[str]
    will_do: list[str]
    aims: list[str]
    terms: str
    download: CsvFile
    kpis: KpiTable | None


@dataclass(frozen=True)
class EarlierPlanView:
    plan: Plan
    counts: dict[str, int]
    terms: str
    rated: KpiTable | None
    unrated: KpiTable | None
    actions: pd.DataFrame  # :data:`ACTION_COLUMNS`, the status in words
    download: CsvFile


@dataclass(frozen=True)
class PlanView:
    """What the page shows of the plans that the plan file alone decides."""

    counts: dict[str, int]  # the current plan's KPIs by status
    terms: str  # the terms its summary uses
    priorities: list[PriorityView]
    other: KpiTable | None
    earlier: list[EarlierPlanView]


def kpi_table(plan: Plan, kpis: Sequence[Kpi], file_name: str, with_priority: bool, known: set[str]) -> KpiTable:
    """A :class:`KpiTable` of some of ``plan``'s KPIs: the terms it uses that ``known`` does not hold yet are
    explained under it."""
    table = kpi_display_table(kpis, plan if with_priority else None)
    texts = [*table["kpi"], *table["notes"]] + ([*table["priority"]] if with_priority else [])
    terms = terms_note(terms_in(texts, known), "Terms in this table")
    words = {status: label.name for status, label in RAG_LABELS.items()}
    download = CsvFile(
        partial(plan_kpi_rows, plan, [k.id for k in kpis], words), file_name, "Download these KPIs (CSV)"
    )
    return KpiTable(kpi_cells(table, with_priority), f"{sources_note(kpis)} {terms}".strip(), download)


def priority_view(plan: Plan, priority: Priority, stem: str, known: set[str]) -> PriorityView:
    """A priority as the page shows it: its actions in lines, the terms they use, its KPIs."""
    groups = group_actions(priority)
    lines = {key: [action_line(action) for _, action in group] for key, group in groups.items()}
    terms = terms_in([priority.summary, *(line for group in lines.values() for line in group)], known)
    kpis = plan.kpis_for(priority.id)
    name = f"{stem}-priority-{priority.number}"
    download = CsvFile(
        partial(priority_action_rows, plan, priority.id), f"{name}-actions.csv", "Download these actions (CSV)"
    )
    kpi_part = kpi_table(plan, kpis, f"{name}-kpis.csv", False, known) if kpis else None
    return PriorityView(priority, lines["done"], lines["will_do"], lines["aims"], terms_note(terms), download, kpi_part)


def earlier_view(plan: Plan, stem: str, known: set[str]) -> EarlierPlanView:
    name = f"{stem}-{slug(plan.id)}"
    rated = [kpi for kpi in plan.kpis if rag_status(kpi) != "no_data"]
    unrated = [kpi for kpi in plan.kpis if rag_status(kpi) == "no_data"]
    actions = actions_frame([plan])
    texts = [plan.summary, plan.notes or "", *(p.title for p in plan.priorities), *actions["action"]]
    texts += [text for kpi in plan.kpis for text in (kpi.name, kpi.notes or "")]
    terms = terms_note(terms_in(texts, known), "Terms used in this plan")
    return EarlierPlanView(
        plan,
        rag_counts(plan.kpis),
        terms,
        kpi_table(plan, rated, f"{name}-kpis-rated.csv", True, known) if rated else None,
        kpi_table(plan, unrated, f"{name}-kpis-no-data.csv", True, known) if unrated else None,
        actions.assign(status=actions["status"].map(ACTION_STATUS_WORDS))[ACTION_COLUMNS],
        CsvFile(actions, f"{name}-actions.csv", "Download these actions (CSV)"),
    )


def plan_tables(plans: Sequence[Plan], stem: str) -> PlanView:
    """The current plan's priorities and other figures and the earlier plans, as the page shows them; each
    term is explained once, where the page first uses it (the page's introduction explains "KPI" itself).
    ``stem`` starts the download files' names."""
    plan = current_plan(plans)
    known = {"KPI (key performance indicator)"}
    if plan is None:
        return PlanView({}, "", [], None, [earlier_view(p, stem, known) for p in previous_plans(plans)])
    terms = terms_note(terms_in([plan.summary, plan.notes or ""], known))
    priorities = [priority_view(plan, p, stem, known) for p in plan.priorities]
    other = unassigned_kpis(plan)
    name = f"{stem}-{slug(plan.id)}-other-figures.csv"
    other_table = kpi_table(plan, other, name, True, known) if other else None
    earlier = [earlier_view(p, stem, known) for p in previous_plans(plans)]
    return PlanView(rag_counts(plan.kpis), terms, priorities, other_table, earlier)
