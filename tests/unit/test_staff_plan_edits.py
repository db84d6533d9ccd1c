"""Editing the plan file from the staff page: only the values asked for change (comments and layout
stay), the plan file's rules are applied before anything is written, the write is atomic, a file
changed meanwhile is never overwritten, and each save is logged once."""

from __future__ import annotations

import difflib
import hashlib
import shutil

import pytest

from csp_data.audit import Actor, read_changes
from csp_data.changes import save_plan_edits
from csp_data.plans import edit
from csp_data.plans.edit import FieldEdit, PlanEditError, apply_edits, file_sha256, parse_target, save_edits
from csp_data.plans.reader import DEFAULT_PLANS_PATH, load_plans
from csp_data.store import Store
from csp_data.yamlfile import DataFileError

ANN = Actor(email="ann@example.org")


@pytest.fixture
def plan_file(tmp_path):
    path = tmp_path / "plans" / "plans.yaml"
    path.parent.mkdir()
    shutil.copy(DEFAULT_PLANS_PATH, path)
    return path


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_only_the_values_asked_for_change(plan_file):
    text = plan_file.read_text(encoding="utf-8")
    edited = apply_edits(
        text,
        [
            FieldEdit("kpi", "k24_recorded_crime", "value", 27000),
            FieldEdit("kpi", "k24_recorded_crime", "target", "reduce"),
            FieldEdit("kpi", "k24_recorded_crime_rate", "value", 95.25),
            FieldEdit("kpi", "k24_recorded_crime_rate", "period", "April 2024 – March 2025"),
        ],
    )
    assert changed_lines(text, edited) == [
        "-        target: null",
        "-        value: 28526",
        '+        target: "reduce"',
        "+        value: 27000",
        "-        value: 99.9",
        '-        period: "April 2023 – March 2024"',
        "+        value: 95.25",
        '+        period: "April 2024 – March 2025"',
    ]
    plans = load_plans_text(edited, plan_file)
    kpi = {k.id: k for k in plans[0].kpis}
    assert (kpi["k24_recorded_crime"].value, kpi["k24_recorded_crime"].target) == (27000, "reduce")
    assert kpi["k24_recorded_crime_rate"].period == "April 2024 – March 2025"


def load_plans_text(text, plan_file):
    plan_file.write_text(text, encoding="utf-8")
    return load_plans(plan_file)


def test_a_folded_summary_is_replaced_whole_and_odd_text_survives(plan_file):
    text = plan_file.read_text(encoding="utf-8")
    new = 'Four priorities – "quoted", a back\\slash, a: colon, # not a comment\nand a second line'
    edited = apply_edits(text, [FieldEdit("plan", "csp_2024_28", "summary", new)])
    lines = changed_lines(text, edited)
    assert lines[-1].startswith("+    summary: ") and all(line.startswith("-") for line in lines[:-1])
    assert len(lines) == 4  # the three lines of the folded block become one
    assert load_plans_text(edited, plan_file)[0].summary == new


def test_a_priority_summary_is_changed(plan_file):
    edited = apply_edits(
        plan_file.read_text(encoding="utf-8"), [FieldEdit("priority", "p24_1", "summary", "Less ASB.")]
    )
    assert load_plans_text(edited, plan_file)[0].priorities[0].summary == "Less ASB."


@pytest.mark.parametrize(
    "edit_, message",
    [
        (
            FieldEdit("kpi", "k24_recorded_crime", "value", -5),
            r"plans\[0\]\.kpis\[0\]\.value: a count cannot be negative",
        ),
        (FieldEdit("kpi", "k24_recorded_crime", "target", "increase"), "target 'increase' contradicts direction"),
        (FieldEdit("kpi", "k24_recorded_crime", "period", ""), r"plans\[0\]\.kpis\[0\]\.period"),
        (FieldEdit("plan", "csp_2024_28", "summary", "   "), r"plans\[0\]\.summary"),
    ],
)
def test_an_edit_that_breaks_a_rule_is_refused_and_the_file_untouched(plan_file, edit_, message):
    before = plan_file.read_bytes()
    with pytest.raises(DataFileError, match=message) as caught:
        save_edits(plan_file, [edit_], hashlib.sha256(before).hexdigest())
    assert str(caught.value).startswith("plans.yaml: ")  # named as the real file, not a temporary copy
    assert plan_file.read_bytes() == before
    assert sorted(p.name for p in plan_file.parent.iterdir()) == ["plans.yaml"]


def test_a_percentage_over_100_is_refused(plan_file):
    plans = load_plans(plan_file)
    percent = next(k for p in plans for k in p.kpis if k.unit == "percent")
    with pytest.raises(DataFileError, match="a percentage must be between 0 and 100, got 101"):
        save_edits(plan_file, [FieldEdit("kpi", percent.id, "value", 101)], file_sha256(plan_file))


@pytest.mark.parametrize(
    "edits, message",
    [
        ([], "nothing was changed"),
        ([FieldEdit("kpi", "no_such_kpi", "value", 1)], "no kpi with id 'no_such_kpi'"),
        ([FieldEdit("kpi", "k24_recorded_crime", "baseline", 1)], "no baseline for kpi k24_recorded_crime"),
        ([FieldEdit("kpi", "k24_recorded_crime", "value", float("nan"))], "finite number"),
        ([FieldEdit("kpi", "k24_recorded_crime", "value", True)], "cannot be true or false"),
        (
            [FieldEdit("kpi", "k24_recorded_crime", "value", 1), FieldEdit("kpi", "k24_recorded_crime", "value", 2)],
            "two edits change the same value",
        ),
    ],
)
def test_edits_that_cannot_be_made_are_refused(plan_file, edits, message):
    before = plan_file.read_bytes()
    with pytest.raises(PlanEditError, match=message):
        save_edits(plan_file, edits, file_sha256(plan_file))
    assert plan_file.read_bytes() == before


def test_a_file_changed_since_the_page_read_it_is_not_overwritten(plan_file):
    seen = file_sha256(plan_file)
    plan_file.write_text(
        plan_file.read_text(encoding="utf-8").replace("value: 28526", "value: 28000"), encoding="utf-8"
    )
    changed = plan_file.read_bytes()
    with pytest.raises(PlanEditError, match="has been changed since this page read it"):
        save_edits(plan_file, [FieldEdit("kpi", "k24_recorded_crime_rate", "value", 1)], seen)
    assert plan_file.read_bytes() == changed


def test_the_file_is_replaced_in_one_rename_keeping_its_permissions(plan_file, monkeypatch):
    plan_file.chmod(0o640)
    replaced = []
    real = edit.replace_file

    def spy(path, data):
        replaced.append(path)
        return real(path, data)

    monkeypatch.setattr(edit, "replace_file", spy)
    save_edits(plan_file, [FieldEdit("kpi", "k24_recorded_crime", "value", 1)], file_sha256(plan_file))
    assert replaced == [plan_file]
    assert plan_file.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in plan_file.parent.iterdir()) == ["plans.yaml"]


def test_a_failed_write_leaves_the_old_file(plan_file, monkeypatch):
    before = plan_file.read_bytes()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("csp_data.durable.os.replace", full_disk)
    with pytest.raises(OSError):
        save_edits(plan_file, [FieldEdit("kpi", "k24_recorded_crime", "value", 1)], file_sha256(plan_file))
    assert plan_file.read_bytes() == before
    assert sorted(p.name for p in plan_file.parent.iterdir()) == ["plans.yaml"]


def test_a_save_is_logged_once_with_both_hashes(plan_file, tmp_path):
    store = Store(tmp_path / "store")
    before = file_sha256(plan_file)
    outcome = save_plan_edits(plan_file, [FieldEdit("kpi", "k24_recorded_crime", "value", 1)], before, store, ANN)
    (entry,) = read_changes(store.root).entries
    assert entry["action"] == "edit plans" and entry["file_name"] == "plans.yaml"
    assert entry["sha256"] == file_sha256(plan_file) == outcome.result.sha256
    assert entry["details"] == {"previous_sha256": before, "changed": ["kpi k24_recorded_crime value → 1"]}


@pytest.mark.parametrize(
    "text, target",
    [
        ("", None),
        ("  ", None),
        (None, None),
        ("12", 12.0),
        ("1,250", 1250.0),
        ("12,345,678.5", 12345678.5),
        ("-5.5", -5.5),
        (".5", 0.5),
        ("+7", 7.0),
        ("Reduce", "reduce"),
    ],
)
def test_targets_typed_on_the_page(text, target):
    assert parse_target(text, "k1") == target


@pytest.mark.parametrize(
    "text", ["lots", "nan", "inf", "1e999", "decrease", "1,2,3", "12,34", ",5", "١٢", "１２", ".", "-"]
)
def test_targets_that_are_not_targets_are_refused(text):
    with pytest.raises(PlanEditError, match="k1: target .* should be a number, reduce or increase, or blank"):
        parse_target(text, "k1")


def test_the_pages_kpi_table_read_back_unchanged_is_no_edit(plan_file):
    from csp_data.ui.staff import kpi_frame, plan_edits

    text = apply_edits(
        plan_file.read_text(encoding="utf-8"),
        [
            FieldEdit("kpi", "k24_recorded_crime", "value", 1234567),  # %g would show 1.23457e+06
            FieldEdit("kpi", "k24_recorded_crime", "target", 1234566.5),
        ],
    )
    for plan in load_plans_text(text, plan_file):
        texts = {("plan", plan.id, "summary"): plan.summary}
        texts.update({("priority", p.id, "summary"): p.summary for p in plan.priorities})
        assert plan_edits(plan, kpi_frame(plan), texts) == []
    plan = load_plans(plan_file)[0]
    table = kpi_frame(plan)
    table.loc[table["id"] == "k24_recorded_crime", "target"] = "reduce"
    table.loc[table["id"] == "k24_recorded_crime_rate", "value"] = float("nan")
    assert plan_edits(plan, table, {("plan", plan.id, "summary"): plan.summary + "  "}) == [
        FieldEdit("kpi", "k24_recorded_crime", "target", "reduce"),
        FieldEdit("kpi", "k24_recorded_crime_rate", "value", None),
    ]


@pytest.mark.parametrize("value", [1e-05, 0.00001234, 2.5e-10, 99.9, 0.5])
def test_a_small_decimal_is_saved_as_a_number(plan_file, value):
    """1e-05 is text to YAML (its float needs a point): the file gets 1.0e-05 and reads back as the number."""
    before = plan_file.read_bytes()
    save_edits(
        plan_file,
        [
            FieldEdit("kpi", "k24_recorded_crime_rate", "value", value),
            FieldEdit("kpi", "k24_recorded_crime_rate", "target", value),
        ],
        hashlib.sha256(before).hexdigest(),
    )
    kpi = {k.id: k for k in load_plans(plan_file)[0].kpis}["k24_recorded_crime_rate"]
    assert (kpi.value, kpi.target) == (value, value)


@pytest.mark.parametrize(
    "character", ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\u2029", "\ud800", "\ufffe", "\uffff"]
)
def test_text_with_a_control_character_is_refused_naming_the_field(plan_file, character):
    before = plan_file.read_bytes()
    with pytest.raises(
        PlanEditError, match=r"The summary of plan csp_2024_28 holds a character that cannot be shown"
    ) as caught:
        save_edits(
            plan_file,
            [FieldEdit("plan", "csp_2024_28", "summary", f"Four{character}priorities")],
            hashlib.sha256(before).hexdigest(),
        )
    assert f"U+{ord(character):04X}" in str(caught.value)
    assert plan_file.read_bytes() == before


def test_tabs_and_line_breaks_are_kept(plan_file):
    before = plan_file.read_bytes()
    text = "Four priorities:\tone\nand two\r\nand three"
    save_edits(plan_file, [FieldEdit("plan", "csp_2024_28", "summary", text)], hashlib.sha256(before).hexdigest())
    assert load_plans(plan_file)[0].summary == text
