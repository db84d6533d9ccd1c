"""The documents an area file names: its plan file and its survey files.

The area file (see :mod:`csp_data.config`) may hold two more tables::

    [plans]
    file = "plans/plans.yaml"            # plans, priorities, actions and KPIs

    [survey]
    files = ["survey/survey_2024.yaml"]  # published survey results, one YAML file per survey
    responses = "survey/responses.csv"   # optional: respondent-level answers, one row per respondent

Paths are relative to the area file, as elsewhere in it. Both tables are optional: an area
without them simply has no plans or surveys to show. The formats of the files are described
in ``data/medway/plans/README.md`` and ``data/medway/survey/README.md``.

:mod:`csp_data.config` reads the rest of the area file; this module reads these two tables
itself, so the pages that need them do not widen the :class:`~csp_data.config.Area` type that
every other part of the dashboard uses.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from csp_data.config import Area
from csp_data.errors import AreaFileError

__all__ = ["AreaDocuments", "load_area_documents"]


@dataclass(frozen=True)
class AreaDocuments:
    """The plan and survey files of an area, resolved to absolute paths.

    Attributes
    ----------
    area_file : pathlib.Path
        The area file they were read from.
    plans_file : pathlib.Path or None
        The plan file, or ``None`` when the area file has no ``[plans]`` table.
    survey_files : tuple of pathlib.Path
        Published survey results; empty when the area file has no ``[survey]`` table.
    responses_file : pathlib.Path or None
        A respondent-level survey file, when one is configured.
    """

    area_file: Path
    plans_file: Path | None
    survey_files: tuple[Path, ...]
    responses_file: Path | None


def _read_toml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AreaFileError(path, "area file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AreaFileError(path, f"cannot read area file ({exc})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AreaFileError(path, f"not valid TOML ({exc})") from None


def _table(doc: dict, name: str, path: Path) -> dict | None:
    table = doc.get(name)
    if table is None:
        return None
    if not isinstance(table, dict):
        raise AreaFileError(path, f"'{name}' should be a table ([{name}]), got {type(table).__name__}")
    return table


def _check_fields(table: dict, name: str, allowed: tuple[str, ...], path: Path) -> None:
    for key in table:
        if key not in allowed:
            raise AreaFileError(
                path, f"unknown field '{name}.{key}'; the [{name}] table takes {', '.join(allowed)}"
            )


def _file(value, field: str, path: Path) -> Path:
    """A path given in the area file, which must name an existing file."""
    if not isinstance(value, str) or not value.strip():
        raise AreaFileError(
            path, f"field '{field}' should be a non-empty string naming a file, got {type(value).__name__} {value!r}"
        )
    resolved = (path.parent / value).resolve()
    if not resolved.is_file():
        raise AreaFileError(path, f"field '{field}' names {value}, which does not exist (looked at {resolved})")
    return resolved


def load_area_documents(area: Area) -> AreaDocuments:
    """Read the ``[plans]`` and ``[survey]`` tables of an area's file.

    Parameters
    ----------
    area : Area
        From :func:`csp_data.config.load_area`; its ``area_file`` is read again.

    Returns
    -------
    AreaDocuments

    Raises
    ------
    AreaFileError
        When a table is not a table, has an unknown field, or a field is missing, of the wrong
        type or names a file that does not exist. The message names the area file and the field
        (for example ``survey.files[1]``).
    """
    path = Path(area.area_file)
    doc = _read_toml(path)

    plans_file = None
    plans = _table(doc, "plans", path)
    if plans is not None:
        _check_fields(plans, "plans", ("file",), path)
        if "file" not in plans:
            raise AreaFileError(path, "missing field 'plans.file' (the plan file, e.g. \"plans/plans.yaml\")")
        plans_file = _file(plans["file"], "plans.file", path)

    survey_files: tuple[Path, ...] = ()
    responses_file = None
    survey = _table(doc, "survey", path)
    if survey is not None:
        _check_fields(survey, "survey", ("files", "responses"), path)
        files = survey.get("files", [])
        if not isinstance(files, list):
            raise AreaFileError(
                path, f"field 'survey.files' should be a list of file names, got {type(files).__name__} {files!r}"
            )
        survey_files = tuple(_file(value, f"survey.files[{index}]", path) for index, value in enumerate(files))
        if "responses" in survey:
            responses_file = _file(survey["responses"], "survey.responses", path)

    return AreaDocuments(
        area_file=path, plans_file=plans_file, survey_files=survey_files, responses_file=responses_file
    )
