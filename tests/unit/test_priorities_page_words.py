"""The Priorities page in plain words, on small fixtures: jargon explained once where it first appears (from
the one glossary), sources said in words, KPI figures with one precision a column, the tables' Markdown
cells, the indicator chart's colours and text alternative, and the plan's series counted in one query.

Every expected string is written out here (or built from the glossary's own meanings), not from the code
under test.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from csp_data.charts import priorities as priority_charts
from csp_data.charts.colours import contrast_ratio
from csp_data.figures import priorities as pr
from csp_data.glossary import TERMS
from csp_data.periods import Period
from csp_data.plans import Kpi, Source, current_plan, load_plans
from csp_data.plans.progress import progress_cells
from csp_data.plans.tables import CsvFile
from csp_data.plans.wording import (
    kpi_cells,
    kpi_display_table,
    plain_note,
    plan_tables,
    source_words,
    sources_note,
    terms_in,
)
from csp_data.tables import readable

MEANING = {term.term: term.meaning for term in TERMS}


def kpi(value, unit="percent", target=None, name="A KPI", notes=None, outcome=None, kpi_id="k") -> Kpi:
    return Kpi(
        id=kpi_id,
        name=name,
        priorities=(),
        theme=None,
        indicator_code=None,
        unit=unit,
        direction="higher_is_better",
        target=target,
        value=value,
        period="2024",
        baseline=None,
        reported_outcome=outcome,
        source=Source("001_56599b7bae25a7d4.txt", "Overview"),
        notes=notes,
    )


@pytest.fixture(scope="module")
def view():
    return plan_tables(load_plans(), "medway")


# ---------------------------------------------------------------------------------
# Jargon, explained once where the page first uses it
# ---------------------------------------------------------------------------------


def test_each_term_is_explained_where_it_first_appears(view):
    asb, pspo = "ASB (anti-social behaviour)", "PSPO (Public Spaces Protection Order)"
    assert view.terms == f"Terms used above: **{asb}**: {MEANING[asb]}"  # the plan's summary says "ASB figures"
    notes = [p.terms for p in view.priorities]
    hra = "HRA (Housing Revenue Account)"  # a lead agency: "Medway Council HRA Housing Team"
    assert notes[0] == f"Terms used above: **{pspo}**: {MEANING[pspo]} **{hra}**: {MEANING[hra]}"
    # Priority 2 uses "ASB" and priority 3 "PSPO" again: explained already, so not again.
    assert notes[1] == "" and notes[2] == ""
    cfo = "CFO (Creating Future Opportunities)"
    pdu = "PDU (Probation Delivery Unit)"  # a lead agency: "Probation Service (North Kent PDU)"
    assert notes[3] == (
        f"Terms used above: **Outcome 22**: {MEANING['Outcome 22']} **SDS40**: {MEANING['SDS40']} "
        f"**{cfo}**: {MEANING[cfo]} **{pdu}**: {MEANING[pdu]} **AQA**: {MEANING['AQA']}"
    )
    # The KPI tables below them add nothing new (CFO is in priority 4's actions, above its KPIs).
    assert "Terms in this table" not in view.priorities[3].kpis.note
    csp = "CSP (Community Safety Partnership)"
    earlier = ["MARAC", "IDVA", "IOM", "YOT", "PCSO"]  # the 2016-20 plan's partners and schemes, and CSE
    named = [next(t.term for t in TERMS if t.term.split(" (")[0] == short) for short in earlier]
    named.append("CSE (child sexual exploitation)")
    assert view.earlier[0].terms == f"Terms used in this plan: **{csp}**: {MEANING[csp]} " + " ".join(
        f"**{term}**: {MEANING[term]}" for term in named
    )
    nat = "NI (National Indicator)"  # the 2009-12 plan's "NI 38"
    assert view.earlier[1].terms == f"Terms used in this plan: **{nat}**: {MEANING[nat]}"


def test_terms_are_found_by_their_own_name_only():
    known: set[str] = set()
    found = terms_in(["Bring in a PSPOs scheme", "anti-social behaviour in parks"], known)
    # "anti-social behaviour" spelled out needs no explaining; "PSPOs" is the plural of a term.
    assert [t.term for t in found] == ["PSPO (Public Spaces Protection Order)"]
    assert known == {"PSPO (Public Spaces Protection Order)"}
    assert terms_in(["another PSPO"], known) == []
    assert terms_in(["the CFOs office", "SDS4"], set()) == []  # not whole words: not the terms


# ---------------------------------------------------------------------------------
# Sources and notes in words
# ---------------------------------------------------------------------------------


def test_sources_in_words_never_file_names():
    assert source_words(Source("001_56599b7bae25a7d4.txt", "Overview")) == (
        "the partnership's published documents, section \u201cOverview\u201d"
    )
    assert source_words(Source("CSP performance report Q2 2025-26", "Table 3")) == (
        "CSP performance report Q2 2025-26, section \u201cTable 3\u201d"
    )
    kpis = [kpi(1), kpi(2), kpi(3)]
    kpis[2] = Kpi(**{**kpis[2].__dict__, "source": Source("report.pdf", "Table 1")})
    assert sources_note(kpis) == (
        "As published in the partnership's published documents: \u201cOverview\u201d, \u201cTable 1\u201d."
    )


def test_notes_call_the_source_documents_so():
    assert plain_note("The seed says this is most of them.") == "The source document says this is most of them."
    assert plain_note("No result in the seed documents.") == "No result in the published documents."
    assert plain_note("Not stated in the seed; rate assumed.") == "Not stated in the source document; rate assumed."
    assert plain_note(None) == "–"


# ---------------------------------------------------------------------------------
# Figures: one precision a column, rates to one decimal place
# ---------------------------------------------------------------------------------


def test_percentages_share_one_precision_and_rates_one_decimal():
    table = kpi_display_table([kpi(83), kpi(51.5), kpi(-9, "percent_change"), kpi(99.94, "rate_per_1000")])
    assert list(table["latest_value"]) == ["83.0%", "51.5%", "-9.0%", "99.9 per 1,000"]
    table = kpi_display_table([kpi(83, target=75), kpi(71.25, target=75)])
    assert list(table["latest_value"]) == ["83.00%", "71.25%"]
    assert list(table["target"]) == ["at least 75%", "at least 75%"]  # targets as the plan sets them
    table = kpi_display_table([kpi(83), kpi(28526, "count")])
    assert list(table["latest_value"]) == ["83%", "28,526"]


def test_kpi_cells_carry_status_in_words_and_text_as_written():
    rows = [
        kpi(83, target=75, name="Share *cleared* in $days", notes="Reported as 'over 80%'.", outcome="met"),
        kpi(None, name="Repeat victims"),
    ]
    cells = kpi_cells(kpi_display_table(rows), with_priority=False)
    assert list(cells.columns) == ["KPI", "Status", "Latest figure", "Target"]
    assert cells.iloc[0].tolist() == [
        "Share \\*cleared\\* in \\$days  \nNote: Reported as 'over 80%'.",
        ":green-badge[✔ Green] target met; reported as met or exceeded",
        "**83%**  \n2024",
        "at least 75%",
    ]
    assert cells.iloc[1].tolist() == [
        "Repeat victims",
        ":gray-badge[○ Not rated] no figure and no target published",
        "**not published**  \n2024",
        "none set",
    ]


def test_progress_cells_badge_and_rule():
    table = pd.DataFrame(
        {
            "indicator": ["Drugs"],
            "aim": ["reduce"],
            "priority": ["Priority 3: Tackle Drugs and Alcohol"],
            "status": ["amber"],
            "status_text": ["Amber: within normal variation."],
            "change": ["rose by 4%, within normal variation"],
            "compared": ["Jan 2025 against Jan 2024 (year-on-year)"],
        }
    )
    assert progress_cells(table).iloc[0].tolist() == [
        "Drugs (aim: reduce), Priority 3: Tackle Drugs and Alcohol",
        ":orange-badge[▲ Amber] – within normal variation.",
        "Rose by 4%, within normal variation; Jan 2025 against Jan 2024 (year-on-year)",
    ]


def test_a_csv_is_written_only_when_asked_for_and_as_every_download():
    frame = pd.DataFrame({"month": [date(2025, 1, 1)], "incidents": [1234], "loaded": [True]})
    download = CsvFile(frame, "x.csv", "Download")
    assert download.data() == readable(frame).to_csv(index=False).encode("utf-8")
    assert download.data().decode().splitlines() == ["Month,Incidents,Month loaded", "2025-01,1234,yes"]


# ---------------------------------------------------------------------------------
# The indicator chart and the series behind it
# ---------------------------------------------------------------------------------

JAN, APR, MAY, JUN = date(2025, 1, 1), date(2025, 4, 1), date(2025, 5, 1), date(2025, 6, 1)


def figures_of(series: pr.LiveSeries, counts: dict[date, int | None]) -> pr.IndicatorFigures:
    months = sorted(counts)
    monthly = pd.DataFrame({"month": months, "incidents": pd.array([counts[m] for m in months], dtype="Int64")}).assign(
        loaded=lambda f: f["incidents"].notna()
    )
    period = Period(months[0], months[-1], "x")
    return pr.IndicatorFigures(series, period, 0, 0, None, monthly, "", None, None, None, "", None)


def test_every_series_colour_reads_on_white():
    categories = [pr.ASB_CATEGORY, "Violence and sexual offences", "Drugs", "Possession of weapons", "Robbery"]
    colours = [pr.series_for_category(c).colour for c in categories]
    assert "#56B4E9" not in colours  # the pale sky blue (2.3:1) is gone
    assert len(set(colours)) == 5
    assert all(contrast_ratio(c, "#FFFFFF") >= 3 for c in colours)


def test_indicator_chart_labels_missing_months():
    """Moved here from test_priorities.py: ASB in April to June 2025 with May not loaded (the fixture there)."""
    figures = figures_of(pr.series_for_category(pr.ASB_CATEGORY), {APR: 2, MAY: None, JUN: 5})
    chart = priority_charts.indicator_chart(figures)
    spec = chart.to_dict()
    # A grey band behind May (not loaded), its "Not loaded" label, and bars for April and June only.
    band, label, bars = spec["layer"]
    datasets = spec["datasets"]
    assert band["mark"]["type"] == "rect" and "y" not in band["encoding"]  # spans the plot's height
    assert band["mark"]["color"] == "#E5E5E5"  # the grey of months not loaded on every chart
    assert [r["month_label"] for r in datasets[band["data"]["name"]]] == ["May 2025"]
    assert [r["text"] for r in datasets[label["data"]["name"]]] == ["Not loaded"]
    assert [(r["month_label"], r["incidents"]) for r in datasets[bars["data"]["name"]]] == [
        ("Apr 2025", 2.0),
        ("Jun 2025", 5.0),
    ]
    assert bars["encoding"]["y"]["scale"]["zero"] is True
    assert bars["encoding"]["y"]["title"] == "ASB incidents recorded"
    assert priority_charts.display_height(chart) == 220 + 90


def test_chart_alt_text_names_what_it_shows():
    asb = figures_of(pr.series_for_category(pr.ASB_CATEGORY), {APR: 2, MAY: None, JUN: 5})
    assert priority_charts.indicator_chart_alt(asb, "Medway") == (
        "Bar chart of anti-social behaviour incidents recorded each month in Medway, Apr 2025 to Jun 2025; "
        "highest Jun 2025 (5), lowest Apr 2025 (2); not loaded, so no bar: May 2025."
    )
    drugs = figures_of(pr.series_for_category("Drugs"), {JAN: 1234})
    assert priority_charts.indicator_chart_alt(drugs, "Medway") == (
        "Bar chart of \u201cDrugs\u201d crimes recorded each month in Medway, Jan 2025."
    )
    spec = priority_charts.indicator_chart(drugs).to_dict()
    assert spec["encoding"]["y"]["title"] == "Crimes recorded" and spec["encoding"]["y"]["scale"]["zero"] is True
    assert "strokeDash" not in str(spec)  # dashes mean a partial year; these bars are months


def test_the_plans_series_are_counted_in_one_query():
    """plan_figures reads every category at once; each series gets the same figures as counted alone."""
    rows = {
        (m, c): n
        for m, c, n in [(JAN, "Drugs", 4), (JAN, "Possession of weapons", 1), (JAN, "Anti-social behaviour", 9)]
    }
    calls = []

    def run_query(name, *, first, last, crime_types):
        calls.append(tuple(crime_types))
        return pd.DataFrame(
            [{"month": JAN, "crime_type": c, "incidents": rows.get((JAN, c), 0)} for c in crime_types],
            columns=["month", "crime_type", "incidents"],
        )

    plan = current_plan(load_plans())
    period = Period(JAN, JAN, "January")
    together = pr.plan_figures(run_query, plan, period, [JAN], 1000)
    assert len(calls) == 1
    assert sorted(calls[0]) == sorted(
        ["Anti-social behaviour", "Violence and sexual offences", "Drugs", "Possession of weapons"]
    )
    counts = {p: [(f.series.label, f.count) for f in found] for p, found in together.items()}
    assert counts == {
        "p24_1": [("Anti-social behaviour", 9)],
        "p24_2": [("Violence and sexual offences", 0)],
        "p24_3": [("Drugs", 4), ("Possession of weapons", 1)],
        "p24_4": [],
    }
    alone = pr.indicator_figures(run_query, pr.series_for_category("Drugs"), period, [JAN], 1000)
    assert (alone.count, alone.rate_per_1000, alone.change_text) == (
        together["p24_3"][0].count,
        together["p24_3"][0].rate_per_1000,
        together["p24_3"][0].change_text,
    )


def test_ons_source_in_words_with_its_years():
    table = pd.DataFrame({"year_ending": [date(2025, 6, 30)]})
    assert pr.ons_source_text(table) == (
        "Office for National Statistics, Crime in England and Wales: police recorded crime by community safety "
        "partnership, year ending June 2025 (Open Government Licence)."
    )
    table = pd.DataFrame({"year_ending": [date(2025, 6, 30), date(2024, 6, 30), date(2024, 12, 31)]})
    assert pr.ons_source_text(table) == (
        "Office for National Statistics, Crime in England and Wales: police recorded crime by community safety "
        "partnership, year ending June 2024 to June 2025 (Open Government Licence)."
    )
