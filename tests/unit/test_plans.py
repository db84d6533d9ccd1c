"""Tests for csp_data.plans (the Medway plan file, RAG rules and malformed files) and for the
area file's [plans] and [survey] tables (csp_data.config and csp_data.area_documents)."""

from __future__ import annotations

import copy
import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from csp_data.area_documents import load_area_documents
from csp_data.config import load_area
from csp_data.errors import AreaFileError, CspDataError, InputFileError
from csp_data.plans import (
    DEFAULT_PLANS_PATH,
    AmberToleranceError,
    Baseline,
    DataFileError,
    Kpi,
    Source,
    UnknownIdError,
    actions_frame,
    current_plan,
    find_kpi,
    kpi_frame,
    load_plans,
    plan_summary,
    rag_status,
)
from helpers import MEDWAY_AREA_FILE

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"
SEED_DOCS = {
    "000_65106a5ae69708c9.txt",
    "001_56599b7bae25a7d4.txt",
    "002_fa8a1b2b0e3ac3eb.txt",
    "003_476477f03f105067.txt",
    "004_5591c43deb1184cf.txt",
}
needs_seeds = pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="seed documents (../shared/seeds) not present")


# ---------------------------------------------------------------------------------
# Helpers on the seed text
# ---------------------------------------------------------------------------------


def seed_text(doc: str) -> str:
    """A seed document lower-cased, without markup, with whitespace collapsed."""
    text = (SEEDS_DIR / doc).read_text(encoding="utf-8")
    text = re.sub(r"<sup>.*?</sup>", "", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("*", "").replace("#", "")
    return re.sub(r"\s+", " ", text).lower()


def number_forms(value: float) -> list[str]:
    """Ways a seed may write a number: 28526 -> 28,526 / 28526; 6 -> 6 / six."""
    value = abs(value)
    if value != int(value):
        return [f"{value:g}"]
    whole = int(value)
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    forms = [str(whole), f"{whole:,}"]
    if whole < len(words):
        forms.append(words[whole])
    return forms


def appears_as_number(text: str, value: float) -> bool:
    return any(re.search(rf"(?<![\d,.]){re.escape(form)}(?![\d])", text) for form in number_forms(value))


def word_runs(text: str, length: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + length]) for i in range(len(words) - length + 1)}


def all_seed_runs() -> set[tuple[str, ...]]:
    runs: set[tuple[str, ...]] = set()
    for doc in SEED_DOCS:
        runs |= word_runs(seed_text(doc))
    return runs


@pytest.fixture(scope="module")
def plans():
    return load_plans()


def all_sources(plans):
    """Every (where, source) pair in the plan file."""
    for plan in plans:
        yield plan.id, plan.source
        for priority in plan.priorities:
            yield priority.id, priority.source
            for objective in priority.objectives:
                yield f"{priority.id}/{objective.title}", objective.source
                for action in objective.actions:
                    yield f"{priority.id}/{action.text[:30]}", action.source
        for kpi in plan.kpis:
            yield kpi.id, kpi.source


def free_texts(plans):
    """Summaries and notes written for the dashboard (titles and names excluded)."""
    for plan in plans:
        yield plan.id, plan.summary
        yield plan.id, plan.notes
        for priority in plan.priorities:
            yield priority.id, priority.summary
            for indicator in priority.tracked_indicators:
                yield indicator.id, indicator.notes
            for objective in priority.objectives:
                yield objective.title, objective.summary
                for action in objective.actions:
                    yield objective.title, action.text
        for kpi in plan.kpis:
            yield kpi.id, kpi.notes


# ---------------------------------------------------------------------------------
# The Medway plan file
# ---------------------------------------------------------------------------------


def test_medway_plan_file_validates(plans):
    assert [p.id for p in plans] == ["csp_2024_28", "csp_2016_20", "csp_2009_12"]
    assert current_plan(plans).id == "csp_2024_28"
    assert [len(p.priorities) for p in plans] == [4, 5, 6]


def test_current_plan_has_the_four_priorities(plans):
    titles = [p.title for p in current_plan(plans).priorities]
    assert titles == [
        "Tackle Anti-Social Behaviour",
        "Violence Against Women and Girls",
        "Tackle Drugs and Alcohol",
        "Reducing Reoffending",
    ]


def test_priorities_map_to_trackable_series(plans):
    plan = current_plan(plans)
    assert plan.priority("p24_1").tracked_indicators[0].police_uk_categories == ("Anti-social behaviour",)
    assert "Sexual offences" in plan.priority("p24_2").tracked_indicators[0].ons_offence_groups
    assert "Stalking and harassment" in plan.priority("p24_2").tracked_indicators[0].ons_offence_groups
    assert plan.priority("p24_3").tracked_indicators[0].police_uk_categories == ("Drugs",)


@pytest.mark.parametrize(
    ("value", "target", "doc", "name_fragment"),
    [
        (83, 75, "000_65106a5ae69708c9.txt", "Fly-tipping"),
        (82, 70, "000_65106a5ae69708c9.txt", "community orders"),
    ],
)
def test_quoted_seed_figures_present_exactly_once_with_source(plans, value, target, doc, name_fragment):
    matches = [kpi for plan in plans for kpi in plan.kpis if kpi.value == value]
    assert len(matches) == 1
    kpi = matches[0]
    assert kpi.target == target
    assert name_fragment.lower() in kpi.name.lower()
    assert kpi.source.doc == doc
    assert kpi.source.section == "Summary of progress against previous plan priorities"
    assert rag_status(kpi) == "green"


def test_every_fact_has_a_seed_source(plans):
    for where, source in all_sources(plans):
        assert source.doc in SEED_DOCS, where
        assert source.section.strip(), where


def test_actions_have_known_status_and_lead_where_given(plans):
    frame = actions_frame(plans)
    assert set(frame["status"]) == {"done", "will_do"}
    assert len(frame) == sum(len(o.actions) for p in plans for pr in p.priorities for o in pr.objectives)
    assert (frame["lead_agency"] != "–").sum() > 0


def test_kpis_without_a_figure_have_null_value(plans):
    ksi = find_kpi(plans, "k16_ksi_casualties")
    assert ksi.value is None and ksi.target == -40
    assert rag_status(ksi) == "no_data"
    assert ksi.reported_outcome == "on_track"


def test_kpi_frame_has_one_row_per_kpi_with_rag(plans):
    frame = kpi_frame(plans)
    assert len(frame) == sum(len(p.kpis) for p in plans)
    assert frame["kpi_id"].is_unique
    assert set(frame["rag"]) <= {"green", "amber", "red", "no_data"}
    row = frame.set_index("kpi_id").loc["k09_asb_incidents"]
    assert (row["value"], row["baseline_value"], row["target"], row["rag"]) == (2321, 5229, "reduce", "green")


@needs_seeds
def test_sources_name_real_sections(plans):
    for where, source in all_sources(plans):
        text = seed_text(source.doc)
        for part in source.section.split(" > "):
            assert re.sub(r"\s+", " ", part.lower()) in text, f"{where}: {part!r} not in {source.doc}"


@needs_seeds
def test_kpi_figures_appear_in_their_source(plans):
    for plan in plans:
        for kpi in plan.kpis:
            text = seed_text(kpi.source.doc)
            numbers = [kpi.value, kpi.baseline.value if kpi.baseline else None]
            numbers.append(kpi.target if isinstance(kpi.target, float) else None)
            for number in numbers:
                if number is not None:
                    assert appears_as_number(text, number), f"{kpi.id}: {number} not in {kpi.source.doc}"


@needs_seeds
def test_summaries_are_not_copied_from_the_seeds(plans):
    seed_runs = all_seed_runs()
    for where, text in free_texts(plans):
        if text:
            copied = word_runs(text) & seed_runs
            assert not copied, f"{where}: copies seed wording {' '.join(sorted(copied)[0])!r}"


# ---------------------------------------------------------------------------------
# RAG rules
# ---------------------------------------------------------------------------------

SOURCE = Source(doc="test", section="test")


def make_kpi(**changes) -> Kpi:
    base = Kpi(
        id="k",
        name="KPI",
        priorities=(),
        theme=None,
        indicator_code=None,
        unit="percent",
        direction="higher_is_better",
        target=75.0,
        value=80.0,
        period="2024",
        baseline=None,
        reported_outcome=None,
        source=SOURCE,
        notes=None,
    )
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize(
    ("direction", "target", "value", "expected"),
    [
        # Higher is better, target 75: the amber band is 75 * 0.05 = 3.75 wide (71.25 to 75).
        ("higher_is_better", 75.0, 75.0, "green"),  # exactly at target
        ("higher_is_better", 75.0, 90.0, "green"),
        ("higher_is_better", 75.0, 74.99, "amber"),
        ("higher_is_better", 75.0, 71.26, "amber"),  # just inside the band
        ("higher_is_better", 75.0, 71.25, "amber"),  # on the band edge
        ("higher_is_better", 75.0, 71.24, "red"),  # just outside
        # Lower is better, target 50: amber from just above 50 to 52.5.
        ("lower_is_better", 50.0, 50.0, "green"),
        ("lower_is_better", 50.0, 31.0, "green"),
        ("lower_is_better", 50.0, 52.49, "amber"),
        ("lower_is_better", 50.0, 52.5, "amber"),
        ("lower_is_better", 50.0, 52.51, "red"),
        # A reduction target of -5% (percentage change): band 0.25.
        ("lower_is_better", -5.0, -5.0, "green"),
        ("lower_is_better", -5.0, -4.8, "amber"),
        ("lower_is_better", -5.0, -4.7, "red"),
    ],
)
def test_rag_numeric_targets(direction, target, value, expected):
    unit = "percent_change" if target < 0 else "percent"
    assert rag_status(make_kpi(direction=direction, target=target, value=value, unit=unit)) == expected


@pytest.mark.parametrize(
    ("target", "direction", "baseline", "value", "expected"),
    [
        # "reduce" judged against a baseline of 100: band 5.
        ("reduce", "lower_is_better", 100.0, 99.0, "green"),
        ("reduce", "lower_is_better", 100.0, 100.0, "amber"),  # no change is not a reduction
        ("reduce", "lower_is_better", 100.0, 104.9, "amber"),
        ("reduce", "lower_is_better", 100.0, 105.1, "red"),
        ("increase", "higher_is_better", 200.0, 201.0, "green"),
        ("increase", "higher_is_better", 200.0, 200.0, "amber"),
        ("increase", "higher_is_better", 200.0, 190.5, "amber"),
        ("increase", "higher_is_better", 200.0, 189.5, "red"),
    ],
)
def test_rag_direction_only_targets(target, direction, baseline, value, expected):
    kpi = make_kpi(
        unit="count",
        direction=direction,
        target=target,
        value=value,
        baseline=Baseline(value=baseline, period="before"),
    )
    assert rag_status(kpi) == expected


@pytest.mark.parametrize(
    "changes",
    [
        {"value": None},
        {"target": None},
        {"value": None, "target": None},
        {"target": "increase", "baseline": None},
        {"target": "increase", "value": None, "baseline": Baseline(value=1.0, period="before")},
    ],
)
def test_rag_missing_figures_give_no_data(changes):
    assert rag_status(make_kpi(**changes)) == "no_data"


def test_rag_reported_outcome_does_not_colour():
    assert rag_status(make_kpi(value=None, reported_outcome="met")) == "no_data"


def test_rag_tolerance_can_be_changed():
    kpi = make_kpi(target=75.0, value=70.0)
    assert rag_status(kpi) == "red"
    assert rag_status(kpi, amber_tolerance=0.10) == "amber"
    assert rag_status(make_kpi(target=75.0, value=74.99), amber_tolerance=0) == "red"


def test_rag_target_zero_has_no_amber_band():
    kpi = make_kpi(unit="count", direction="lower_is_better", target=0.0, value=0.0)
    assert rag_status(kpi) == "green"
    assert rag_status(dataclasses.replace(kpi, value=1.0)) == "red"


@pytest.mark.parametrize("tolerance", [-0.01, 1.5, "5%", True, None])
def test_rag_rejects_bad_tolerance(tolerance):
    with pytest.raises(ValueError, match="amber_tolerance"):
        rag_status(make_kpi(), amber_tolerance=tolerance)


# ---------------------------------------------------------------------------------
# Malformed files
# ---------------------------------------------------------------------------------


def minimal_document() -> dict:
    def source():  # a fresh dict each time, so one mutation cannot reach another field
        return {"doc": "test.txt", "section": "Test"}

    kpis = [
        {
            "id": f"k{i}",
            "name": f"KPI {i}",
            "priorities": ["p1"],
            "unit": "percent",
            "direction": "higher_is_better",
            "target": 75,
            "value": 80,
            "period": "2024",
            "source": source(),
        }
        for i in range(4)
    ]
    action = {"text": "Do a thing.", "status": "done", "lead_agency": "Kent Police", "source": source()}
    priority = {
        "id": "p1",
        "number": 1,
        "title": "Priority",
        "summary": "About it.",
        "source": source(),
        "objectives": [{"title": "Objective", "source": source(), "actions": [action]}],
    }
    plan = {
        "id": "plan",
        "title": "Plan",
        "start_year": 2024,
        "end_year": 2028,
        "status": "current",
        "summary": "A plan.",
        "source": source(),
        "priorities": [priority],
        "kpis": kpis,
    }
    return {"schema_version": 1, "plans": [plan]}


def write_yaml(tmp_path: Path, document) -> Path:
    path = tmp_path / "broken_plans.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def test_minimal_document_is_valid(tmp_path):
    plans = load_plans(write_yaml(tmp_path, minimal_document()))
    assert len(plans[0].kpis) == 4


def _set(path: str, value):
    """A mutation that sets the value at a dotted/indexed path (``plans[0].kpis[3].target``)."""

    def mutate(document):
        *parents, last = re.findall(r"[^.\[\]]+", path)
        node = document
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value

    return mutate


def _delete(path: str):
    def mutate(document):
        *parents, last = re.findall(r"[^.\[\]]+", path)
        node = document
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[last]

    return mutate


MALFORMED_CASES = [
    ("missing field", _delete("plans[0].kpis[3].target"), "plans[0].kpis[3].target", "required field is missing"),
    (
        "wrong type",
        _set("plans[0].kpis[3].target", "high"),
        "plans[0].kpis[3].target",
        "must be one of reduce, increase",
    ),
    ("wrong type value", _set("plans[0].kpis[1].value", [80]), "plans[0].kpis[1].value", "expected a number"),
    ("boolean value", _set("plans[0].kpis[1].value", True), "plans[0].kpis[1].value", "expected a number"),
    (
        "unknown status",
        _set("plans[0].priorities[0].objectives[0].actions[0].status", "doing"),
        "plans[0].priorities[0].objectives[0].actions[0].status",
        "must be one of done, will_do",
    ),
    (
        "unknown direction",
        _set("plans[0].kpis[0].direction", "up"),
        "plans[0].kpis[0].direction",
        "must be one of higher_is_better, lower_is_better",
    ),
    ("unknown unit", _set("plans[0].kpis[0].unit", "pounds"), "plans[0].kpis[0].unit", "must be one of"),
    (
        "unknown indicator direction",
        _set("plans[0].priorities[0].tracked_indicators", [{"id": "asb", "name": "ASB", "direction": "down"}]),
        "plans[0].priorities[0].tracked_indicators[0].direction",
        "must be one of higher_is_better, lower_is_better",
    ),
    ("percentage above 100", _set("plans[0].kpis[2].value", 120), "plans[0].kpis[2].value", "between 0 and 100"),
    ("percentage below 0", _set("plans[0].kpis[2].target", -1), "plans[0].kpis[2].target", "between 0 and 100"),
    (
        "negative count",
        lambda d: d["plans"][0]["kpis"][0].update(unit="count", value=-3),
        "plans[0].kpis[0].value",
        "cannot be negative",
    ),
    (
        "direction target contradicts",
        _set("plans[0].kpis[0].target", "reduce"),
        "plans[0].kpis[0].target",
        "contradicts direction",
    ),
    (
        "unknown outcome",
        _set("plans[0].kpis[0].reported_outcome", "great"),
        "plans[0].kpis[0].reported_outcome",
        "must be one of met",
    ),
    ("unknown field", _set("plans[0].kpis[0].taget", 5), "plans[0].kpis[0]", "unknown field 'taget'"),
    (
        "unknown priority",
        _set("plans[0].kpis[0].priorities", ["p9"]),
        "plans[0].kpis[0].priorities[0]",
        "no priority with id 'p9'",
    ),
    ("duplicate kpi id", _set("plans[0].kpis[2].id", "k0"), "plans[0].kpis[2].id", "already used"),
    (
        "missing source section",
        _delete("plans[0].priorities[0].source.section"),
        "plans[0].priorities[0].source.section",
        "required field is missing",
    ),
    ("empty text", _set("plans[0].title", "  "), "plans[0].title", "must not be empty"),
    ("number as text", _set("plans[0].kpis[0].period", 2024), "plans[0].kpis[0].period", "expected text"),
    ("end before start", _set("plans[0].end_year", 2020), "plans[0].end_year", "must not be before"),
    ("plans not a list", _set("plans", {"id": "x"}), "plans", "expected a list"),
    ("wrong schema", _set("schema_version", 2), "schema_version", "reads schema_version 1"),
    (
        "two current plans",
        lambda d: d["plans"].append({**copy.deepcopy(d["plans"][0]), "id": "plan2", "priorities": [], "kpis": []}),
        "plans[1].status",
        "only one plan can be current",
    ),
]


@pytest.mark.parametrize(("case", "mutate", "field", "problem"), MALFORMED_CASES, ids=[c[0] for c in MALFORMED_CASES])
def test_malformed_file_names_file_and_field(tmp_path, case, mutate, field, problem):
    document = minimal_document()
    mutate(document)
    path = write_yaml(tmp_path, document)
    with pytest.raises(DataFileError) as caught:
        load_plans(path)
    error = caught.value
    assert error.field == field
    assert problem in error.problem
    assert str(error).startswith(f"{path}: {field}: ")
    assert isinstance(error, ValueError) and isinstance(error, InputFileError)


@pytest.mark.parametrize(
    ("text", "position", "problem"),
    [
        ("schema_version: 1\nplans: [\n", "line 3, column 1", "not valid YAML"),
        ("schema_version: 1\nplans:\n  - id: a\n    id: b\n", "line 4, column 5", "duplicate key 'id'"),
        ("schema_version: 1\n\tplans: []\n", "line 2", "not valid YAML"),
    ],
)
def test_unparseable_yaml_names_file_and_line(tmp_path, text, position, problem):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_plans(path)
    assert caught.value.field.startswith(position)
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"{path}: line ")


def test_top_level_must_be_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"list\.yaml: \(document\): expected a mapping"):
        load_plans(path)


def test_missing_file_is_a_data_file_error(tmp_path):
    with pytest.raises(DataFileError, match="file does not exist"):
        load_plans(tmp_path / "nope.yaml")


def test_default_path_is_the_medway_file():
    assert DEFAULT_PLANS_PATH == REPO_ROOT / "data" / "medway" / "plans" / "plans.yaml"


def test_field_errors_give_the_line(tmp_path):
    document = minimal_document()
    document["plans"][0]["kpis"][3]["target"] = "high"
    path = write_yaml(tmp_path, document)
    lines = path.read_text(encoding="utf-8").splitlines()
    target_line = lines.index("    target: high") + 1
    with pytest.raises(DataFileError) as caught:
        load_plans(path)
    assert caught.value.line == target_line
    assert str(caught.value) == (
        f"{path}: plans[0].kpis[3].target: must be one of reduce, increase; got 'high' (str) (line {target_line})"
    )


def test_missing_field_gives_the_line_of_its_mapping(tmp_path):
    document = minimal_document()
    del document["plans"][0]["kpis"][3]["target"]
    path = write_yaml(tmp_path, document)
    lines = path.read_text(encoding="utf-8").splitlines()
    kpi_line = lines.index("  - id: k3") + 1
    with pytest.raises(DataFileError) as caught:
        load_plans(path)
    assert (caught.value.field, caught.value.line) == ("plans[0].kpis[3].target", kpi_line)
    assert str(caught.value).endswith(f"required field is missing (line {kpi_line})")


def test_repeated_id_names_both_places_and_the_line(tmp_path):
    document = minimal_document()
    document["plans"][0]["kpis"][2]["id"] = "k0"
    path = write_yaml(tmp_path, document)
    lines = path.read_text(encoding="utf-8").splitlines()
    second = [number for number, line in enumerate(lines, start=1) if line == "  - id: k0"][1]
    with pytest.raises(DataFileError) as caught:
        load_plans(path)
    assert str(caught.value) == (
        f"{path}: plans[0].kpis[2].id: id 'k0' is already used at plans[0].kpis[0].id (line {second})"
    )


def test_unreadable_file_is_a_data_file_error(tmp_path):
    with pytest.raises(DataFileError, match="cannot read the file"):
        load_plans(tmp_path)  # a folder, not a file


# ---------------------------------------------------------------------------------
# Lookups, errors and wording
# ---------------------------------------------------------------------------------


def test_unknown_ids_are_plain_key_errors(plans):
    plan = current_plan(plans)
    with pytest.raises(UnknownIdError) as caught:
        plan.priority("p99")
    assert str(caught.value) == "plan 'csp_2024_28' has no priority 'p99' (its priorities: p24_1, p24_2, p24_3, p24_4)"
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, CspDataError)
    with pytest.raises(UnknownIdError) as caught:
        find_kpi(plans, "k_none")
    assert str(caught.value) == "no plan has a KPI with id 'k_none'"


def test_bad_tolerance_is_a_csp_data_error():
    with pytest.raises(AmberToleranceError) as caught:
        rag_status(make_kpi(), amber_tolerance=2)
    assert str(caught.value) == "amber_tolerance must be a number between 0 and 1, got 2"
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, CspDataError)


def test_plan_summary(plans):
    assert plan_summary(plans[0]) == "csp_2024_28: 4 priorities, 43 actions, 16 KPIs"
    one = dataclasses.replace(plans[0], priorities=plans[0].priorities[:1], kpis=plans[0].kpis[:1])
    assert plan_summary(one) == "csp_2024_28: 1 priority, 13 actions, 1 KPI"


def test_command_line_check(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "csp_data.plans"], capture_output=True, text=True, cwd=REPO_ROOT)
    assert ok.returncode == 0
    assert ok.stdout.splitlines()[0] == "csp_2024_28: 4 priorities, 43 actions, 16 KPIs"
    assert ok.stdout.splitlines()[-1] == f"{DEFAULT_PLANS_PATH}: OK"
    document = minimal_document()
    document["plans"][0]["kpis"][1]["value"] = "high"
    path = write_yaml(tmp_path, document)
    bad = subprocess.run(
        [sys.executable, "-m", "csp_data.plans", str(path)], capture_output=True, text=True, cwd=REPO_ROOT
    )
    assert bad.returncode == 1
    assert re.fullmatch(
        rf"error: {re.escape(str(path))}: plans\[0\]\.kpis\[1\]\.value: expected a number, got 'high' \(str\) "
        r"\(line \d+\)\n",
        bad.stderr,
    )


# ---------------------------------------------------------------------------------
# The area file's [plans] and [survey] tables
# ---------------------------------------------------------------------------------


def area_file_with(tmp_path: Path, tables: str) -> Path:
    """Medway's area file, written in ``tmp_path`` with absolute paths, its [plans] and [survey]
    tables replaced by ``tables``."""
    folder = MEDWAY_AREA_FILE.parent
    text = MEDWAY_AREA_FILE.read_text(encoding="utf-8")
    text = re.sub(
        r'"([^"\n]+)"',
        lambda m: f'"{(folder / m.group(1)).as_posix()}"' if (folder / m.group(1)).exists() else m.group(0),
        text,
    )
    text = re.sub(r"^\[(?:plans|survey)\]\n(?:[^\[\n].*\n|\n)*", "", text, flags=re.MULTILINE)
    assert "[plans]" not in text and "[survey]" not in text
    path = tmp_path / "area.toml"
    path.write_text(tables + text, encoding="utf-8")  # first, so that a bare `plans = ...` is a top-level key
    return path


def load_documents(path: Path):
    return load_area_documents(load_area(path))


def test_medway_documents(medway_area):
    documents = load_area_documents(medway_area)
    root = MEDWAY_AREA_FILE.parent
    assert documents.plans_file == root / "plans" / "plans.yaml"
    assert documents.survey_files == tuple(root / "survey" / f"survey_{y}.yaml" for y in (2008, 2016, 2024))
    assert documents.responses_file is None


def test_documents_come_from_the_area_read_once(tmp_path):
    path = area_file_with(tmp_path, '[plans]\nfile = "plans.yaml"\n')
    (tmp_path / "plans.yaml").write_text("x", encoding="utf-8")
    area = load_area(path)
    assert area.plans_file == (tmp_path / "plans.yaml").resolve()
    path.write_text("not [valid TOML", encoding="utf-8")  # load_area_documents must not read it again
    assert load_area_documents(area).plans_file == (tmp_path / "plans.yaml").resolve()


def test_documents_are_optional(tmp_path):
    documents = load_documents(area_file_with(tmp_path, ""))
    assert (documents.plans_file, documents.survey_files, documents.responses_file) == (None, (), None)


def test_responses_file_resolved_relative_to_the_area_file(tmp_path):
    (tmp_path / "answers.csv").write_text("x")
    documents = load_documents(area_file_with(tmp_path, '[survey]\nresponses = "answers.csv"\n'))
    assert documents.responses_file == (tmp_path / "answers.csv").resolve()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[plans]\nfile = "nowhere.yaml"\n', "field 'plans.file' names nowhere.yaml, which does not exist"),
        ("[plans]\n", "missing field 'plans.file'"),
        ("[plans]\nfile = 3\n", "field 'plans.file' should be a non-empty string naming a file, got int 3"),
        ('[plans]\nfile = "a"\ntaget = 1\n', "unknown field 'plans.taget'"),
        ('plans = "x"\n', "'plans' should be a table"),
        ('[survey]\nfiles = "survey.yaml"\n', "field 'survey.files' should be a list of file names"),
        ('[survey]\nfiles = ["missing.yaml"]\n', "field 'survey.files[0]' names missing.yaml, which does not exist"),
        ('[survey]\nresponses = ""\n', "field 'survey.responses' should be a non-empty string"),
        ("[survey\n", "not valid TOML"),
    ],
)
def test_bad_document_tables_name_the_file_and_field(tmp_path, text, message):
    path = area_file_with(tmp_path, text)
    with pytest.raises(AreaFileError, match="area.toml") as caught:
        load_documents(path)
    assert message in str(caught.value)


def test_a_kpi_download_reads_as_the_page_does(plans):
    """The KPI CSV had the file's internal fields: "Plan id", "Kpi id", "no_data", "lower_is_better" and
    28526.0 for 28,526. It now has readable headings, the page's status words and whole numbers whole."""
    import csv
    import io

    from csp_data.plans.tables import plan_kpi_rows
    from csp_data.plans.wording import RAG_LABELS
    from csp_data.tables import csv_bytes

    plan = plans[0]
    kpi = next(k for k in plan.kpis if k.name == "Recorded crime")
    rows = plan_kpi_rows(plan, [kpi.id], {s: label.name for s, label in RAG_LABELS.items()})
    (row,) = list(csv.DictReader(io.StringIO(csv_bytes(rows).decode("utf-8"))))
    assert "Plan id" not in row and "Kpi id" not in row
    assert row["Plan"] == plan.title and row["Measure"] == "Recorded crime"
    assert row["Value"] == "28526" and row["Baseline value"] == "31198"
    assert row["Status"] == "Not rated" and row["Direction"] == "lower is better"
    rate = next(k for k in plan.kpis if k.unit == "rate_per_1000")
    (row,) = list(
        csv.DictReader(io.StringIO(csv_bytes(plan_kpi_rows(plan, [rate.id], {"no_data": "Not rated"})).decode()))
    )
    assert row["Value"] == str(rate.value) and "." in row["Value"]
