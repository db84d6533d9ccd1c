"""The Residents' survey page's charts, tables and words (issues 14 and 16): each survey year in its one
colour, shares drawn from zero, answers wrapped so they fit a phone, one precision for the percentages of
a table or chart, a text alternative naming every figure drawn, the terms of a weighted table explained
where they appear, and a sentence (no grid, no download) where there is nothing to show.

The surveys and respondents are small ones written here; every expected value is written out by hand.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from csp_data import survey as sv
from csp_data.charts.colours import contrast_ratio, year_colour
from csp_data.ui import survey as survey_ui
from helpers import ROOT, ShownTable, open_folds, shown_tables

APP = str(ROOT / "app.py")
AREA_DIR = ROOT / "data" / "medway"
QUESTION = "Which of these are problems?"


def source() -> dict:
    return {"doc": "test.txt", "section": "Test"}


def survey(year: int, questions: list[dict]) -> dict:
    return {
        "schema_version": 1,
        "survey": {
            "id": f"survey_{year}",
            "year": year,
            "title": f"Survey {year}",
            "source": source(),
            "samples": [{"id": "main", "description": "Everyone.", "source": source()}],
            "questions": questions,
        },
    }


def question(answers: list[dict], *, id: str = "issues", compare_key: str | None = "issues", text=QUESTION) -> dict:
    return {
        "id": id,
        "compare_key": compare_key,
        "text": text,
        "sample": "main",
        "answer_type": "multiple_choice",
        "source": source(),
        "answers": answers,
    }


def answer(option: str, percentage: float | None, reported_as: str | None = None) -> dict:
    found = {"option": option, "percentage": percentage}
    return found if reported_as is None else {**found, "reported_as": reported_as}


#: 2016 gave a figure to one decimal place (51.5); 2024 named one answer without a figure.
EARLIER = survey(2016, [question([answer("People using drugs", 57), answer("People dropping litter", 51.5)])])
LATER = survey(
    2024,
    [
        question([answer("People using drugs", 70), answer("Speeding", None, "often named")]),
        question(
            [answer("Kent Police", None, "most often"), answer("Medway Council", None, "less often")],
            id="tell",
            compare_key=None,
            text="Who would you tell?",
        ),
    ],
)


def write(tmp_path, documents: dict[str, dict]) -> list:
    paths = []
    for name, document in documents.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture
def surveys(tmp_path):
    return sv.load_surveys(write(tmp_path, {"earlier": EARLIER, "later": LATER}))


def comparison(surveys) -> pd.DataFrame:
    return sv.comparison_frame(sv.comparable_questions(surveys)["issues"])


# ---------------------------------------------------------------------------------
# One precision for the percentages of a table
# ---------------------------------------------------------------------------------


def test_percent_decimals_is_one_only_when_a_figure_has_a_fraction():
    assert sv.percent_decimals([80, 60.0]) == 0
    assert sv.percent_decimals([57, 51.5]) == 1
    assert sv.percent_decimals([80, None, pd.NA, float("nan")]) == 0
    assert sv.percent_decimals([]) == 0


def test_share_text_takes_the_table_s_precision():
    assert sv.share_text(57, None, decimals=1) == "57.0%"
    assert sv.share_text(51.5, None, decimals=1) == "51.5%"
    assert sv.share_text(57, None) == "57%"  # one figure alone: as published
    assert sv.share_text(None, "nearly a quarter", decimals=1) == "nearly a quarter"
    # A group keeps its proper nouns and initialisms; only the capital starting it is lowered.
    assert sv.share_text(24, None, "Aged 16-24 in Medway") == "24% (aged 16-24 in Medway)"
    assert sv.share_text(24, None, "BME respondents") == "24% (BME respondents)"


def test_comparison_table_gives_every_figure_the_same_precision(surveys):
    wide = sv.comparison_wide(comparison(surveys))
    # Answers of the latest survey first, in its order; then the earlier survey's others.
    assert wide.to_dict("records") == [
        {"answer": "People using drugs", "2016": "57.0%", "2024": "70.0%"},
        {"answer": "Speeding", "2016": "not published", "2024": "no figure (often named)"},
        {"answer": "People dropping litter", "2016": "51.5%", "2024": "not published"},
    ]


def test_comparison_table_of_whole_figures_stays_whole(tmp_path):
    whole = sv.load_surveys(
        write(
            tmp_path,
            {
                "a": survey(2016, [question([answer("Safe", 47)])]),
                "b": survey(2024, [question([answer("Safe", 26), answer("Unsafe", 50)])]),
            },
        )
    )
    assert sv.comparison_wide(comparison(whole)).to_dict("records") == [
        {"answer": "Safe", "2016": "47%", "2024": "26%"},
        {"answer": "Unsafe", "2016": "not published", "2024": "50%"},
    ]


def test_perception_shares_have_one_precision(tmp_path):
    documents = {
        "a": survey(2016, [question([answer("Drugs", 21)])]),
        "b": survey(2024, [question([answer("Drugs", 23.5), answer("Litter", 60)])]),
    }
    rows = sv.perception_rows(sv.load_surveys(write(tmp_path, documents)), "drugs")
    assert list(rows["share"]) == ["21.0%", "23.5%"]


def test_published_tables_show_percentages_whole_or_all_to_one_decimal(surveys):
    later = surveys[-1]
    assert survey_ui.percent_kinds(sv.question_results(later, "issues")) == {"percentage": "count"}
    assert survey_ui.percent_kinds(sv.question_results(surveys[0], "issues")) == {"percentage": "rate"}


# ---------------------------------------------------------------------------------
# Charts: colours, axes, legends, wrapped answers
# ---------------------------------------------------------------------------------


def wrapped(axis: dict) -> dict[str, list[str]]:
    """The lines each answer is written on, read back from the axis's label expression."""
    return json.loads(axis["labelExpr"].split("[datum.value]")[0])


def test_comparison_chart_colours_years_by_their_one_colour(surveys):
    spec = sv.comparison_chart(comparison(surveys)).to_dict()
    colour = spec["layer"][0]["encoding"]["color"]
    assert colour["scale"] == {"domain": ["2016", "2024"], "range": [year_colour(2016), year_colour(2024)]}
    assert colour["legend"]["orient"] == "bottom"  # below the bars, where a phone has the width
    for pale in ("#56B4E9", "#E69F00"):  # Okabe-Ito's sky blue and orange are under 3:1 on white
        assert pale.lower() not in json.dumps(spec).lower()
    assert spec["layer"][0]["encoding"]["x"]["scale"] == {"domain": [0, 100]}  # shares from zero
    data = spec["datasets"][spec["data"]["name"]]
    assert sorted((d["year"], d["answer"], d["label"]) for d in data) == [
        ("2016", "People dropping litter", "51.5%"),
        ("2016", "People using drugs", "57.0%"),
        ("2024", "People using drugs", "70.0%"),
    ]
    # Each bar's label names its year, so that the years are told apart without colour (WCAG 1.4.1).
    assert spec["layer"][1]["encoding"]["text"]["field"] == "bar_label"
    assert sorted(d["bar_label"] for d in data) == ["2016: 51.5%", "2016: 57.0%", "2024: 70.0%"]


def test_survey_colours_stand_out_on_white():
    assert contrast_ratio(sv.SURVEY_COLOUR, "#FFFFFF") >= 3
    years = sv.year_colours(range(2008, 2026))
    assert all(contrast_ratio(c, "#FFFFFF") >= 3 for c in years.values())
    assert years["2016"] == year_colour(2016) and years["2022"] == year_colour(2022)


def test_long_answers_are_wrapped_onto_short_lines(tmp_path):
    long = "People being drunk or rowdy in public places"
    results = sv.question_results(
        sv.load_surveys(write(tmp_path, {"a": survey(2024, [question([answer(long, 66), answer("CCTV", 49)])])}))[0],
        "issues",
    )
    spec = sv.published_chart(results).to_dict()
    axis = spec["layer"][0]["encoding"]["y"]["axis"]
    assert wrapped(axis) == {long: ["People being drunk or", "rowdy in public places"], "CCTV": ["CCTV"]}
    assert spec["layer"][0]["encoding"]["x"]["scale"] == {"domain": [0, 100]}
    # A bar is given 30 px, or room for its label's lines and a line's gap: (2 + 1) x 13 + 1 for two lines.
    assert spec["height"] == 2 * 40
    three = "Well maintained public spaces, roads, pavements and other infrastructure"
    taller = sv.published_chart(results.assign(option=[three, "CCTV"])).to_dict()
    assert wrapped(taller["layer"][0]["encoding"]["y"]["axis"])[three] == [
        "Well maintained public",
        "spaces, roads, pavements",
        "and other infrastructure",
    ]
    assert taller["height"] == 2 * 53


# ---------------------------------------------------------------------------------
# Text alternatives
# ---------------------------------------------------------------------------------


def test_published_chart_alt_names_every_figure_drawn(surveys):
    results = sv.question_results(surveys[-1], "issues")
    assert sv.published_chart_alt(QUESTION, "Survey 2024", results) == (
        f"Bar chart of the share of respondents giving each answer to “{QUESTION}” (Survey 2024): "
        "People using drugs 70%. Answers published without a figure are in the table."
    )


def test_comparison_chart_alt_names_each_year_s_figure(surveys):
    assert sv.comparison_chart_alt(QUESTION, comparison(surveys)) == (
        f"Bar chart of the published share of respondents giving each answer to “{QUESTION}”, one bar for "
        "each survey year (2016, 2024): People using drugs 57.0% in 2016, 70.0% in 2024; People dropping "
        "litter 51.5% in 2016. Answers a year published without a figure are in the table."
    )


def test_weighted_chart_alt_names_shares_and_intervals():
    frame = pd.DataFrame(
        {
            "group": ["Ward A", "Ward B", "Ward C"],
            "weighted_proportion": [0.456, 0.3, None],
            "ci_lower": [0.4, 0.21, None],
            "ci_upper": [0.512, 0.395, None],
            "suppressed": [False, False, True],
        }
    )
    assert sv.weighted_chart_alt("Safe by day?", frame, "group", "very safe", "ward") == (
        "Bar chart of the weighted share answering “very safe” to “Safe by day?”, by ward, with 95% intervals: "
        "Ward A 46% (95% interval 40% to 51%); Ward B 30% (95% interval 21% to 40%). Withheld groups are not drawn."
    )
    overall = frame.iloc[:1].rename(columns={"group": "answer"})
    assert sv.weighted_chart_alt("Safe by day?", overall) == (
        "Bar chart of the weighted share of all respondents giving each answer to “Safe by day?”, with 95% "
        "intervals: Ward A 46% (95% interval 40% to 51%)."
    )


# ---------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------


def area_file(tmp_path, survey_files: list, responses=None):
    """Medway's area file with absolute paths, naming these survey files (and a respondent-level file)."""
    text = (AREA_DIR / "area.toml").read_text(encoding="utf-8")
    text = re.sub(
        r'"([^"\n]+)"',
        lambda m: f'"{(AREA_DIR / m.group(1)).as_posix()}"' if (AREA_DIR / m.group(1)).exists() else m.group(0),
        text,
    )
    text = re.sub(r"(?m)^files = \[.*\]$", "files = " + json.dumps([p.as_posix() for p in survey_files]), text)
    if responses is not None:
        text = text.replace("[survey]\n", f'[survey]\nresponses = "{responses.as_posix()}"\n', 1)
    path = tmp_path / "area.toml"
    path.write_text(text, encoding="utf-8")
    return path


def open_page(monkeypatch, area, **state) -> AppTest:
    monkeypatch.setenv("CSP_AREA_FILE", str(area))
    at = AppTest.from_file(APP, default_timeout=90).run()
    for key, value in state.items():
        at.session_state[key] = value
    at = open_folds(at.switch_page("views/survey.py").run())
    assert not at.exception and not at.error
    return at


def test_page_charts_tables_and_a_question_without_figures(tmp_path, monkeypatch):
    at = open_page(monkeypatch, area_file(tmp_path, write(tmp_path, {"earlier": EARLIER, "later": LATER})))
    alts = [chart.proto.alt for chart in at.get("vega_lite_chart")]
    assert alts[:2] == [
        f"Bar chart of the share of respondents giving each answer to “{QUESTION}” (Survey 2024): "
        "People using drugs 70%. Answers published without a figure are in the table.",
        f"Bar chart of the published share of respondents giving each answer to “{QUESTION}”, one bar for "
        "each survey year (2016, 2024): People using drugs 57.0% in 2016, 70.0% in 2024; People dropping "
        "litter 51.5% in 2016. Answers a year published without a figure are in the table.",
    ]
    # "Who would you tell?" has no figure: a sentence in place of an empty chart, and its table of words.
    assert survey_ui.NO_FIGURES in [m.value for m in at.markdown]
    assert not any("Who would you tell?" in a for a in alts)
    told = next(t for t in shown_tables(at) if "Kent Police" in set(t.value.get("option", [])))
    assert list(told.value["reported_as"]) == ["most often", "less often"]
    assert list(told.text["Reported in words"]) == ["most often", "less often"]
    compared = next(t.value for t in shown_tables(at) if "Answer" in t.names)
    assert compared.to_dict("records") == [
        {"Answer": "People using drugs", "2016": "57.0%", "2024": "70.0%"},
        {"Answer": "Speeding", "2016": "not published", "2024": "no figure (often named)"},
        {"Answer": "People dropping litter", "2016": "51.5%", "2024": "not published"},
    ]


def test_no_published_surveys_is_a_plain_sentence(tmp_path, monkeypatch):
    area = area_file(tmp_path, [])
    at = open_page(monkeypatch, area)
    assert [i.value for i in at.info][0] == "No residents' survey results are published on this site for this area yet."
    assert not at.get("vega_lite_chart") and not shown_tables(at) and not at.table


RESPONSES_HEADER = "respondent_id,ward_code,age_band,sex,q_feel_safe_day,q_rare\n"


def write_responses(tmp_path):
    """15 respondents, 8 women and 7 men; only 4 answered ``rare``."""
    rows = [
        f"R{i},E05014449,,{'female' if i <= 8 else 'male'},{'neither' if i % 3 == 0 else 'very safe'},"
        f"{'yes' if i <= 4 else ''}\n"
        for i in range(1, 16)
    ]
    path = tmp_path / "responses.csv"
    path.write_text(RESPONSES_HEADER + "".join(rows), encoding="utf-8")
    return path


def weighted_tables(at: AppTest) -> list[ShownTable]:
    return [t for t in shown_tables(at) if "weighted_proportion" in t.names]


def downloads(at: AppTest) -> list[str]:
    return [button.key for button in at.get("download_button")]


def test_terms_are_explained_and_a_shown_question_is_charted(tmp_path, monkeypatch):
    area = area_file(tmp_path, write(tmp_path, {"later": LATER}), write_responses(tmp_path))
    at = open_page(monkeypatch, area, survey_question="feel_safe_day", survey_breakdown="No breakdown")
    assert sv.WEIGHTED_TERMS in [m.value for m in at.markdown]
    assert [e.label for e in at.expander][-1] == "How these figures are worked out"
    (overall,) = weighted_tables(at)
    assert shown_tables(at)[-1].body == overall.body  # the last table on the page
    table = overall.value
    # 10 of 15 said "very safe" (i not a multiple of 3), unweighted.
    assert list(table["answer"]) == ["very safe", "neither"] and list(table["n"]) == [10, 5]
    assert table["weighted_proportion"].tolist() == pytest.approx([10 / 15, 5 / 15])  # shares, at full precision
    headings = dict(zip(overall.names, overall.headings))
    assert headings["weighted_proportion"] == "Weighted share" and headings["ci_lower"] == "95% interval from"
    assert list(overall.text["Weighted share"]) == ["66.7%", "33.3%"]  # one precision in the table
    intervals = [*overall.text["95% interval from"], *overall.text["95% interval to"]]
    assert all(re.fullmatch(r"\d+\.\d%", v) for v in intervals), intervals
    alt = at.get("vega_lite_chart")[-1].proto.alt
    assert alt.startswith(
        "Bar chart of the weighted share of all respondents giving each answer to “Feel safe day”, with 95% "
        "intervals: very safe 67% (95% interval "
    )
    assert any(key.endswith("-responses-feel_safe_day-overall.csv") for key in downloads(at))


def test_withheld_figures_are_a_sentence_without_a_grid_or_download(tmp_path, monkeypatch):
    area = area_file(tmp_path, write(tmp_path, {"later": LATER}), write_responses(tmp_path))
    at = open_page(monkeypatch, area, survey_question="rare", survey_breakdown="Sex")
    infos = [i.value for i in at.info]
    assert "Fewer than 10 respondents answered this question, so its figures are withheld." in infos
    assert not weighted_tables(at)
    assert not any("-responses-rare-" in key for key in downloads(at))
    assert not [s for s in at.selectbox if s.label == "Answer to chart"]

    # By sex, every group (8 women, 7 men) is under 10: withheld, and said in a sentence.
    at = open_page(monkeypatch, area, survey_question="feel_safe_day", survey_breakdown="Sex")
    assert survey_ui.ALL_WITHHELD in [i.value for i in at.info]
    assert len(weighted_tables(at)) == 1  # all respondents only
    assert not any(key.endswith("-by-sex.csv") for key in downloads(at))
