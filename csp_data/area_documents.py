"""The documents an area file names: its plan file and its survey files, checked to exist.

The area file (see :mod:`csp_data.config`) may hold two more tables::

    [plans]
    file = "plans/plans.yaml"            # plans, priorities, actions and KPIs

    [survey]
    files = ["survey/survey_2024.yaml"]  # published survey results, one YAML file per survey
    responses = "survey/responses.csv"   # optional: respondent-level answers, one row per respondent

Paths are relative to the area file, as elsewhere in it. Both tables are optional: an area
without them simply has no plans or surveys to show. The formats of the files are described
in ``data/medway/plans/README.md`` and ``data/medway/survey/README.md``.

:func:`csp_data.config.load_area` reads and checks the tables with the rest of the area file;
this module only checks, when a page needs them, that the files they name exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from csp_data.config import Area
from csp_data.errors import AreaFileError

__all__ = ["AreaDocuments", "file_stamp", "load_area_documents"]


def file_stamp(path: Path) -> tuple[int, int]:
    """Changes when the file is edited (its time of change and size), so an edited file is read again."""
    info = path.stat()
    return info.st_mtime_ns, info.st_size


@dataclass(frozen=True)
class AreaDocuments:
    """The plan and survey files of an area, as absolute paths to existing files.

    Attributes
    ----------
    area_file : pathlib.Path
        The area file that names them.
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


def _existing(area: Area, file: Path, field: str) -> Path:
    """``file`` when it exists; else an error naming the area file's field and where it looked."""
    if not file.is_file():
        folder = Path(area.area_file).parent
        # Said as the area file would say it: relative to the area file when the file is beside it.
        named = file.relative_to(folder).as_posix() if file.is_relative_to(folder) else str(file)
        raise AreaFileError(area.area_file, f"field '{field}' names {named}, which does not exist (looked at {file})")
    return file


def load_area_documents(area: Area, *, plans: bool = True, survey: bool = True) -> AreaDocuments:
    """The plan and survey files an area names, checked to exist.

    Parameters
    ----------
    area : Area
        From :func:`csp_data.config.load_area`, which has read the ``[plans]`` and ``[survey]``
        tables; the area file is not read again.
    plans, survey : bool
        Which documents are wanted: a page or section that reads only the survey is not stopped by a
        missing plan file (the ones not wanted are left out: None and ()).

    Returns
    -------
    AreaDocuments

    Raises
    ------
    AreaFileError
        When a file the area names does not exist. The message names the area file and the
        field (for example ``survey.files[1]``).
    """
    plans_file = None if area.plans_file is None or not plans else _existing(area, area.plans_file, "plans.file")
    survey_files = tuple(
        _existing(area, file, f"survey.files[{index}]")
        for index, file in enumerate(area.survey_files if survey else ())
    )
    responses_file = (
        None if area.responses_file is None or not survey else _existing(area, area.responses_file, "survey.responses")
    )
    return AreaDocuments(
        area_file=Path(area.area_file), plans_file=plans_file, survey_files=survey_files, responses_file=responses_file
    )
