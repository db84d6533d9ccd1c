"""Ward map figures without Streamlit: ordinals, class breaks, palettes, the ward table, sentences, the map."""

from __future__ import annotations

import itertools
import json
from datetime import date

import numpy as np
import pandas as pd
import pytest
import shapely

from csp_data import maps
from csp_data.change import compare_counts, describe_change
from csp_data.charts.colours import hex_to_rgb
from csp_data.config import load_area
from csp_data.figures import ward_classes
from csp_data.figures import wards as wardmap
from csp_data.periods import Period, calendar_year, financial_year
from csp_data.series import ALL_ASB, ALL_CRIME, Counted, choice_for_key, counted_choices  # noqa: F401
from csp_data.words import ordinal
from helpers import MEDWAY_AREA_FILE

JAN, DEC = date(2025, 1, 1), date(2025, 12, 1)
YEAR_2025 = calendar_year(2025)
LOADED_2025 = [date(2025, m, 1) for m in range(1, 13)]
LOADED_2024_2025 = [date(2024, m, 1) for m in range(1, 13)] + LOADED_2025


@pytest.fixture(scope="module")
def area():
    return load_area(MEDWAY_AREA_FILE)


# --------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number, expected",
    [
        (0, "0th"),
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (10, "10th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (24, "24th"),
        (101, "101st"),
        (111, "111th"),
        (112, "112th"),
        (122, "122nd"),
    ],
)
def test_ordinal(number, expected):
    assert ordinal(number) == expected


@pytest.mark.parametrize("bad", [-1, 1.5, True, "2"])
def test_ordinal_rejects(bad):
    with pytest.raises((ValueError, TypeError)):
        ordinal(bad)


def test_period_phrase():
    assert wardmap.period_phrase(YEAR_2025) == "in 2025"
    assert wardmap.period_phrase(financial_year(2024)) == "in 2024/25"
    assert (
        wardmap.period_phrase(Period(date(2024, 7, 1), date(2025, 6, 1), "Latest 12 months"))
        == "in the 12 months to Jun 2025"
    )
    assert wardmap.period_phrase(Period(date(2025, 3, 1), date(2025, 3, 1), "March")) == "in Mar 2025"
    assert wardmap.period_phrase(Period(date(2025, 2, 1), date(2025, 4, 1), "Q")) == "from Feb 2025 to Apr 2025"


def test_counted_choices_put_crime_then_asb_then_categories():
    filters = counted_choices(["Shoplifting", "Anti-social behaviour", "Burglary", "Shoplifting"])
    assert [f.key for f in filters] == ["crime", "asb", "crime:Burglary", "crime:Shoplifting"]
    assert filters[2] == Counted("crime", "Burglary", "Burglary", "burglary")
    assert choice_for_key("asb", filters) is ALL_ASB
    with pytest.raises(KeyError, match="unknown crime type choice"):
        choice_for_key("crime:Arson", filters)


# --------------------------------------------------------------------------------------------
# Class breaks and colours
# --------------------------------------------------------------------------------------------


def _brute_force_breaks(values, k):
    """Every way of cutting the sorted distinct values into k runs; the one with least squared deviation."""
    array = np.sort(np.asarray(values, dtype=float))
    distinct = np.unique(array)
    best, best_uppers = np.inf, None
    for cuts in itertools.combinations(range(1, len(distinct)), k - 1):
        edges = [0, *cuts, len(distinct)]
        total = 0.0
        for a, b in zip(edges, edges[1:]):
            members = array[(array >= distinct[a]) & (array <= distinct[b - 1])]
            total += ((members - members.mean()) ** 2).sum()
        if total < best - 1e-9:
            best, best_uppers = total, [float(distinct[b - 1]) for b in edges[1:]]
    return best_uppers


@pytest.mark.parametrize("seed", range(8))
def test_natural_breaks_are_optimal(seed):
    rng = np.random.default_rng(seed)
    values = np.round(rng.lognormal(5, 0.8, size=14))
    for k in (2, 3, 4, 5):
        assert ward_classes.natural_breaks(values, k) == _brute_force_breaks(values, k)


def test_natural_breaks_on_skewed_counts_isolate_the_top():
    counts = [
        3325,
        3185,
        1901,
        1722,
        1567,
        1522,
        1268,
        1250,
        1008,
        940,
        836,
        799,
        693,
        664,
        635,
        606,
        512,
        507,
        477,
        456,
        377,
        335,
        265,
        228,
    ]
    assert ward_classes.natural_breaks(counts, 5) == [512.0, 836.0, 1268.0, 1901.0, 3325.0]
    # Quantiles would lump 1,722 with 3,325 in the top class.
    assert ward_classes.quantile_breaks(counts, 5)[-2] < 1722


def test_natural_breaks_never_split_ties_and_handle_few_values():
    values = [0, 0, 0, 0, 0, 0, 1, 1, 1, 5, 5, 9]
    uppers = ward_classes.natural_breaks(values, 3)
    assert len(uppers) == len(set(uppers)) == 3 and set(uppers) <= {0.0, 1.0, 5.0, 9.0}
    assert ward_classes.natural_breaks([0, 0, 2, 2, 2], 5) == [0.0, 2.0]  # two distinct values, two classes
    assert ward_classes.natural_breaks([7, 7, 7], 5) == [7.0]
    assert ward_classes.natural_breaks([], 5) == []
    assert ward_classes.natural_breaks([3, None, float("nan"), 1], 5) == [1.0, 3.0]
    with pytest.raises(ValueError, match="classes should be a whole number"):
        ward_classes.natural_breaks([1, 2], 0)


def test_palettes():
    assert ward_classes.sequential_colours(5) == ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"]
    assert ward_classes.sequential_colours(2) == ["#fde725", "#440154"]
    assert len(ward_classes.sequential_colours(1)) == 1 and ward_classes.sequential_colours(0) == []
    # Light to dark: each colour darker (lower luminance) than the one before.
    luminance = [0.2126 * r + 0.7152 * g + 0.0722 * b for r, g, b in map(hex_to_rgb, wardmap.SEQUENTIAL_PALETTE)]
    assert luminance == sorted(luminance, reverse=True)
    assert len(wardmap.DIVERGING_PALETTE) == len(wardmap.CHANGE_CLASSES) == 5
    assert hex_to_rgb("#21918c") == [33, 145, 140]
    with pytest.raises(ValueError, match="#rrggbb"):
        hex_to_rgb("#fff")


def test_format_rate():
    assert wardmap.format_rate(186.74) == "186.7"
    assert wardmap.format_rate(0.052) == "0.05"
    assert wardmap.format_rate(None) == "–" and wardmap.format_rate(float("nan")) == "–"


# --------------------------------------------------------------------------------------------
# The ward table, from a fake run_query with exact rows
# --------------------------------------------------------------------------------------------

WARDS = [("W1", "Alpha", 1000), ("W2", "Beta", 2000), ("W3", "Gamma", 500), ("W4", "Delta", 4000)]


def fake_counts(counts: dict[str, int], population: bool, area_extra: int = 0) -> pd.DataFrame:
    total = sum(counts.values()) + area_extra
    frame = pd.DataFrame(
        {
            "ward_code": [w[0] for w in WARDS],
            "ward_name": [w[1] for w in WARDS],
            "incidents": [counts.get(w[0], 0) for w in WARDS],
            "population": [w[2] if population else None for w in WARDS],
        }
    )
    frame["share"] = frame["incidents"] / total if total else np.nan
    frame["rank"] = frame["incidents"].rank(ascending=False, method="min").astype(int)
    frame["area_incidents"] = total
    return frame.sort_values(["incidents", "ward_name"], ascending=[False, True]).reset_index(drop=True)


class FakeQueries:
    """Answers ``ward_counts`` from a table of counts by (first month, kind, vintage)."""

    def __init__(self, counts: dict[tuple[date, str], dict[str, int]], area_extra: int = 0):
        self.counts = counts
        self.area_extra = area_extra
        self.calls: list[tuple] = []

    def __call__(self, name, **params):
        self.calls.append((name, tuple(sorted(params.items()))))
        assert name == "ward_counts"
        counts = self.counts.get((params["first"], params["kind"]), {})
        return fake_counts(counts, population=params["vintage"] == "2023", area_extra=self.area_extra)


def test_ward_table_counts_rates_and_ranks(area):
    queries = FakeQueries({(JAN, "crime"): {"W1": 30, "W2": 30, "W3": 10}}, area_extra=5)
    table = wardmap.build_ward_table(queries, area, "2023", YEAR_2025, ALL_CRIME, LOADED_2025)
    frame = table.frame
    assert list(frame["ward_code"]) == ["W1", "W2", "W3", "W4"]
    assert list(frame["incidents"]) == [30, 30, 10, 0]  # a ward with none is 0, not missing
    assert list(frame["rank"]) == [1, 1, 3, 4] and list(frame["tied"]) == [True, True, False, False]
    assert list(frame["rate_per_1000"]) == pytest.approx([30.0, 15.0, 20.0, 0.0])
    assert list(frame["rate_rank"]) == [1, 3, 2, 4]
    assert table.area_total == 75 and table.in_no_ward == 5
    assert table.area_population == 7500 and table.area_rate == pytest.approx(10.0)
    assert table.population_year == "mid-2022"
    assert "mid-2022" in table.rate_note and "7,500 residents" in table.rate_note
    # Only 2025 is loaded: no change, and why.
    assert table.previous is None and table.area_change is None
    assert (
        table.change_note
        == "No change is given for crime: none of the previous 12 months (Jan 2024 to Dec 2024) is loaded."
    )
    assert frame["change_percent"].isna().all() and frame["previous_incidents"].isna().all()
    assert len(queries.calls) == 1


def test_ward_table_earlier_vintage_gives_counts_only(area):
    queries = FakeQueries({(JAN, "crime"): {"W1": 3}})
    table = wardmap.build_ward_table(queries, area, "2022", YEAR_2025, ALL_CRIME, LOADED_2025)
    assert not table.has_rates and table.area_rate is None and table.area_population is None
    assert table.frame["rate_per_1000"].isna().all() and table.frame["population"].isna().all()
    assert table.rate_note == (
        "Only counts are available for the Wards before May 2023 (22): population estimates are held only "
        "for the Wards from May 2023 (24), so no rates are given for these wards."
    )
    measure, note = wardmap.effective_measure(table, "rate")
    assert measure == "count" and note.endswith("The map shows counts instead.")
    with pytest.raises(ValueError, match="rates cannot be mapped"):
        ward_classes.classify_wards(table, "rate")


def test_ward_table_change_uses_compare_counts(area):
    queries = FakeQueries(
        {
            (JAN, "crime"): {"W1": 120, "W2": 60, "W3": 5},
            (date(2024, 1, 1), "crime"): {"W1": 80, "W2": 61, "W4": 3},
        }
    )
    table = wardmap.build_ward_table(queries, area, "2023", YEAR_2025, ALL_CRIME, LOADED_2024_2025)
    assert (table.previous.first, table.previous.last) == (date(2024, 1, 1), date(2024, 12, 1))
    frame = table.frame.set_index("ward_code")
    for code, now, before in (("W1", 120, 80), ("W2", 60, 61), ("W3", 5, 0), ("W4", 0, 3)):
        change = compare_counts(now, before)
        assert frame.loc[code, "previous_incidents"] == before
        assert frame.loc[code, "change_verdict"] == change.verdict
        assert frame.loc[code, "change_text"] == describe_change(change)
    assert frame.loc["W1", "change_percent"] == pytest.approx(50.0)
    assert frame.loc["W1", "change_verdict"] == "rise"
    assert table.area_change == compare_counts(185, 144)

    classes = ward_classes.classify_wards(table, "change")
    labels = {e.label: (e.colour, e.wards) for e in classes.entries}
    assert classes.ward_colours["W1"] == wardmap.DIVERGING_PALETTE[4]  # real rise
    assert classes.ward_labels["W2"] == "Fall within normal variation"  # 60 against 61
    assert labels[wardmap.NO_COMPARISON_LABEL] == (wardmap.NO_DATA_COLOUR, 1)  # W3: none before
    assert classes.ward_labels["W4"] == "Fall within normal variation"  # 0 against 3: not enough to call real
    # Many wards each tested at 95%: the map says one in 20 can look real by chance (W3 has no comparison).
    assert classes.method.endswith(
        "Each of the 3 wards is tested on its own at 95%, so about one in 20 can show a real change by chance "
        "alone even when nothing has changed: read a single one with care."
    )
    from csp_data.change import chance_note

    assert chance_note(1, "wards") == "" and chance_note(0, "streets") == ""


def test_change_classes_follow_the_verdict():
    assert ward_classes._change_class("rise", 40.0) == "real_rise"
    assert ward_classes._change_class("fall", -40.0) == "real_fall"
    assert ward_classes._change_class("no_change_detected", 0.4) == "same"
    assert ward_classes._change_class("no_change_detected", -12.0) == "fall"
    assert ward_classes._change_class("no_change_detected", 12.0) == "rise"
    assert ward_classes._change_class("no_basis", float("nan")) is None


def test_change_falls_back_to_counts_without_a_previous_period(area):
    queries = FakeQueries({(JAN, "crime"): {"W1": 1}})
    table = wardmap.build_ward_table(queries, area, "2023", YEAR_2025, ALL_CRIME, LOADED_2025)
    measure, note = wardmap.effective_measure(table, "change")
    assert measure == "count" and note.startswith("No change is given") and note.endswith("counts instead.")
    assert wardmap.effective_measure(table, "count") == ("count", "")
    assert wardmap.effective_measure(table, "rate") == ("rate", "")
    with pytest.raises(ValueError, match="measure should be one of"):
        wardmap.effective_measure(table, "density")
    with pytest.raises(ValueError, match="change cannot be mapped"):
        ward_classes.classify_wards(table, "change")


def test_classify_counts_legend_and_colours(area):
    queries = FakeQueries({(JAN, "asb"): {"W1": 40, "W2": 38, "W3": 2}})
    table = wardmap.build_ward_table(queries, area, "2023", YEAR_2025, ALL_ASB, LOADED_2025)
    classes = ward_classes.classify_wards(table, "count", classes=3)
    assert [(e.label, e.wards) for e in classes.entries] == [("0", 1), ("2", 1), ("38 to 40", 2)]
    assert [e.colour for e in classes.entries] == ward_classes.sequential_colours(3)
    assert classes.ward_colours == {"W4": "#fde725", "W3": "#21918c", "W1": "#440154", "W2": "#440154"}
    assert classes.title == "Anti-social behaviour: number recorded"
    assert classes.method == "Natural breaks (Fisher–Jenks), 3 classes"
    rates = ward_classes.classify_wards(table, "rate", classes=2)
    assert [e.label for e in rates.entries] == ["0.0 to 19.0", "40.0"]  # one precision for the legend
    assert rates.title == "Anti-social behaviour per 1,000 residents"


def test_classify_all_zero(area):
    table = wardmap.build_ward_table(FakeQueries({}), area, "2023", YEAR_2025, ALL_CRIME, LOADED_2025)
    classes = ward_classes.classify_wards(table, "count")
    assert [(e.label, e.wards) for e in classes.entries] == [("0", 4)]
    assert classes.method == "1 classes: only 1 different values"
    assert wardmap.ward_summary_sentences(table, "W1") == ["No crime was recorded in Medway in 2025."]


def test_display_table_and_tooltips_hold_the_map_figures(area):
    queries = FakeQueries({(JAN, "crime"): {"W1": 30, "W2": 30, "W3": 10}}, area_extra=5)
    table = wardmap.build_ward_table(queries, area, "2023", YEAR_2025, ALL_CRIME, LOADED_2025)
    classes = ward_classes.classify_wards(table, "rate")
    display = ward_classes.ward_display_table(table, classes)
    assert list(display.columns) == [
        "rank",
        "ward",
        "ward_code",
        "incidents",
        "share_of_area_percent",
        "population",
        "rate_per_1000",
        "rate_rank",
        "map_class",
    ]
    assert display.loc[0].to_dict() == {
        "rank": 1,
        "ward": "Alpha",
        "ward_code": "W1",
        "incidents": 30,
        "share_of_area_percent": 40.0,
        "population": 1000,
        "rate_per_1000": 30.0,
        "rate_rank": 1,
        "map_class": classes.ward_labels["W1"],
    }
    tips = ward_classes.tooltip_fields(table)
    assert tips["W1"] == {
        "count_text": "Crime: 30 (40.0% of Medway)",
        "rate_text": "30.0 per 1,000 residents (rank 1 of 4)",
        "rank_text": "Rank joint 1 of 4 by count",
        "change_text": "",
    }
    assert tips["W4"]["count_text"] == "Crime: 0 (0.0% of Medway)"


# --------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------


def test_ward_summary_sentence(area):
    violence = Counted(
        "crime", "Violence and sexual offences", "Violence and sexual offences", "violence and sexual offences"
    )
    queries = FakeQueries({(JAN, "crime"): {"W1": 50, "W2": 30, "W3": 10, "W4": 10}})
    table = wardmap.build_ward_table(queries, area, "2023", YEAR_2025, violence, LOADED_2025)
    assert wardmap.ward_summary_sentences(table, "W2") == [
        "Beta had the 2nd highest count of violence and sexual offences of the 4 wards in 2025: 30, "
        "30.0% of Medway's total (100).",
        "Per 1,000 residents it had the 3rd highest rate: 15.0, against 13.3 for Medway as a whole "
        "(2,000 residents, mid-2022 estimate).",
    ]
    assert wardmap.ward_summary_sentences(table, "W1")[0].startswith("Alpha had the highest count of")
    assert wardmap.ward_summary_sentences(table, "W3")[0].startswith("Gamma had the joint 3rd highest count of")
    assert wardmap.ward_summary_sentences(table, "W3")[1].startswith(
        "Per 1,000 residents it had the 2nd highest rate: 20.0"
    )
    assert wardmap.ward_summary_sentences(table, "W1")[1].startswith(
        "Per 1,000 residents it had the highest rate: 50.0"
    )
    assert "the lowest rate" in wardmap.ward_summary_sentences(table, "W4")[1]
    with pytest.raises(KeyError, match="is not one of the Wards from May 2023"):
        wardmap.ward_summary_sentences(table, "E05000000")


def test_ward_summary_sentence_partial_period_and_earlier_wards(area):
    queries = FakeQueries({(JAN, "crime"): {"W1": 5, "W2": 7}})
    table = wardmap.build_ward_table(queries, area, "2022", YEAR_2025, ALL_CRIME, LOADED_2025[:3])
    sentences = wardmap.ward_summary_sentences(table, "W2")
    assert sentences[0] == (
        "Beta had the highest count of crime of the 4 wards in 2025 (a partial period: not every month is loaded): "
        "7, 58.3% of Medway's total (12)."
    )
    assert sentences[1] == table.rate_note


def test_top_wards_share():
    def run_query(name, **params):
        if params["kind"] == "crime":
            return fake_counts({"W1": 50, "W2": 20, "W3": 20, "W4": 10}, population=True, area_extra=100)
        return fake_counts({}, population=True)

    crime, asb = wardmap.top_wards_share(run_query, YEAR_2025, "2023", n=2)
    assert crime.wards == ("Alpha", "Beta") and crime.incidents == 70 and crime.area_total == 200
    assert crime.share == pytest.approx(0.35)
    assert crime.sentence == "The 2 wards with the most crime (Alpha and Beta) had 35% of it (70 of 200)."
    assert asb.share is None and asb.sentence == "No ASB was recorded in the period."


# --------------------------------------------------------------------------------------------
# The map
# --------------------------------------------------------------------------------------------


def test_ward_shapes_are_simplified_once_and_cover_medway(area):
    for vintage, count in (("2023", 24), ("2022", 22)):
        shapes = maps.ward_shapes(area.ward_vintage(vintage))
        assert maps.ward_shapes(area.ward_vintage(vintage)) is shapes  # cached, not re-read
        assert len(shapes.features) == count
        west, south, east, north = shapes.bounds
        assert 0.39 < west < east < 0.73 and 51.32 < south < north < 51.49
        geometries = [shapely.geometry.shape(f["geometry"]) for f in shapes.features]
        assert all(g.is_valid and not g.is_empty for g in geometries)
        points = sum(shapely.get_num_coordinates(g) for g in geometries)
        assert points < 3000  # simplified (the files hold 3,002 and 3,277 points)
        assert shapely.coverage_is_valid(np.array(geometries, dtype=object))  # neighbours still meet exactly
    assert maps.wards._shapes.cache_info().currsize >= 2


def test_fit_view_frames_medway():
    view = maps.fit_view((0.3973, 51.3279, 0.7235, 51.4873))
    assert view.longitude == pytest.approx(0.5604, abs=1e-3)
    assert 51.40 < view.latitude < 51.41
    assert 8.9 < view.zoom < 9.6  # fitted to a phone's width, so the whole area is on screen everywhere
    assert 9.9 < maps.fit_view((0.3973, 51.3279, 0.7235, 51.4873), width_px=760).zoom < 10.6
    with pytest.raises(ValueError, match="bounds should be"):
        maps.fit_view((1.0, 51.0, 0.5, 52.0))


def test_build_ward_map_offline_by_default(area):
    shapes = maps.ward_shapes(area.current_wards)
    codes = shapes.codes
    colours = {codes[0]: "#440154"}
    tips = {codes[0]: {"count_text": "Crime: 9", "rate_text": "r", "rank_text": "Rank 1 of 24", "change_text": ""}}
    deck = maps.build_ward_map(shapes, colours, tips, selected_ward=codes[0])
    spec = json.loads(deck.to_json())
    assert "mapProvider" not in spec and spec["mapStyle"] == "__MAP_STYLE__"  # no basemap to fetch
    layer, outline = spec["layers"]
    assert layer["id"] == maps.LAYER_ID and layer["pickable"] is True
    assert outline["id"] == maps.SELECTED_LAYER_ID and len(outline["data"]["features"]) == 1
    first, second = layer["data"]["features"][:2]
    assert first["properties"]["fill"] == [68, 1, 84, 255]
    assert first["properties"]["count_text"] == "Crime: 9"
    assert second["properties"]["fill"] == hex_to_rgb("#bdbdbd") + [255]  # not listed: no data
    assert "{ward_name}" in deck._tooltip["html"] and "{rank_text}" in deck._tooltip["html"]
    # The cached features are not changed by building a map.
    assert set(shapes.features[0]["properties"]) == {"ward_code", "ward_name"}
    with_basemap = json.loads(maps.build_ward_map(shapes, colours, tips, basemap=True).to_json())
    assert with_basemap["mapProvider"] == "carto" and len(with_basemap["layers"]) == 1


def test_selected_ward_code():
    state = {"selection": {"indices": {"wards": [3]}, "objects": {"wards": [{"properties": {"ward_code": "E1"}}]}}}
    assert maps.selected_ward_code(state) == "E1"
    assert maps.selected_ward_code({"selection": {"indices": {}, "objects": {}}}) is None
    assert maps.selected_ward_code(None) is None
    assert maps.selected_ward_code({"selection": {"objects": {"wards": [{"type": "Feature"}]}}}) is None


class PeriodQueries:
    """Answers ``ward_counts`` from a table of counts by (first month, last month, kind)."""

    def __init__(self, counts: dict[tuple[date, date, str], dict[str, int]]):
        self.counts = counts

    def __call__(self, name, **params):
        assert name == "ward_counts"
        counts = self.counts.get((params["first"], params["last"], params["kind"]), {})
        return fake_counts(counts, population=params["vintage"] == "2023")


@pytest.mark.parametrize(
    ("earlier", "now", "before", "expected"),
    [
        (  # Jan–Apr 2024 beside all of 2025: not the year's 300 against the four months' 100
            [date(2024, m, 1) for m in range(1, 5)],
            ((JAN, date(2025, 4, 1)), 110),
            ((date(2024, 1, 1), date(2024, 4, 1)), 100),
            "Comparing Jan 2025 to Apr 2025 with Jan 2024 to Apr 2024 (the months loaded in both periods: 110 "
            "against 100)",
        ),
        (  # no 2024 at all: the comparison reaches back to 2022, and says so
            [date(2022, m, 1) for m in range(1, 12)],
            ((JAN, date(2025, 11, 1)), 280),
            ((date(2022, 1, 1), date(2022, 11, 1)), 200),
            "Comparing Jan 2025 to Nov 2025 with Jan 2022 to Nov 2022 (three-year comparison: 280 against 200)",
        ),
    ],
    ids=["some months", "three years back"],
)
def test_the_ward_change_names_the_months_it_compares(area, earlier, now, before, expected):
    queries = PeriodQueries(
        {(JAN, DEC, "crime"): {"W1": 300}, (*now[0], "crime"): {"W1": now[1]}, (*before[0], "crime"): {"W1": before[1]}}
    )
    table = wardmap.build_ward_table(queries, area, "2023", YEAR_2025, ALL_CRIME, earlier + LOADED_2025)
    change = describe_change(compare_counts(now[1], before[1]))
    assert wardmap.ward_summary_sentences(table, "W1")[-1] == f"{expected}, crime in Alpha {change}."
    # The map's legend names the same months, not the whole periods ("Jan 2025 to Dec 2025 against ... 2024").
    spans = (
        f"{expected.split(' with ')[0].removeprefix('Comparing ')} against {expected.split(' with ')[1].split(' (')[0]}"
    )
    three_years = "three-year" in expected
    # A three-year comparison says so beside the map and in its legend (the legend's months alone had not).
    assert ward_classes.classify_wards(table, "change").title == f"Change in crime, {spans}" + (
        " (three-year comparison)" if three_years else ""
    )
    assert (
        "This is a three-year comparison (Jan 2022 to Dec 2022), because no month of the year before is "
        "loaded." in table.change_note
    ) == three_years


def test_the_ward_change_over_whole_periods_is_against_the_previous_equal_period(area):
    queries = PeriodQueries(
        {(JAN, DEC, "crime"): {"W1": 120}, (date(2024, 1, 1), date(2024, 12, 1), "crime"): {"W1": 80}}
    )
    table = wardmap.build_ward_table(queries, area, "2023", YEAR_2025, ALL_CRIME, LOADED_2024_2025)
    assert wardmap.ward_summary_sentences(table, "W1")[-1] == (
        f"Against the previous equal period (Jan 2024 to Dec 2024: 80), crime in Alpha "
        f"{describe_change(compare_counts(120, 80))}."
    )
    assert (
        ward_classes.classify_wards(table, "change").title
        == "Change in crime, Jan 2025 to Dec 2025 against Jan 2024 to Dec 2024"
    )


def test_a_wards_rate_reads_the_same_in_its_row_and_its_map_class(area):
    """203 incidents over 20,000 residents is 10.149999… per 1,000: the row rounded it twice (to 10.15, then
    10.2) beside a map class of "… to 10.1". One rounding, as the legend's."""
    from csp_data.tables import RATE, cell_text

    queries = FakeQueries({(JAN, "crime"): {"W1": 30, "W2": 30, "W3": 10}})
    table = wardmap.build_ward_table(queries, area, "2023", YEAR_2025, ALL_CRIME, LOADED_2025)
    table.frame["rate_per_1000"] = [203 / 20_000 * 1000, 5.0, 2.0, 0.0]
    assert 203 / 20_000 * 1000 < 10.15
    classes = ward_classes.classify_wards(table, "rate", classes=2)
    display = ward_classes.ward_display_table(table, classes)
    shown = cell_text(display.loc[0, "rate_per_1000"], RATE)
    assert shown == "10.1" and classes.ward_labels[display.loc[0, "ward_code"]].endswith("10.1")
