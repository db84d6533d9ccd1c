"""AppTest: the Residents' survey page, with Medway's published results and with a respondent-level
file (the generated test data) configured; plus the page's helpers in csp_data.survey.

Weighted figures are checked against values computed here from the CSV with the csv module, not
with the package's own functions.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from collections.abc import Callable

import duckdb
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from csp_data import survey as sv
from helpers import EMBEDDED_STORE_GLOB, ROOT, ShownTable, open_folds, shown_tables

APP = str(ROOT / "app.py")
PAGE = "views/survey.py"
AREA_DIR = ROOT / "data" / "medway"
GENERATED = ROOT / "tests" / "fixtures" / "survey" / "GENERATED_TEST_DATA_survey_responses.csv"
STORE_FILES = EMBEDDED_STORE_GLOB
Z = 1.959963984540054


def area_text(responses: str | None) -> str:
    """Medway's area file with absolute paths, and optionally a respondent-level file in [survey]."""
    text = (AREA_DIR / "area.toml").read_text(encoding="utf-8")
    text = re.sub(
        r'"([^"\n]+)"',
        lambda m: f'"{(AREA_DIR / m.group(1)).as_posix()}"' if (AREA_DIR / m.group(1)).exists() else m.group(0),
        text,
    )
    if responses is not None:
        text = text.replace("[survey]\n", f'[survey]\nresponses = "{responses}"\n', 1)
    return text


#: What writes each CSV download drawn by :func:`open_page`, by its button's file id (a CSV is written only
#: when its button is pressed, so the page keeps the writer, not the file).
CSV_WRITERS: dict[str, Callable[[], bytes]] = {}


def open_page(**page_state) -> AppTest:
    real = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, *args, **kwargs):
        file_id = real(self, data_callable, *args, **kwargs)
        CSV_WRITERS[file_id] = data_callable
        return file_id

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(MediaFileManager, "add_deferred", add_deferred)
        at = AppTest.from_file(APP, default_timeout=90).run()
        assert not at.exception
        for key, value in page_state.items():
            at.session_state[key] = value
        return open_folds(at.switch_page(PAGE).run())


def downloaded(at: AppTest, file_end: str) -> pd.DataFrame:
    """The CSV a visitor downloads with the button whose file name ends with ``file_end``, as text."""
    (button,) = [b for b in at.get("download_button") if b.key.endswith(file_end)]
    data = CSV_WRITERS[button.proto.deferred_file_id]()
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def by_ward(at: AppTest) -> pd.DataFrame:
    """The table of weighted shares by ward as shown (full precision), with each row's ward code, which the
    table leaves to its CSV (the page shows the ward's name)."""
    table = next(t for t in shown_tables(at) if "weighted_proportion" in t.names and "group" in t.names)
    assert "ward_code" not in table.names
    csv_file = downloaded(at, "-by-ward_code.csv")
    assert list(csv_file["Group"]) == list(table.value["group"])  # the same rows, in the same order
    return table.value.assign(ward_code=list(csv_file["Ward code"]))


def metrics(at: AppTest) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for m in at.metric:
        found[m.label].append(m.value)
    return found


def all_text(at: AppTest) -> str:
    return " ".join(
        [m.value for m in at.markdown]
        + [c.value for c in at.caption]
        + [i.value for i in at.info]
        + [w.value for w in at.warning]
    )


# ---------------------------------------------------------------------------------
# Medway's published results (the default area)
# ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_page():
    return open_page()


def test_headline_figures_2024(default_page):
    at = default_page
    assert not at.exception and not at.error
    assert at.title[0].value == "Medway: residents' survey"
    values = metrics(at)
    assert values["Very safe or fairly safe"] == ["69%", "26%"]  # by day, in the evening
    assert values["Very unsafe or fairly unsafe"] == ["50%"]
    assert values["Aware"] == ["59%", "54%"]  # Prevent, extremist graffiti
    markdown = all_text(at)
    assert "**How safe do you feel in Medway during the day?**" in markdown
    assert "**Do you know how to raise a concern under Prevent?**" in markdown


def test_a_term_the_survey_asks_about_is_explained(default_page):
    """ "Do you know how to raise a concern under Prevent?" was asked with no word of what Prevent is."""
    notes = [c.value for c in default_page.caption if c.value.startswith("Terms used in this survey: ")]
    assert len(notes) == 1 and notes[0].startswith(
        "Terms used in this survey: **Prevent**: The part of the government's counter-terrorism strategy"
    )


def test_problem_priority_safer_and_tell_tables(default_page):
    tables = [t.value for t in shown_tables(default_page) if t.names[:2] == ["option", "group"]]
    shares = [dict(zip(t["option"], t["percentage"])) for t in tables]
    assert shares[0]["People using or dealing drugs"] == 80 and shares[0]["People dropping litter"] == 60
    assert shares[1]["Sexual offences"] == 36
    assert shares[2] == {
        "Visible and effective policing": 79,
        "Well maintained public spaces and infrastructure": 52,
        "CCTV": 49,
    }
    assert shares[3] == {"Kent Police": 55, "Medway Council": 36}


def test_comparisons_only_where_the_question_is_the_same(default_page):
    subheaders = [s.value for s in default_page.subheader]
    assert "How safe do you feel in Medway during the day? (2016, 2024)" in subheaders
    assert "What is the most important issue for the partnership to tackle? (2008, 2016)" in subheaders
    # Questions asked in one year only are not compared.
    assert not any(s.startswith("What would do most to make people feel safer") and "(" in s for s in subheaders)
    # Plain tables (they wrap on a phone), headed in words.
    wide = [t.value for t in shown_tables(default_page) if "Answer" in t.value.columns and "2016" in t.value.columns]
    day = wide[0]
    assert day.to_dict("records") == [{"Answer": "Very safe or fairly safe", "2016": "94%", "2024": "69%"}]
    text = all_text(default_page)
    assert "Self-selected attendees of a public event" in text  # the 2016 event's method
    assert 'The answer was worded differently: 2016 "Safe"; 2024 "Very safe or fairly safe".' in text


def test_perception_beside_recorded_drug_offences(default_page):
    with duckdb.connect() as con:
        drugs = con.execute(
            f"SELECT count(*) FROM read_parquet('{STORE_FILES}') WHERE crime_type = 'Drugs' "
            "AND month BETWEEN DATE '2025-01-01' AND DATE '2025-12-01'"
        ).fetchone()[0]
    assert metrics(default_page)["Drug offences recorded, Jan 2025 to Dec 2025"] == [f"{drugs:,}"]
    perception = next(t.value for t in shown_tables(default_page) if "Share (as published)" in t.value.columns)
    assert list(zip(perception["Year"].astype(int), perception["Share (as published)"])) == [
        (2008, "21%"),
        (2008, "nearly a quarter (respondents living in Medway)"),
        (2016, "57%"),
        (2016, "24%"),
        (2024, "80%"),
        (2024, "70%"),
    ]


def test_no_respondent_file_is_said_plainly(default_page):
    assert "Respondent-level survey data is not published for this area" in all_text(default_page)
    assert not default_page.selectbox  # no respondent controls without a file


# ---------------------------------------------------------------------------------
# A respondent-level file configured in the area file
# ---------------------------------------------------------------------------------


def read_generated(question: str):
    """(ward, weight, answer) for respondents who answered ``question``, read with the csv module."""
    with open(GENERATED, newline="", encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    rows = list(csv.DictReader(lines))
    return [(r["ward_code"], float(r["weight"]), r[f"q_{question}"]) for r in rows if r[f"q_{question}"].strip()]


@pytest.fixture(scope="module")
def with_responses(tmp_path_factory):
    area_file = tmp_path_factory.mktemp("area") / "area.toml"
    area_file.write_text(area_text(GENERATED.as_posix()), encoding="utf-8")
    # The page is run inside the patch; the tests only read what it drew, so the setting does not leak.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CSP_AREA_FILE", str(area_file))
        return open_page(survey_question="feel_safe_day", survey_breakdown="Ward", survey_answer="fairly safe")


def test_generated_file_is_flagged(with_responses):
    at = with_responses
    assert not at.exception and not at.error
    assert "is generated test data" in at.warning[0].value
    assert "400 respondents, weighted by the survey's own weights" in all_text(at)
    assert "GENERATED_TEST_DATA" not in all_text(at) + at.warning[0].value  # issue 14: no file names


def test_weighted_share_interval_and_effective_n(with_responses):
    answered = read_generated("feel_safe_day")
    weights = [w for _, w, _ in answered]
    total = sum(weights)
    share = sum(w for _, w, a in answered if a == "fairly safe") / total
    n_eff = total**2 / sum(w * w for w in weights)
    centre = (share + Z * Z / (2 * n_eff)) / (1 + Z * Z / n_eff)
    half = Z * math.sqrt(share * (1 - share) / n_eff + Z * Z / (4 * n_eff * n_eff)) / (1 + Z * Z / n_eff)

    table: ShownTable = next(
        t for t in shown_tables(with_responses) if "weighted_proportion" in t.names and "group" not in t.names
    )
    overall = table.value
    row = overall.set_index("answer").loc["fairly safe"]
    assert row["group_n"] == len(answered)
    # The table's values keep full precision (shares as fractions); it shows them in percent to one decimal place.
    assert row["weighted_proportion"] == pytest.approx(share, abs=1e-12)
    assert row["n_effective"] == pytest.approx(n_eff, abs=1e-9)
    assert row["ci_lower"] == pytest.approx(centre - half, abs=1e-12)
    assert row["ci_upper"] == pytest.approx(centre + half, abs=1e-12)
    shown = table.text.set_index("Answer").loc["fairly safe"]
    assert shown["Respondents answering"] == f"{len(answered):,}"
    assert shown["Weighted share"] == f"{100 * share:.1f}%"
    assert shown["95% interval from"] == f"{100 * (centre - half):.1f}%"
    assert shown["95% interval to"] == f"{100 * (centre + half):.1f}%"
    assert shown["Effective sample size"] == f"{n_eff:,.1f}"
    # The weighting matters here: the unweighted share differs.
    unweighted = sum(1 for _, _, a in answered if a == "fairly safe") / len(answered)
    assert abs(unweighted - share) > 0.001
    assert list(overall["answer"]) == ["very safe", "fairly safe", "neither", "fairly unsafe", "very unsafe"]


def test_small_wards_are_suppressed(with_responses):
    answered = read_generated("feel_safe_day")
    per_ward: dict[str, int] = defaultdict(int)
    for ward, _, _ in answered:
        per_ward[ward] += 1
    small = {ward for ward, n in per_ward.items() if n < 10}
    assert small, "the generated data should have wards under the threshold"

    grouped = by_ward(with_responses)
    suppressed = grouped[grouped["suppressed"]]
    # The small wards together (28 respondents, no answer given by all of them) cannot be split, so no
    # other ward is withheld with them here.
    assert set(suppressed["ward_code"]) == small
    assert (suppressed["withheld_because"] == sv.TOO_FEW).all()
    for column in ("n", "group_n", "weighted_proportion", "ci_lower", "ci_upper", "n_effective"):
        assert suppressed[column].isna().all(), column
    together = grouped[grouped["ward_code"] == sv.WITHHELD_TOGETHER]
    shown = grouped[~grouped["suppressed"] & (grouped["ward_code"] != sv.WITHHELD_TOGETHER)]
    assert set(shown["ward_code"]) == set(per_ward) - small
    # What subtraction would give is shown as one row: the small wards added together, by hand.
    pooled = [(w, a) for code, w, a in answered if code in small]
    row = together.set_index("answer").loc["fairly safe"]
    assert row["group_n"] == len(pooled) == sum(per_ward[code] for code in small)
    assert row["n"] == sum(1 for _, a in pooled if a == "fairly safe")
    expected = sum(w for w, a in pooled if a == "fairly safe") / sum(w for w, _ in pooled)
    assert row["weighted_proportion"] == pytest.approx(expected, abs=1e-12)  # a share, at full precision
    assert not together["suppressed"].any() and list(grouped["ward_code"])[-1] == sv.WITHHELD_TOGETHER
    assert (shown["group_n"] >= 10).all()
    # Withheld wards are named, by name, on the page.
    text = all_text(with_responses)
    names = dict(zip(grouped["ward_code"], grouped["group"]))
    assert all(names[code] in text for code in small)
    assert "Withheld because fewer than 10 respondents in the group answered" in text
    assert 'The withheld groups are added together in the row "(withheld groups together)"' in text

    # One shown ward, recomputed by hand.
    ward = max(per_ward, key=per_ward.get)
    members = [(w, a) for code, w, a in answered if code == ward]
    expected = sum(w for w, a in members if a == "fairly safe") / sum(w for w, _ in members)
    row = shown[(shown["ward_code"] == ward) & (shown["answer"] == "fairly safe")].iloc[0]
    assert row["weighted_proportion"] == pytest.approx(expected, abs=1e-12)  # a share, at full precision


def test_a_ward_withheld_alone_takes_the_next_smallest_with_it(tmp_path, monkeypatch):
    # Four wards of 4, 12, 30 and 40 respondents, unweighted. Showing the 12 would give the 4 away
    # (all respondents minus the wards shown), so it is withheld too, and the page says why.
    sizes = {"E05014449": 4, "E05014450": 12, "E05014451": 30, "E05014452": 40}
    lines = ["respondent_id,ward_code,age_band,sex,q_feel_safe_day\n"]
    for code, size in sizes.items():
        lines += [f"{code}-{i},{code},,,{'very safe' if i % 3 else 'neither'}\n" for i in range(size)]
    responses = tmp_path / "responses.csv"
    responses.write_text("".join(lines), encoding="utf-8")
    area_file = tmp_path / "area.toml"
    area_file.write_text(area_text(responses.as_posix()), encoding="utf-8")
    monkeypatch.setenv("CSP_AREA_FILE", str(area_file))
    at = open_page(survey_question="feel_safe_day", survey_breakdown="Ward", survey_answer="very safe")
    assert not at.exception and not at.error
    grouped = by_ward(at)
    reasons = grouped.drop_duplicates("ward_code").set_index("ward_code")["withheld_because"]
    assert reasons.fillna("").to_dict() == {
        "E05014449": sv.TOO_FEW,
        "E05014450": sv.PROTECTING,
        "E05014451": "",
        "E05014452": "",
        sv.WITHHELD_TOGETHER: "",
    }
    together = grouped[grouped["ward_code"] == sv.WITHHELD_TOGETHER].set_index("answer")
    # 4 + 12 respondents: i % 3 == 0 says "neither": 2 of the 4 (i = 0, 3) and 4 of the 12.
    assert together.loc["neither", "n"] == 6 and together.loc["very safe", "n"] == 10
    names = dict(zip(grouped["ward_code"], grouped["group"]))
    assert (
        f"Withheld because fewer than 10 respondents in the group answered: {names['E05014449']}. "
        f"Also withheld: {names['E05014450']}. Otherwise the answers of the smaller groups could be worked out"
    ) in all_text(at)


def test_bad_respondent_file_names_line_and_column(tmp_path, monkeypatch):
    bad = tmp_path / "responses.csv"
    bad.write_text(
        "respondent_id,ward_code,age_band,sex,weight,q_feel_safe_day\nR1,E05014449,25-34,female,x,very safe\n",
        encoding="utf-8",
    )
    area_file = tmp_path / "area.toml"
    area_file.write_text(area_text(bad.as_posix()), encoding="utf-8")
    monkeypatch.setenv("CSP_AREA_FILE", str(area_file))
    at = open_page()
    assert not at.exception
    assert "line 2, column 'weight': weight 'x' is not a number" in at.error[0].value


def test_missing_respondent_file_names_the_field(tmp_path, monkeypatch):
    area_file = tmp_path / "area.toml"
    area_file.write_text(area_text((tmp_path / "gone.csv").as_posix()), encoding="utf-8")
    monkeypatch.setenv("CSP_AREA_FILE", str(area_file))
    at = open_page()
    assert not at.exception
    assert "field 'survey.responses' names" in at.error[0].value and "which does not exist" in at.error[0].value


# ---------------------------------------------------------------------------------
# The page's helpers in csp_data.survey
# ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def surveys():
    return sv.load_surveys()


def test_answer_order_follows_the_scale():
    assert sv.answer_order(["neither", "very unsafe", "fairly safe", "very safe", "fairly unsafe", "dunno"]) == [
        "very safe",
        "fairly safe",
        "neither",
        "fairly unsafe",
        "very unsafe",
        "dunno",
    ]
    assert sv.answer_order(["no", "yes"]) == ["yes", "no"]


def test_comparison_tables(surveys):
    pairs = sv.comparable_questions(surveys)["feel_safe_evening"]
    long = sv.comparison_frame(pairs)
    assert list(zip(long["year"], long["option"], long["percentage"])) == [
        (2016, "Safe", 47),
        (2016, "Neither safe nor unsafe", 25),
        (2024, "Very safe or fairly safe", 26),
        (2024, "Very unsafe or fairly unsafe", 50),
    ]
    wide = sv.comparison_wide(long)
    assert wide.to_dict("records") == [
        {"answer": "Very safe or fairly safe", "2016": "47%", "2024": "26%"},
        {"answer": "Very unsafe or fairly unsafe", "2016": "not published", "2024": "50%"},
        {"answer": "Neither safe nor unsafe", "2016": "25%", "2024": "not published"},
    ]
    problems = sv.comparison_wide(sv.comparison_frame(sv.comparable_questions(surveys)["issues_problem"]))
    litter = problems.set_index("answer").loc["People dropping litter"]
    assert (litter["2016"], litter["2024"]) == ("no figure (seen as the biggest problems)", "60%")


def test_method_differences_state_who_and_how(surveys):
    sentences = sv.method_differences(sv.comparable_questions(surveys)["top_priority"])
    assert sentences[0].startswith("**2008** (Community safety public consultation 2008): Residents, visitors")
    assert "fieldwork: 21 November – 4 December 2008; about 1,300 taking part" in sentences[0]
    assert "sample size not published" in sentences[1] and "Not a representative sample" in sentences[1]


def test_year_colours_are_fixed_per_year():
    from csp_data.charts.colours import contrast_ratio, year_colour

    # One colour per year on every page (the Seasonality page colours financial years the same way).
    colours = sv.year_colours([2008, 2016, 2024])
    assert colours == {"2024": year_colour(2024), "2016": year_colour(2016), "2008": year_colour(2008)}
    assert sv.year_colours([2024]) == {"2024": colours["2024"]}  # whatever other years a chart shows
    assert len(set(colours.values())) == 3 and all(contrast_ratio(c, "#FFFFFF") >= 3 for c in colours.values())


def test_charts_build(surveys):
    latest = surveys[-1]
    chart = sv.published_chart(sv.question_results(latest, "issues_problem"))
    assert chart.height == 5 * 40  # answers of two lines ("People being drunk or / rowdy in public places")
    comparison = sv.comparison_frame(sv.comparable_questions(surveys)["issues_priority"])
    spec = sv.comparison_chart(comparison).to_dict()
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == ["2016", "2024"]
    responses = sv.read_survey_responses(GENERATED)
    proportions = sv.weighted_proportions(responses, "feel_safe_day", by="ward_code")
    shown = proportions[proportions["answer"] == "very safe"]
    drawn = sv.weighted_chart(shown, "ward_code")
    # Suppressed groups are not drawn; each bar has 40 px, as "(withheld groups together)" takes two lines.
    assert drawn.height == 40 * int((~shown["suppressed"]).sum())
