"""What the Benchmarking page says, on small hand-made tables: ranks and rank changes in words, rates to one
precision, the jargon explained, the sources without file names, the text alternatives (issue 14); and the
faster rank history, table order and count of rounding differences (issue 16) against plain calculations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from csp_data import benchmarks as bm
from csp_data.benchmarks.groups import OFFENCE_KEYS, TIDY_COLUMNS
from csp_data.benchmarks.notes import _shown_differently
from csp_data.benchmarks.rates import typed
from csp_data.words import rank_of, rank_phrase

DEC_2023, DEC_2024 = pd.Timestamp("2023-12-31"), pd.Timestamp("2024-12-31")
# Four CSPs; rate = count / population x 1,000 exactly (population 10,000): 2024 rates 100, 90, 80, 70.
CSPS = {"E1": "Alpha", "E2": "Beta", "E3": "Gamma", "E4": "Delta"}
COUNTS = {
    DEC_2023: {"E1": 800, "E2": 950, "E3": 700, "E4": 600},
    DEC_2024: {"E1": 1000, "E2": 900, "E3": 800, "E4": 700},
}


def tidy(counts: dict = COUNTS, source_files: dict | None = None) -> pd.DataFrame:
    """A tidy benchmark table: total crime only, every rate computed from a population of 10,000."""
    rows = []
    for period, by_csp in counts.items():
        for code, count in by_csp.items():
            rows.append(
                {
                    "csp_code": code,
                    "csp_name": CSPS[code],
                    "force_code": "F1",
                    "force_name": "Force",
                    "la_codes": f"E06{code}",
                    "period_end": period,
                    "offence_group": "total_excl_fraud",
                    "offence_label": "Total recorded crime (excluding fraud)",
                    "parent_group": None,
                    "count": count,
                    "population": 10_000,
                    "population_year": 2022,
                    "population_source": "ONS",
                    "rate_per_1000": count / 10,
                    "rate_source": bm.RATE_COMPUTED,
                    "rate_population": 10_000.0,
                    "published_rate_per_1000": np.nan,
                    "source_file": (source_files or {}).get(period, "tables.xlsx"),
                    "source_table": "Table C2",
                }
            )
    return typed(pd.DataFrame(rows))


def summary(area: str = "E1", period=DEC_2024, counts: dict = COUNTS) -> bm.GroupSummary:
    return bm.group_summary(tidy(counts), area, [c for c in CSPS if c != area], period)


# -- ranks and changes in words -----------------------------------------------------------------


def test_rank_phrase_never_says_1st_highest():
    assert rank_phrase(1, 14) == "the highest rate"
    assert rank_phrase(5, 14) == "the 5th highest rate"
    assert rank_phrase(14, 14) == "the lowest rate"
    assert rank_phrase(2, 14, tied=True) == "the joint 2nd highest rate"
    assert rank_phrase(1, 14, "count", tied=True) == "the joint highest count"
    assert rank_phrase(1, 1) == "the highest rate"
    # Short, for the pack's cover and the Overview's table ("1st highest of 2" for the City of London's group).
    assert [rank_of(1, 2), rank_of(5, 14), rank_of(14, 14), rank_of(2, 14, tied=True)] == [
        "highest of 2",
        "5th highest of 14",
        "lowest of 14",
        "joint 2nd highest of 14",
    ]


def test_rank_change_in_words():
    assert bm.rank_change_words(2) == "2 places higher, a worse position"
    assert bm.rank_change_words(-1) == "1 place lower, a better position"
    assert bm.rank_change_words(0) == "no change"
    assert bm.rank_change_words(pd.NA) == ""


def test_rates_share_one_precision():
    assert bm.rate_decimals([97.47, 80.23, 5.2]) == 1
    assert bm.rate_decimals([0.5, 0.8, 1.2]) == 2  # median 0.8
    assert bm.rate_decimals([0.014, 0.02, np.nan]) == 3
    assert bm.rate_decimals([]) == 1
    assert bm.rate_text(1234.56, 1) == "1,234.6"
    assert bm.rate_text(0.0137) == "0.014"


def test_the_position_says_highest_lowest_and_joint_in_words():
    top = bm.describe_position(summary("E1"), "Alpha")  # 100 per 1,000, the highest of 100, 90, 80, 70
    assert top.startswith(
        "Alpha's total recorded crime (excluding fraud) rate, 100.0 per 1,000 residents in the year ending "
        "December 2024, is **above** the group average of 85.0: its 95% confidence interval, "
    )
    assert "(the range its rate could plausibly take through chance alone)" in top
    assert top.endswith("It has the highest rate of the 4 CSPs in the group.") and "1st" not in top
    assert bm.describe_position(summary("E4"), "Delta").endswith("It has the lowest rate of the 4 CSPs in the group.")
    assert bm.describe_position(summary("E2"), "Beta").endswith(
        "It has the 2nd highest rate of the 4 CSPs in the group."
    )
    tied = {**COUNTS, DEC_2024: {"E1": 1000, "E2": 900, "E3": 900, "E4": 700}}
    text = bm.describe_position(summary("E2", counts=tied), "Beta")
    assert text.endswith("It has the joint 2nd highest rate of the 4 CSPs in the group.")


def without_rate(frame: pd.DataFrame, code: str, periods=(DEC_2023, DEC_2024)) -> pd.DataFrame:
    """``frame`` with no rate for ``code`` in ``periods``, as ONS gives none for City of London."""
    frame = frame.copy()
    frame.loc[(frame["csp_code"] == code) & frame["period_end"].isin(periods), "rate_per_1000"] = np.nan
    return frame


def test_a_peer_without_a_rate_is_named_and_left_out_of_the_average_and_ranks():
    frame = without_rate(tidy(), "E4")
    # 2024 rates with one: Alpha 100, Beta 90, Gamma 80 (Delta none): average 90, Alpha the highest of 3.
    text = bm.describe_position(bm.group_summary(frame, "E1", ["E2", "E3", "E4"], DEC_2024), "Alpha")
    assert "group average of 90.0" in text
    assert text.endswith(
        "It has the highest rate of the 3 CSPs in the group with a rate. Delta has no total recorded crime "
        "(excluding fraud) rate in the year ending December 2024 (ONS publishes none), so it is left out of the "
        "average and the ranks."
    )
    alone = bm.describe_position(bm.group_summary(frame, "E1", ["E4"], DEC_2024), "Alpha")
    assert alone == (
        "Alpha's total recorded crime (excluding fraud) rate, 100.0 per 1,000 residents in the year ending "
        "December 2024, has no peer with a rate to be compared with: Delta has no total recorded crime (excluding "
        "fraud) rate in the year ending December 2024 (ONS publishes none), so it is left out of the average and "
        "the ranks. Choose another peer CSP."
    )
    three = bm.group_summary(frame, "E1", ["E2", "E3", "E4"], DEC_2024)
    # Exact Poisson 95% intervals: 1,000 -> about 94 to 106 (above 90), 900 -> 84 to 96 (includes it), 800 -> 75
    # to 86 (below it); Delta, with no rate, is on the map too.
    assert bm.describe_map_alt(three, "Alpha") == (
        "Map of England and Wales showing where the 4 CSPs of the group are, each coloured by how its total "
        "recorded crime (excluding fraud) rate per 1,000 residents in the year ending December 2024 compares with "
        "the group average: 1 above average, 1 not significantly different, 1 below average and 1 with no rate. "
        "Alpha is ringed in black. The group table gives the same figures."
    )
    # No peer at all: as before.
    assert bm.describe_position(bm.group_summary(frame, "E1", [], DEC_2024), "Alpha").endswith(
        "has no peers to be compared with: choose at least one peer CSP."
    )
    # 2023 with one: Beta 95 > Alpha 80 > Gamma 70; 2024: Alpha 100 > Beta 90 > Gamma 80.
    assert bm.describe_rank_history(bm.rank_history(frame, "E1", ["E2", "E3", "E4"]), "Alpha") == (
        "Alpha's rank among the 3 of the group's 4 CSPs with a rate (1st = the highest rate): 2nd in the year "
        "ending December 2023 and 1st in the year ending December 2024. From the year ending December 2023 to the "
        "year ending December 2024 it moved 1 place higher, a worse position."
    )
    # A rate in 2024 only: 3 ranked in 2023, all 4 in 2024 (Alpha 100 > Beta 90 > Gamma 80 > Delta 70).
    one_year = without_rate(tidy(), "E4", [DEC_2023])
    assert bm.describe_rank_history(bm.rank_history(one_year, "E1", ["E2", "E3", "E4"]), "Alpha").startswith(
        "Alpha's rank among the CSPs of the group of 4 with a rate each year (1st = the highest rate): 2nd of 3 in "
        "the year ending December 2023 and 1st of 4 in the year ending December 2024."
    )


def test_headline_rates_to_one_decimal_place():
    metrics = {m.label: m.value for m in bm.headline_metrics(summary("E1"), "Alpha")}
    assert metrics["Alpha: rate per 1,000"] == "100.0"
    assert metrics["Group average (4 CSPs)"] == "85.0"  # (100 + 90 + 80 + 70) / 4
    assert metrics["% change on the previous year"] == "+25.0%"  # 800 -> 1,000


def test_national_ranks_in_words():
    sentences = bm.describe_national(summary("E1"), "Alpha")
    assert sentences[0] == (
        "Among the 4 CSPs in England and Wales with a rate, Alpha has the highest total recorded crime "
        "(excluding fraud) rate."
    )
    assert sentences[1].endswith("(a single council for all local services), it has the highest rate.")
    # A Welsh council (W06) is a unitary authority too: the sentence must not say it is not one.
    welsh = tidy().assign(la_codes=lambda f: f["la_codes"].where(f["csp_code"] != "E1", "W06000015"))
    sentences = bm.describe_national(bm.group_summary(welsh, "E1", ["E2", "E3", "E4"], DEC_2024), "Cardiff")
    assert sentences[1] == (
        "Cardiff is not one of the CSPs that are each one English unitary authority (a single council for all "
        "local services, in England), so it has no rank in that group."
    )


def test_the_rank_history_reads_in_words():
    frame = tidy()
    history = bm.rank_history(frame, "E1", ["E2", "E3", "E4"])
    # 2023: Beta 95 > Alpha 80 > Gamma 70 > Delta 60; 2024: Alpha 100 > Beta 90 > Gamma 80 > Delta 70.
    assert bm.describe_rank_history(history, "Alpha") == (
        "Alpha's rank in the group of 4 (1st = the highest rate): 2nd in the year ending December 2023 and 1st "
        "in the year ending December 2024. From the year ending December 2023 to the year ending December 2024 it "
        "moved 1 place higher, a worse position."
    )
    table = bm.rank_history_table(history)
    assert list(table.columns) == [
        "CSP",
        "Rank, year ending December 2023",
        "Rank, year ending December 2024",
        "Change in rank since the year ending December 2023",
        "Rate per 1,000, year ending December 2023",
        "Rate per 1,000, year ending December 2024",
        "CSP code",
    ]
    changes = dict(zip(table["CSP"], table["Change in rank since the year ending December 2023"]))
    assert changes == {
        "Alpha": "1 place higher, a worse position",
        "Beta": "1 place lower, a better position",
        "Delta": "no change",
        "Gamma": "no change",
    }
    assert bm.rank_column_labels(history) == {
        "Rank, year ending December 2023": (
            "Year to Dec 2023",
            "Rank in the group in the year ending December 2023 (1 = the highest rate)",
        ),
        "Rank, year ending December 2024": (
            "Year to Dec 2024",
            "Rank in the group in the year ending December 2024 (1 = the highest rate)",
        ),
    }
    caption = bm.describe_rank_table(table, [DEC_2023, DEC_2024])
    assert '"Year to Dec 2023" is the year ending December 2023.' in caption and "a worse position" in caption
    same = bm.rank_history(frame, "E3", ["E4"])  # Gamma above Delta in both years
    assert bm.describe_rank_history(same, "Gamma").endswith(
        "Its rank in the year ending December 2024 is the same as in the first."
    )


def test_rank_history_ranks_as_each_year_s_group_summary():
    tied = {**COUNTS, DEC_2023: {"E1": 800, "E2": 800, "E3": 700, "E4": 600}}
    frame = tidy(tied)
    history = bm.rank_history(frame, "E3", ["E1", "E2"]).set_index("csp_code")
    # 2023: Alpha and Beta tie at 80 (both 1st), Gamma 70 is 3rd; 2024: 100, 90, 80.
    assert history["rank YE Dec 2023"].tolist() == [3, 1, 1]
    assert history["rank YE Dec 2024"].tolist() == [3, 1, 2]
    assert history["rank change YE Dec 2023 to YE Dec 2024"].tolist() == [0, 0, -1]
    assert history.index.tolist() == ["E3", "E1", "E2"]  # the area, then its peers by name
    assert history["rate YE Dec 2024"].tolist() == [80.0, 100.0, 90.0]
    gone = frame[~((frame["csp_code"] == "E2") & (frame["period_end"] == DEC_2023))]
    with pytest.raises(bm.BenchmarkError, match="not in the year ending December 2023: E2"):
        bm.rank_history(gone, "E3", ["E1", "E2"])


# -- the notes: jargon, sources, alternatives -----------------------------------------------------


def test_the_opening_caption_explains_csp_and_most_similar_group():
    text = bm.describe_data(tidy())
    assert "Community Safety Partnership (CSP: the council, police and other local services working" in text
    assert "by default a Most Similar Group, the CSPs most like it in the make-up of their people and places" in text
    assert 'the "year ending December 2024" is January to December 2024' in text


def test_sources_name_no_files():
    frame = tidy(source_files={DEC_2023: "old.xlsx", DEC_2024: "c2_export.csv"})
    text = bm.describe_sources(frame, "E1", "Alpha")
    assert "(Tables C1–C5; the year ending December 2024 from a CSV export of Table C2), for the year ending " in text
    assert "for the year ending December 2023 and the year ending December 2024." in text
    assert not any(word in text for word in ("old.xlsx", "c2_export", ".csv", ".parquet", "`", "[peers]"))


def test_unknown_peers_and_default_peers_are_said_without_configuration():
    assert bm.describe_unknown_peers(["Medway Towns"]) == (
        "The dashboard's list of default peers names 'Medway Towns', which matches no CSP in the ONS tables, so "
        "it is left out of the group. The site's maintainers can correct the list."
    )
    assert "'A', 'B', which match no CSP in the ONS tables, so they are left out" in bm.describe_unknown_peers(
        ["A", "B"]
    )
    for text in (bm.describe_default_peers("Alpha", ["Beta"]), bm.describe_default_peers("Alpha", [])):
        assert "area file" not in text and "[peers]" not in text


def test_text_alternatives_name_what_the_charts_and_map_show():
    from scipy.stats import chi2

    group = summary("E2")
    # Exact Poisson limits per 1,000 of 10,000 people: 1,000 offences 93.9-106.3 (above 85), 900 84.2-96.1 and
    # 800 74.6-85.8 (both include 85), 700 64.9-75.4 (below).
    limits = {n: (chi2.ppf(0.025, 2 * n) / 20, chi2.ppf(0.975, 2 * n + 2) / 20) for n in (1000, 900, 800, 700)}
    assert limits[1000][0] > 85 and limits[900][0] < 85 < limits[800][1] and limits[700][1] < 85
    assert bm.describe_dot_plot_alt(group, "Beta") == (
        "Dot plot of the total recorded crime (excluding fraud) rate per 1,000 residents in the year ending "
        "December 2024 for the 4 CSPs in the group, each with its 95% confidence interval as a bar, and a line at "
        "the group average of 85.0. Beta: 90.0, not significantly different. Against the average: 1 above "
        "average, 2 not significantly different and 1 below average. The group table gives the same figures."
    )
    assert bm.describe_map_alt(group, "Beta").startswith(
        "Map of England and Wales showing where the 4 CSPs of the group are, each coloured by how its total "
        "recorded crime (excluding fraud) rate per 1,000 residents in the year ending December 2024 compares"
    )
    assert "Beta is ringed in black" in bm.describe_map_alt(group, "Beta")
    strip = bm.describe_strip_chart_alt(group, "Beta")
    assert strip.startswith("Strip chart of the total recorded crime (excluding fraud) rate per 1,000 residents")
    assert "with Beta marked in black (2 of 4, 1 = highest)." in strip


def test_the_group_caption_and_national_table_headings():
    group = summary("E1")
    assert "The group average, 85.0, is the mean of the 4 CSP rates, Alpha included, each" in bm.describe_group_table(
        group, "Alpha"
    )
    national = bm.national_table(tidy(), DEC_2024)
    national.loc[0, "rate_population"] = 10_000.4
    shown = bm.national_display_table(national)
    assert list(shown.columns) == list(bm.NATIONAL_HEADINGS.values())
    assert shown["CSP"].tolist() == ["Alpha", "Beta", "Gamma", "Delta"]
    assert shown["Population behind the rate"].tolist() == [10_000] * 4


def test_a_published_table_s_top_rank_reads_highest():
    published = bm.PublishedSummary(
        "total_excl_fraud",
        DEC_2024,
        pd.DataFrame({"rate_per_1000": [10.0, 5.0], "csp_name": ["Alpha", "Beta"]}),
        7.5,
        10.0,
        1,
        2,
    )
    assert bm.describe_published(published, "Alpha").endswith("Alpha: 10.0, **highest of 2**.")


# -- the faster code gives what the plain code gives ----------------------------------------------


def test_rounding_differences_are_counted_as_formatting_counts_them():
    rng = np.random.default_rng(7)
    first = np.round(rng.uniform(-5, 500, 20_000), 3)
    second = first + rng.choice([0, 0.001, 0.004, 0.005, -0.005, 0.0049], first.size)
    edges_first = [0.125, 0.135, 1.005, 2.675, -0.001, np.nan, np.nan, 97.47012, 0.0]
    edges_second = [0.13, 0.135, 1.0, 2.67, 0.001, 1.0, np.nan, 97.4649, -0.0]
    first, second = np.append(first, edges_first), np.append(second, edges_second)
    expected = sum(f"{a:.2f}" != f"{b:.2f}" for a, b in zip(first, second))
    assert _shown_differently(first, second) == expected


def test_tables_are_put_in_period_csp_and_ons_offence_order():
    frame = tidy()
    extra = frame.assign(offence_group="homicide")
    rows = pd.concat([frame, extra]).sample(frac=1, random_state=3)
    ordered = typed(rows)
    rank = {key: position for position, key in enumerate(OFFENCE_KEYS)}
    keys = sorted(
        zip(rows["period_end"], rows["csp_code"], rows["offence_group"]), key=lambda k: (k[0], k[1], rank[k[2]])
    )
    assert list(zip(ordered["period_end"], ordered["csp_code"], ordered["offence_group"])) == keys
    assert list(ordered.columns) == list(TIDY_COLUMNS)
    # the order does not depend on the order given
    pd.testing.assert_frame_equal(ordered, typed(rows.sample(frac=1, random_state=11)))
