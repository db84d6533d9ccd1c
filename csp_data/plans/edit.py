"""Changing a plan file from the staff pages: KPI values, targets and periods, and plan and priority text.

The plan file is written by hand and read by people, so an edit changes only the values asked for:
each is found in the file with the YAML parser's positions and its text replaced, leaving every
comment, every other value and the layout as they were. The edited file is then checked with
:func:`csp_data.plans.reader.load_plans` (the same rules as ever) before it replaces the old one in
one rename; a file that fails the check is never written. An edit made while someone else changed
the file since it was read is refused, rather than overwriting their change.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import math
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from csp_data.durable import replace_file
from csp_data.errors import CspDataError
from csp_data.plans.model import DIRECTION_TARGETS, Plan
from csp_data.plans.reader import load_plans
from csp_data.yamlfile import DataFileError

#: The fields a KPI row of the staff page changes.
KPI_FIELDS = ("value", "target", "period")


class PlanEditError(CspDataError):
    """An edit of the plan file that cannot be made (the message says why and what to do)."""


@dataclass(frozen=True)
class FieldEdit:
    """One value to change: where it is (``("kpi", "k24_asb_change", "value")``,
    ``("plan", "csp_2024_28", "summary")`` or ``("priority", "p24_1", "summary")``) and its new value."""

    kind: str
    id: str
    field: str
    value: object

    @property
    def label(self) -> str:
        return f"{self.kind} {self.id} {self.field}"


_TYPED_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.[0-9]*)?")


def parse_target(text: str | None, kpi_id: str) -> float | str | None:
    """A target typed on the page: blank (no target), a number, or ``reduce`` / ``increase``."""
    cleaned = (text or "").strip()
    if not cleaned:
        return None
    if cleaned.lower() in DIRECTION_TARGETS:
        return cleaned.lower()
    # Digits as typed in English: commas only between thousands ("1,250"; "1,2,3" is no number), no other script.
    written = _TYPED_NUMBER.fullmatch(cleaned) is not None and any(c.isdigit() for c in cleaned)
    number = float(cleaned.replace(",", "")) if written else math.nan
    if not math.isfinite(number):
        raise PlanEditError(
            f"KPI {kpi_id}: target {cleaned!r} should be a number, {' or '.join(DIRECTION_TARGETS)}, or blank"
        )
    return number


def number_text(value: float) -> str:
    """A number as the plan file writes it, exactly: ``28526``, ``99.9``, ``1.0e-05`` (never rounded, as ``%g``
    would; a mantissa without a point gets ".0", without which YAML would read ``1e-05`` as text)."""
    if float(value).is_integer():
        return str(int(value))
    text = repr(float(value))
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa}.0e{exponent}" if e and "." not in mantissa else text


#: Characters a plan's text cannot hold: control characters (but tab and line breaks), the Unicode line and
#: paragraph separators, lone surrogates and the non-characters U+FFFE and U+FFFF, which YAML refuses or reads as
#: line breaks, and which no page or pack can show.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _yaml_scalar(value: object) -> str:
    """A value as YAML text: null, a number, or a double-quoted string (JSON's quoting is YAML's)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        raise PlanEditError(f"a plan value cannot be true or false, got {value!r}")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise PlanEditError(f"a plan value must be a finite number, got {value!r}")
        return number_text(value)
    return json.dumps(str(value), ensure_ascii=False)


def _child(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key:
                return value_node
    return None


def _items(node: yaml.Node | None, key: str) -> list[yaml.Node]:
    child = _child(node, key) if node is not None else None
    return list(child.value) if isinstance(child, yaml.SequenceNode) else []


def _find(root: yaml.Node, edit: FieldEdit) -> yaml.ScalarNode:
    """The scalar node an edit changes; a PlanEditError when the file has no such value."""
    for plan in _items(root, "plans"):
        candidates = {
            "plan": [plan],
            "priority": _items(plan, "priorities"),
            "kpi": _items(plan, "kpis"),
        }.get(edit.kind, [])
        for node in candidates:
            id_node = _child(node, "id")
            if id_node is not None and id_node.value == edit.id:
                target = _child(node, edit.field)
                if not isinstance(target, yaml.ScalarNode):
                    raise PlanEditError(f"the plan file has no {edit.field} for {edit.kind} {edit.id} to change")
                return target
    raise PlanEditError(f"the plan file has no {edit.kind} with id {edit.id!r}; reload the page")


def apply_edits(text: str, edits: list[FieldEdit]) -> str:
    """The plan file's text with each edit's value replaced in place (nothing else changes)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise PlanEditError(f"the plan file cannot be read as YAML ({exc}); correct it by hand first") from None
    spans = []
    for edit in edits:
        if isinstance(edit.value, str) and (bad := _UNWRITABLE.search(edit.value)):
            raise PlanEditError(
                f"The {edit.field} of {edit.kind} {edit.id} holds a character that cannot be shown or saved "
                f"(U+{ord(bad.group()):04X}, a control character); remove it and save again"
            )
        node = _find(root, edit)
        start, end = node.start_mark.index, node.end_mark.index
        replacement = _yaml_scalar(edit.value)
        if text[start:end].endswith("\n"):  # a block scalar (>- or |) runs to the start of the next line
            replacement += "\n"
        spans.append((start, end, replacement))
    spans.sort(reverse=True)
    for (_, end, _), (next_start, _, _) in zip(spans[1:], spans):
        if end > next_start:
            raise PlanEditError("two edits change the same value; make one of them")
    for start, end, replacement in spans:
        text = text[:start] + replacement + text[end:]
    return text


def check_plan_text(text: str, file_name: str) -> tuple[Plan, ...]:
    """Read ``text`` as a plan file with every rule of :func:`load_plans`; its errors name ``file_name``."""
    with tempfile.TemporaryDirectory(prefix="csp-plans-") as folder:
        candidate = Path(folder) / Path(file_name).name
        candidate.write_text(text, encoding="utf-8")
        try:
            return load_plans(candidate)
        except DataFileError as exc:  # named as the file it will become, not the temporary copy
            raise DataFileError(Path(file_name).name, exc.field, exc.problem, exc.line) from None


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass(frozen=True)
class PlanSave:
    """What a save did: the file's SHA-256 before and after, and the values changed in words."""

    previous_sha256: str
    sha256: str
    changed: tuple[str, ...]


def save_edits(plan_file: str | Path, edits: list[FieldEdit], expected_sha256: str) -> PlanSave:
    """Apply ``edits`` to the plan file, check it, and replace it atomically.

    Parameters
    ----------
    plan_file : path
        The area's plan file.
    edits : list of FieldEdit
        The values to change.
    expected_sha256 : str
        The file's SHA-256 when the page read it: if the file has changed since, nothing is written.

    Raises
    ------
    PlanEditError
        When nothing is to change, the file changed meanwhile, or an edit names no value of the file.
    DataFileError
        When the edited file breaks a rule of the plan format (a percentage over 100, a target
        that contradicts the direction...): the message names the field, as for a hand edit.
    """
    path = Path(plan_file)
    if not edits:
        raise PlanEditError("nothing was changed, so nothing was saved")
    # Writers take turns on the file itself; one that waited finds the file changed and stops.
    with open(path, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        data = path.read_bytes()
        previous = hashlib.sha256(data).hexdigest()
        if previous != expected_sha256:
            raise PlanEditError(
                "the plan file has been changed since this page read it (by someone else, or by hand); "
                "reload the page to see the current values, then make your change again"
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise PlanEditError("the plan file is not UTF-8 text; correct it by hand first") from None
        edited = apply_edits(text, edits)
        check_plan_text(edited, path.name)
        new_data = edited.encode("utf-8")
        replace_file(path, new_data)
    changed = tuple(f"{e.label} → {_yaml_scalar(e.value)}" for e in edits)
    return PlanSave(previous, hashlib.sha256(new_data).hexdigest(), changed)


__all__ = [
    "KPI_FIELDS",
    "FieldEdit",
    "PlanEditError",
    "PlanSave",
    "apply_edits",
    "check_plan_text",
    "file_sha256",
    "number_text",
    "parse_target",
    "save_edits",
]
