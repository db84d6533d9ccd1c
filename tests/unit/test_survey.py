"""Tests for csp_data.survey: published results, respondent files, weighting, suppression and wording."""

from __future__ import annotations

import dataclasses
import math
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from csp_data.errors import CspDataError, InputFileError
from csp_data.survey import (
    DEFAULT_SURVEY_DIR,
    NOT_STATED,
    ResponseFileError,
    SurveyArgumentError,
    UnknownIdError,
    answer_text,
    comparable_questions,
    grouped_shares,
    headline_questions,
    kish_effective_n,
    load_survey,
    load_surveys,
    overall_shares,
    perception_rows,
    published_caveat,
    question_title,
    read_survey_responses,
    respondent_data_text,
    respondent_method_text,
    samples_text,
    share_text,
    survey_results_frame,
    weighted_proportions,
    wilson_interval,
    withheld_text,
)
from csp_data.yamlfile import DataFileError

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "survey"
GENERATED = FIXTURES / "GENERATED_TEST_DATA_survey_responses.csv"
SEED_DOCS = {
    "000_65106a5ae69708c9.txt",
    "001_56599b7bae25a7d4.txt",
    "002_fa8a1b2b0e3ac3eb.txt",
    "003_476477f03f105067.txt",
    "004_5591c43deb1184cf.txt",
}
Z = 1.959963984540054
needs_seeds = pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="seed documents (../shared/seeds) not present")


def seed_text(doc: str) -> str:
    """A seed document lower-cased, without markup, with whitespace collapsed."""
    text = (SEEDS_DIR / doc).read_text(encoding="utf-8")
    text = re.sub(r"<sup>.*?</sup>", "", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("*", "").replace("#", "")
    return re.sub(r"\s+", " ", text).lower()


def word_runs(text: str, length: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + length]) for i in range(len(words) - length + 1)}


@pytest.fixture(scope="module")
def surveys():
    return load_surveys()


def all_answers(surveys):
    for survey in surveys:
        for question in survey.questions:
            for answer in question.answers:
                yield survey, question, answer


# ---------------------------------------------------------------------------------
# Published results
# ---------------------------------------------------------------------------------


def test_survey_files_validate(surveys):
    assert [(s.year, s.id) for s in surveys] == [
        (2008, "csp_consultation_2008"),
        (2016, "csp_consultation_2016"),
        (2024, "csp_survey_2024"),
    ]
    assert load_surveys(DEFAULT_SURVEY_DIR) == surveys


def test_2024_has_the_required_questions(surveys):
    survey = surveys[-1]
    assert [q.id for q in survey.questions] == [
        "feel_safe_day",
        "feel_safe_evening",
        "issues_problem",
        "issues_priority",
        "feel_safer_measures",
        "would_tell",
        "aware_prevent",
        "aware_extremist_graffiti",
    ]


@pytest.mark.parametrize(("question_id", "percentage"), [("feel_safe_day", 69), ("feel_safe_evening", 26)])
def test_quoted_2024_figures_present_exactly_once_with_source(surveys, question_id, percentage):
    matches = [(s, q, a) for s, q, a in all_answers(surveys) if a.percentage == percentage]
    assert len(matches) == 1
    survey, question, answer = matches[0]
    assert (survey.year, question.id, answer.option_key) == (2024, question_id, "safe")
    assert answer.source.doc == "001_56599b7bae25a7d4.txt"
    assert answer.source.section == "Community Safety Partnership Survey 2024"


def test_every_answer_has_a_seed_source(surveys):
    for survey, question, answer in all_answers(surveys):
        assert answer.source.doc in SEED_DOCS, (survey.id, question.id)
        assert answer.source.section.strip()


def test_compare_keys_link_at_least_two_years(surveys):
    keys = {q.compare_key for s in surveys for q in s.questions if q.compare_key}
    groups = comparable_questions(surveys)
    assert (
        set(groups)
        == keys
        == {"feel_safe_day", "feel_safe_evening", "issues_problem", "issues_priority", "top_priority"}
    )
    assert [s.year for s, _ in groups["feel_safe_day"]] == [2016, 2024]
    assert [s.year for s, _ in groups["top_priority"]] == [2008, 2016]


def test_results_frame_is_long_and_complete(surveys):
    frame = survey_results_frame(surveys)
    assert len(frame) == sum(len(q.answers) for s in surveys for q in s.questions)
    assert not frame["suppressed"].any()
    day = frame[(frame.compare_key == "feel_safe_day") & (frame.option_key == "safe")]
    assert list(zip(day.year, day.percentage)) == [(2016, 94), (2024, 69)]


@needs_seeds
def test_survey_sources_and_figures_are_in_the_seeds(surveys):
    for _survey, question, answer in all_answers(surveys):
        text = seed_text(answer.source.doc)
        for part in answer.source.section.split(" > "):
            assert part.lower() in text, (question.id, part)
        if answer.percentage is not None:
            assert re.search(rf"(?<![\d.]){answer.percentage:g}%", text), (question.id, answer.percentage)
        if answer.reported_as is not None and answer.percentage is None:
            assert answer.reported_as.lower() in text, (question.id, answer.reported_as)


@needs_seeds
def test_survey_descriptions_are_not_copied_from_the_seeds(surveys):
    seed_runs: set = set()
    for doc in SEED_DOCS:
        seed_runs |= word_runs(seed_text(doc))
    for survey in surveys:
        texts = [q.text for q in survey.questions] + [q.notes for q in survey.questions]
        texts += [s.description for s in survey.samples] + [s.notes for s in survey.samples]
        for text in filter(None, texts):
            assert not word_runs(text) & seed_runs, text


# ---------------------------------------------------------------------------------
# Malformed survey YAML
# ---------------------------------------------------------------------------------


def minimal_survey() -> dict:
    def source():
        return {"doc": "test.txt", "section": "Test"}

    return {
        "schema_version": 1,
        "survey": {
            "id": "test_survey",
            "year": 2024,
            "title": "Test",
            "source": source(),
            "samples": [{"id": "main", "description": "Everyone.", "source": source()}],
            "questions": [
                {
                    "id": "feel_safe_day",
                    "compare_key": None,
                    "text": "Safe by day?",
                    "sample": "main",
                    "answer_type": "single_choice",
                    "source": source(),
                    "answers": [{"option": "Safe", "percentage": 69}],
                }
            ],
        },
    }


SURVEY_CASES = [
    (
        "percentage above 100",
        lambda d: d["survey"]["questions"][0]["answers"][0].update(percentage=120),
        "survey.questions[0].answers[0].percentage",
        "between 0 and 100",
    ),
    (
        "percentage as text",
        lambda d: d["survey"]["questions"][0]["answers"][0].update(percentage="69%"),
        "survey.questions[0].answers[0].percentage",
        "expected a number",
    ),
    (
        "null percentage without words",
        lambda d: d["survey"]["questions"][0]["answers"][0].update(percentage=None),
        "survey.questions[0].answers[0].percentage",
        "reported_as must say",
    ),
    (
        "unknown answer type",
        lambda d: d["survey"]["questions"][0].update(answer_type="ranking"),
        "survey.questions[0].answer_type",
        "must be one of single_choice",
    ),
    (
        "missing text",
        lambda d: d["survey"]["questions"][0].pop("text"),
        "survey.questions[0].text",
        "required field is missing",
    ),
    (
        "unknown sample",
        lambda d: d["survey"]["questions"][0].update(sample="panel"),
        "survey.questions[0].sample",
        "no sample with id 'panel'",
    ),
    (
        "bad id",
        lambda d: d["survey"]["questions"][0].update(id="Feel Safe"),
        "survey.questions[0].id",
        "lower_snake_case",
    ),
    (
        "option read as boolean",
        lambda d: d["survey"]["questions"][0]["answers"][0].update(option=False),
        "survey.questions[0].answers[0].option",
        "expected text",
    ),
    (
        "duplicate question",
        lambda d: d["survey"]["questions"].append(dict(d["survey"]["questions"][0])),
        "survey.questions[1].id",
        "already used",
    ),
    (
        "no answers",
        lambda d: d["survey"]["questions"][0].update(answers=[]),
        "survey.questions[0].answers",
        "at least one answer",
    ),
]


@pytest.mark.parametrize(("case", "mutate", "field", "problem"), SURVEY_CASES, ids=[c[0] for c in SURVEY_CASES])
def test_malformed_survey_names_file_and_field(tmp_path, case, mutate, field, problem):
    document = minimal_survey()
    mutate(document)
    path = tmp_path / "broken_survey.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_survey(path)
    assert caught.value.field == field
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"{path}: {field}: ")


def test_yes_no_options_must_be_quoted(tmp_path):
    path = tmp_path / "yes.yaml"
    text = yaml.safe_dump(minimal_survey(), sort_keys=False).replace("option: Safe", "option: Yes")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match="put quotes round it"):
        load_survey(path)


def write_survey(tmp_path: Path, document: dict) -> Path:
    path = tmp_path / "survey.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def test_survey_errors_give_the_line(tmp_path):
    document = minimal_survey()
    document["survey"]["questions"][0]["answers"][0]["percentage"] = 120
    path = write_survey(tmp_path, document)
    line = path.read_text(encoding="utf-8").splitlines().index("      percentage: 120") + 1
    with pytest.raises(DataFileError) as caught:
        load_survey(path)
    assert caught.value.line == line
    assert str(caught.value) == (
        f"{path}: survey.questions[0].answers[0].percentage: a percentage must be between 0 and 100, got 120 "
        f"(line {line})"
    )


def test_repeated_compare_key_names_the_question_that_repeats_it(tmp_path):
    document = minimal_survey()
    first = document["survey"]["questions"][0]
    document["survey"]["questions"] += [
        {**first, "id": "again", "compare_key": "safe_day"},
        {**first, "id": "once_more", "compare_key": "safe_day"},
    ]
    with pytest.raises(DataFileError) as caught:
        load_survey(write_survey(tmp_path, document))
    assert caught.value.field == "survey.questions[2].compare_key"
    assert caught.value.problem == "compare_key 'safe_day' is already used at survey.questions[1].compare_key"


def test_unknown_question_or_sample_is_a_plain_key_error(surveys):
    with pytest.raises(UnknownIdError) as caught:
        surveys[-1].question("favourite_colour")
    assert str(caught.value) == "survey 'csp_survey_2024' has no question 'favourite_colour'"
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, CspDataError)
    with pytest.raises(UnknownIdError, match="survey 'csp_survey_2024' has no sample 'panel'"):
        surveys[-1].sample("panel")


def test_survey_notes_and_respondent_data_are_read(surveys):
    latest = surveys[-1]
    assert latest.notes == "Only the top answers of most questions were published."
    assert latest.respondent_data.startswith("Respondent-level survey data is not published for this area: ")
    assert [s.notes for s in surveys[:-1]] == [None, None]


# ---------------------------------------------------------------------------------
# Respondent-level files
# ---------------------------------------------------------------------------------


def write_csv(tmp_path: Path, text: str, name: str = "responses.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# Ward A: 10 answering respondents + 1 blank answer; ward B: 4 respondents.
TINY = """\
# tiny hand-made test file
respondent_id,ward_code,age_band,sex,weight,q_safe,q_other
r01,E05014449,25-34,female,1,safe,x
r02,E05014449,25-34,male,1,safe,x
r03,E05014449,35-44,female,1,unsafe,x
r04,E05014449,35-44,male,1,unsafe,x
r05,E05014449,45-54,female,2,safe,x
r06,E05014449,45-54,male,2,unsafe,x
r07,E05014449,55-64,female,2,unsafe,x
r08,E05014449,55-64,male,2,unsafe,x
r09,E05014449,75+,female,4,safe,x
r10,E05014449,,,4,unsafe,x
r11,E05014449,16-24,male,3,,x
r12,E05014450,25-34,female,1,safe,x
r13,E05014450,25-34,male,1,safe,x
r14,E05014450,35-44,female,1,unsafe,x
r15,E05014450,35-44,male,1,unsafe,x
"""


def hand_wilson(p: float, n: float) -> tuple[float, float]:
    """Wilson score interval written out from its textbook formula."""
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = (Z / (1 + Z**2 / n)) * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return centre - half, centre + half


def test_tiny_file_by_ward_matches_hand_computation(tmp_path):
    responses = read_survey_responses(write_csv(tmp_path, TINY))
    # With a threshold of 4 no ward is withheld, so ward A's figures can be checked by hand; with
    # the default of 10, ward B (4) is withheld and so is A (below).
    table = weighted_proportions(responses, "safe", by="ward_code", min_group_size=4)
    assert not table["suppressed"].any()
    ward_a = table[table.ward_code == "E05014449"].set_index("answer")

    # Ward A, 10 answering (r11 left the question blank): weights 1,1,1,1,2,2,2,2,4,4.
    sum_w = 1 + 1 + 1 + 1 + 2 + 2 + 2 + 2 + 4 + 4  # 20
    sum_w2 = 1 + 1 + 1 + 1 + 4 + 4 + 4 + 4 + 16 + 16  # 52
    n_eff = sum_w**2 / sum_w2  # 400 / 52 = 7.6923...
    p_safe = (1 + 1 + 2 + 4) / sum_w  # r01, r02, r05, r09 -> 8 / 20 = 0.4
    assert sum_w == 20 and sum_w2 == 52 and p_safe == 0.4

    safe = ward_a.loc["safe"]
    assert safe["n"] == 4 and safe["group_n"] == 10
    assert safe["weighted_proportion"] == pytest.approx(p_safe)
    assert safe["n_effective"] == pytest.approx(n_eff)
    assert safe["n_effective"] == pytest.approx(7.692307692)
    lower, upper = hand_wilson(p_safe, n_eff)
    assert (safe["ci_lower"], safe["ci_upper"]) == (pytest.approx(lower), pytest.approx(upper))
    assert (safe["ci_lower"], safe["ci_upper"]) == (
        pytest.approx(0.148624, abs=1e-6),
        pytest.approx(0.717989, abs=1e-6),
    )

    unsafe = ward_a.loc["unsafe"]
    assert unsafe["n"] == 6
    assert unsafe["weighted_proportion"] == pytest.approx(12 / 20)
    assert (unsafe["ci_lower"], unsafe["ci_upper"]) == tuple(pytest.approx(b) for b in hand_wilson(0.6, n_eff))
    assert not ward_a["suppressed"].any()

    # Ward B has 4 respondents: every figure null, flag set, both answers listed.
    table = weighted_proportions(responses, "safe", by="ward_code")
    ward_b = table[table.ward_code == "E05014450"]
    assert list(ward_b["answer"]) == ["safe", "unsafe"]
    assert ward_b["suppressed"].all()
    assert (ward_b["withheld_because"] == "too few answered").all()
    for column in ("n", "group_n", "weighted_proportion", "ci_lower", "ci_upper", "n_effective"):
        assert ward_b[column].isna().all(), column
    # Ward A would be the all-respondents row minus ward B's, so ward B's figures by subtraction: it is
    # withheld with it, and with every group withheld there is no row of them added together.
    ward_a = table[table.ward_code == "E05014449"]
    assert ward_a["suppressed"].all() and ward_a["n"].isna().all()
    assert (ward_a["withheld_because"] == "withheld with smaller groups").all()
    assert set(table.ward_code) == {"E05014449", "E05014450"}


def test_tiny_file_overall_matches_hand_computation(tmp_path):
    responses = read_survey_responses(write_csv(tmp_path, TINY))
    table = weighted_proportions(responses, "q_safe").set_index("answer")
    # 14 answering: ward A (sum w 20, sum w^2 52) plus four of weight 1.
    sum_w, sum_w2 = 20 + 4, 52 + 4
    n_eff = sum_w**2 / sum_w2  # 576 / 56 = 10.2857...
    p_safe = (8 + 2) / sum_w  # 10 / 24
    row = table.loc["safe"]
    assert (row["n"], row["group_n"]) == (6, 14)
    assert row["weighted_proportion"] == pytest.approx(p_safe)
    assert row["n_effective"] == pytest.approx(n_eff)
    assert (row["ci_lower"], row["ci_upper"]) == tuple(pytest.approx(b) for b in hand_wilson(p_safe, n_eff))
    assert list(table.columns) == [
        "n",
        "group_n",
        "weighted_proportion",
        "ci_lower",
        "ci_upper",
        "n_effective",
        "suppressed",
        "withheld_because",
    ]
    assert table["withheld_because"].isna().all()


def test_unweighted_file_uses_plain_counts(tmp_path):
    rows = "".join(f"u{i},E05014449,,,{'yes' if i < 3 else 'no'}\n" for i in range(12))
    path = write_csv(tmp_path, "respondent_id,ward_code,age_band,sex,q_aware\n" + rows)
    responses = read_survey_responses(path)
    assert not responses.weighted
    row = weighted_proportions(responses, "aware").set_index("answer").loc["yes"]
    assert row["weighted_proportion"] == pytest.approx(3 / 12)
    assert row["n_effective"] == pytest.approx(12)
    assert (row["ci_lower"], row["ci_upper"]) == tuple(pytest.approx(b) for b in hand_wilson(0.25, 12))


@pytest.mark.parametrize(("group_size", "suppressed"), [(9, True), (10, False)])
def test_suppression_threshold_edge(tmp_path, group_size, suppressed):
    rows = "".join(f"s{i},,,,1,yes\n" for i in range(group_size))
    path = write_csv(tmp_path, "respondent_id,ward_code,age_band,sex,weight,q_aware\n" + rows)
    table = weighted_proportions(read_survey_responses(path), "aware")
    assert table["suppressed"].tolist() == [suppressed]
    assert table["weighted_proportion"].isna().tolist() == [suppressed]


def test_grouping_by_two_columns_and_blank_labels(tmp_path):
    responses = read_survey_responses(write_csv(tmp_path, TINY))
    table = weighted_proportions(responses, "safe", by=["ward_code", "sex"])
    assert list(table.columns[:3]) == ["ward_code", "sex", "answer"]
    assert (table.ward_code == "E05014449").any()
    assert NOT_STATED in set(table.sex)
    assert table["suppressed"].all()  # every ward x sex group here has fewer than 10


def test_answer_missing_from_a_group_shows_zero(tmp_path):
    rows = "".join(f"a{i},E05014449,,,1,yes\n" for i in range(10))
    rows += "".join(f"b{i},E05014450,,,1,{'yes' if i else 'no'}\n" for i in range(10))
    path = write_csv(tmp_path, "respondent_id,ward_code,age_band,sex,weight,q_aware\n" + rows)
    table = weighted_proportions(read_survey_responses(path), "aware", by="ward_code")
    row = table[(table.ward_code == "E05014449") & (table.answer == "no")].iloc[0]
    assert row["n"] == 0 and row["weighted_proportion"] == 0
    assert row["ci_lower"] == 0 and row["ci_upper"] == pytest.approx(hand_wilson(0.0, 10)[1])


def test_wilson_and_kish_helpers_against_known_values():
    assert wilson_interval(0.5, 100) == (pytest.approx(0.403832, abs=1e-6), pytest.approx(0.596168, abs=1e-6))
    assert wilson_interval(0.0, 10)[1] == pytest.approx(0.277533, abs=1e-6)
    assert kish_effective_n([1, 1, 1, 1]) == 4
    assert kish_effective_n([1, 3]) == pytest.approx(16 / 10)
    with pytest.raises(ValueError):
        wilson_interval(0.5, 0)


def test_bad_arguments_to_weighted_proportions(tmp_path):
    responses = read_survey_responses(write_csv(tmp_path, TINY))
    with pytest.raises(ValueError, match="question 'unknown' is not in responses.csv; its questions are safe, other"):
        weighted_proportions(responses, "unknown")
    with pytest.raises(ValueError, match="cannot group by 'weight'"):
        weighted_proportions(responses, "safe", by="weight")
    with pytest.raises(ValueError, match="min_group_size"):
        weighted_proportions(responses, "safe", min_group_size=0)


def test_argument_errors_are_csp_data_errors(tmp_path):
    responses = read_survey_responses(write_csv(tmp_path, TINY))
    with pytest.raises(SurveyArgumentError) as caught:
        weighted_proportions(responses, "safe", by=["sex", "sex"])
    assert str(caught.value) == "by lists a column more than once: sex, sex"
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, CspDataError)
    with pytest.raises(SurveyArgumentError, match="n must be above 0, got 0"):
        wilson_interval(0.5, 0)


def test_generated_fixture_loads_and_is_labelled():
    first_line = GENERATED.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("# GENERATED TEST DATA")
    assert "GENERATED_TEST_DATA" in GENERATED.name
    responses = read_survey_responses(GENERATED)
    assert len(responses.respondents) == 400 and responses.weighted
    assert responses.questions == ("feel_safe_day", "feel_safe_evening", "problem_drugs", "aware_prevent")
    by_ward = weighted_proportions(responses, "aware_prevent", by="ward_code")
    assert by_ward["suppressed"].any() and not by_ward["suppressed"].all()
    shown = by_ward[~by_ward.suppressed]
    sums = shown.groupby("ward_code")["weighted_proportion"].sum()
    assert sums.to_numpy() == pytest.approx([1.0] * len(sums))
    assert (shown["group_n"] >= 10).all()
    assert isinstance(responses.to_frame(), pd.DataFrame)


def test_generated_fixture_is_reproducible(tmp_path):
    output = tmp_path / "again.csv"
    subprocess.run([sys.executable, str(FIXTURES / "make_test_responses.py"), str(output)], check=True)
    assert output.read_bytes() == GENERATED.read_bytes()


HEADER = "respondent_id,ward_code,age_band,sex,weight,q_safe\n"

CSV_CASES = [
    ("missing column", "respondent_id,ward_code,sex,q_safe\nr1,,,yes\n", 1, "age_band", "required column is missing"),
    ("unknown column", HEADER.strip() + ",colour\nr1,,,,1,yes,red\n", 1, "colour", "unknown column"),
    ("repeated column", "respondent_id,ward_code,age_band,sex,q_safe,q_safe\n", 1, "q_safe", "more than once"),
    ("no question", "respondent_id,ward_code,age_band,sex\nr1,,,\n", 1, None, "no question column"),
    ("bad question name", "respondent_id,ward_code,age_band,sex,q_Safe Day\n", 1, "q_Safe Day", "unknown column"),
    ("too few fields", HEADER + "r1,,,,1,yes\nr2,,,1,yes\n", 3, None, "expected 6 fields"),
    ("blank id", HEADER + ",,,,1,yes\n", 2, "respondent_id", "must not be blank"),
    ("repeated id", HEADER + "r1,,,,1,yes\nr2,,,,1,no\nr1,,,,1,no\n", 4, "respondent_id", "already used on line 2"),
    ("bad ward", HEADER + "r1,Gillingham,,,1,yes\n", 2, "ward_code", "not a GSS ward code"),
    ("bad age band", HEADER + "r1,,34-25,,1,yes\n", 2, "age_band", "not an age band"),
    ("bad sex", HEADER + "r1,,,f,1,yes\n", 2, "sex", "is not one of female"),
    ("weight not a number", HEADER + "r1,,,,heavy,yes\n", 2, "weight", "is not a number"),
    ("weight zero", HEADER + "r1,,,,0,yes\n", 2, "weight", "above 0"),
    ("weight negative", HEADER + "r1,,,,-1.5,yes\n", 2, "weight", "above 0"),
    ("weight infinite", HEADER + "r1,,,,inf,yes\n", 2, "weight", "finite"),
    ("weight blank", HEADER + "r1,,,,,yes\n", 2, "weight", "must not be blank"),
    # Weights that would overflow the weighted sums (1.7e308 twice is infinite) or make them meaningless.
    ("weight huge", HEADER + "r1,,,,1.7e308,yes\n", 2, "weight", "must be between 0.001 and 1,000, got '1.7e308'"),
    ("weight tiny", HEADER + "r1,,,,1e-300,yes\n", 2, "weight", "must be between 0.001 and 1,000, got '1e-300'"),
    ("weight just over", HEADER + "r1,,,,1000.5,yes\n", 2, "weight", "must be between 0.001 and 1,000"),
    ("header only", HEADER, None, None, "no respondents"),
    ("empty", "# only a comment\n\n", None, None, "no header row"),
]


@pytest.mark.parametrize(("case", "text", "line", "column", "problem"), CSV_CASES, ids=[c[0] for c in CSV_CASES])
def test_malformed_response_file_names_file_line_and_problem(tmp_path, case, text, line, column, problem):
    path = write_csv(tmp_path, text)
    with pytest.raises(ResponseFileError) as caught:
        read_survey_responses(path)
    error = caught.value
    assert (error.line, error.column) == (line, column)
    assert problem in error.problem
    assert str(error).startswith(str(path))
    if line is not None:
        assert f"line {line}" in str(error)
    assert isinstance(error, DataFileError) and isinstance(error, InputFileError)


def test_line_numbers_count_comment_lines(tmp_path):
    path = write_csv(tmp_path, "# comment\n# another\n" + HEADER + "r1,,,,1,yes\nr2,,,,x,yes\n")
    with pytest.raises(ResponseFileError, match=r"responses\.csv: line 5, column 'weight': weight 'x' is not a number"):
        read_survey_responses(path)


def test_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(HEADER.encode() + "r1,,,,1,caf\xe9\n".encode("latin-1"))
    with pytest.raises(ResponseFileError, match="line 2: not UTF-8"):
        read_survey_responses(path)


def test_missing_response_file(tmp_path):
    with pytest.raises(ResponseFileError, match="file does not exist"):
        read_survey_responses(tmp_path / "none.csv")


def test_values_are_tidied(tmp_path):
    path = write_csv(tmp_path, "\ufeff" + HEADER + "r1 , E05014449 , 75+ , Female , 2 , yes \n\n")
    respondent = read_survey_responses(path).respondents[0]
    assert (respondent.respondent_id, respondent.ward_code, respondent.age_band, respondent.sex) == (
        "r1",
        "E05014449",
        "75+",
        "female",
    )
    assert respondent.weight == 2.0 and respondent.answers == {"safe": "yes"}


def test_broken_csv_names_the_line(tmp_path):
    path = write_csv(tmp_path, HEADER + "r1,,,,1,yes\n" + 'r2,,,,1,"' + "x" * 140_000 + '"\n')
    with pytest.raises(ResponseFileError) as caught:
        read_survey_responses(path)
    assert (caught.value.line, caught.value.column) == (3, None)
    assert str(caught.value) == f"{path}: line 3: not valid CSV (field larger than field limit (131072))"


def test_unreadable_response_file(tmp_path):
    with pytest.raises(ResponseFileError, match="cannot read the file"):
        read_survey_responses(tmp_path)  # a folder, not a file


# ---------------------------------------------------------------------------------
# Wording
# ---------------------------------------------------------------------------------


def test_share_text():
    assert share_text(80.0, None) == "80%"
    assert share_text(pd.NA, "nearly a quarter", "Respondents living in Medway") == (
        "nearly a quarter (respondents living in Medway)"
    )
    assert share_text(None, None) == "withheld (fewer than 10 answered)"


def test_perception_rows_say_withheld_for_a_small_base(tmp_path):
    document = minimal_survey()
    document["survey"]["questions"][0].update(base=9)
    survey = load_survey(write_survey(tmp_path, document))
    rows = perception_rows([survey], "safe")
    assert rows["share"].tolist() == ["withheld (fewer than 10 answered)"]


def test_published_caveat_from_the_file(surveys):
    assert published_caveat(surveys[-1]) == (
        "Only the top answers of most questions were published. No sample size or method was published "
        "with these results. Published percentages carry no confidence intervals (the range a figure for all "
        "residents most probably lies in): working one out needs the answers of each respondent."
    )
    # 2008 states its sample size and method and has no notes: only the reason for no intervals.
    assert published_caveat(surveys[0]) == (
        "Published percentages carry no confidence intervals (the range a figure for all residents most "
        "probably lies in): working one out needs the answers of each respondent."
    )


def test_respondent_data_text_is_the_area_s_own_or_generic(tmp_path, surveys):
    medway = respondent_data_text(surveys)
    assert medway.startswith(
        "Respondent-level survey data is not published for this area: the partnership publishes only headline "
        "percentages, without sample sizes, weights or the answers of each respondent. Where a partnership loads"
    )
    assert medway.endswith(
        "withholds every group of fewer than 10 respondents, with as many of the next smallest groups as it "
        "takes for none of them to be worked out from the figures shown."
    )
    other = load_survey(write_survey(tmp_path, minimal_survey()))
    generic = respondent_data_text([other], min_group_size=5)
    assert generic.startswith(
        "No respondent-level survey answers are loaded for this area. Where a partnership loads its survey's answers"
    )
    assert generic.endswith(
        "withholds every group of fewer than 5 respondents, with as many of the next smallest groups as it "
        "takes for none of them to be worked out from the figures shown."
    )
    for text in (generic, published_caveat(other)):
        assert "Medway" not in text and "not published for this area" not in text
    for text in (medway, generic):  # issue 14: no configuration or file names for visitors to read
        assert "`" not in text and "[survey]" not in text and ".md" not in text and "area file" not in text


# ---------------------------------------------------------------------------------
# What the Residents' survey page shows (csp_data.ui.survey draws it)
# ---------------------------------------------------------------------------------


def test_samples_text_says_who_when_and_how_many(surveys, tmp_path):
    assert samples_text(surveys[0]) == (
        "Residents, visitors and workers who took part at shopping centres and supermarkets across Medway, "
        "21 November – 4 December 2008, about 1,300 taking part"
    )
    document = minimal_survey()
    document["survey"]["samples"][0].update(fieldwork="Launched in May 2024", sample_size=1234)
    document["survey"]["samples"].append(
        {"id": "panel", "description": "The panel", "source": {"doc": "t", "section": "T"}}
    )
    survey = load_survey(write_survey(tmp_path, document))
    assert samples_text(survey) == (
        "Everyone, launched in May 2024, about 1,234 taking part; The panel, sample size not published"
    )


def test_answer_text_gives_the_figure_the_words_or_not_published(surveys):
    answer = surveys[-1].question("feel_safe_day").answers[0]
    assert answer_text(answer) == "69%"
    assert answer_text(dataclasses.replace(answer, percentage=None, reported_as="about two thirds")) == (
        "about two thirds"
    )
    assert answer_text(dataclasses.replace(answer, percentage=None, reported_as=None)) == "not published"


def test_headline_questions_are_the_one_choice_questions(surveys):
    single, several = headline_questions(surveys[-1])
    assert [q.id for q in single] == ["feel_safe_day", "feel_safe_evening", "aware_prevent", "aware_extremist_graffiti"]
    assert [q.id for q in several] == ["issues_problem", "issues_priority", "feel_safer_measures", "would_tell"]


def test_question_title_uses_the_published_wording_else_the_id(surveys):
    assert question_title(surveys, "feel_safe_day") == "How safe do you feel in Medway during the day?"
    assert question_title(surveys, "uses_local_park") == "Uses local park"


def test_respondent_method_and_withheld_wording():
    weighted = respondent_method_text(1200, True)
    assert weighted.startswith("1,200 respondents, weighted by the survey's own weights. Each share")
    assert "fewer than 10 people answered is withheld" in weighted
    unweighted = respondent_method_text(12, False, min_group_size=5)
    assert unweighted.startswith("12 respondents, unweighted (the survey has no weights).")
    assert "fewer than 5 people answered" in unweighted
    assert withheld_text([]) == ""
    assert withheld_text(["Chatham Central", "Strood Rural"]) == (
        "Withheld because fewer than 10 respondents in the group answered: Chatham Central, Strood Rural."
    )


SCALE = """\
respondent_id,ward_code,age_band,sex,weight,q_safe
""" + "".join(
    f"r{i:02d},{'E05014449' if i < 12 else 'E05014450'},,,1,{answer}\n"
    for i, answer in enumerate(["neither", "very safe", "fairly safe", "very safe"] * 4)
)


def test_overall_shares_follow_the_answer_scale(tmp_path):
    responses = read_survey_responses(write_csv(tmp_path, SCALE))
    overall, answers = overall_shares(responses, "safe")
    assert answers == ["very safe", "fairly safe", "neither"]
    assert list(overall["answer"]) == answers
    assert overall["weighted_proportion"].tolist() == pytest.approx([8 / 16, 4 / 16, 4 / 16])


def test_grouped_shares_are_named_and_ordered(tmp_path):
    responses = read_survey_responses(write_csv(tmp_path, SCALE))
    grouped = grouped_shares(
        responses, "safe", "ward_code", ["very safe", "fairly safe", "neither"], {"E05014450": "Alpha"}
    )
    assert list(grouped.columns[:3]) == ["group", "ward_code", "answer"]
    # Named wards by name, others by code; sorted by that label, answers in scale order within each.
    assert list(zip(grouped["group"], grouped["answer"])) == [
        ("Alpha", "very safe"),
        ("Alpha", "fairly safe"),
        ("Alpha", "neither"),
        ("E05014449", "very safe"),
        ("E05014449", "fairly safe"),
        ("E05014449", "neither"),
    ]
    # 4 respondents in Alpha, 12 in the other: Alpha is withheld for too few, and the other with it, since
    # all respondents minus it would be Alpha.
    assert grouped["suppressed"].tolist() == [True] * 6
    assert grouped["withheld_because"].tolist() == ["too few answered"] * 3 + ["withheld with smaller groups"] * 3
    assert grouped.index.tolist() == list(range(6))
