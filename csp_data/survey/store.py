"""A respondent-level survey file kept in the store, as parquet beside the incidents.

Loaded on the staff pages (checked by :func:`csp_data.survey.read_survey_responses` first), the file
becomes one parquet file, queried with DuckDB like the incidents (the named queries
``survey_responses`` and ``survey_response_notes``)::

    STORE/survey/current.parquet -> responses-<token>.parquet    the file in use (a symbolic link)
    STORE/survey/responses-<token>.parquet                       line, respondent_id, ward_code,
                                                                 age_band, sex, weight, q_<question>...

Columns: ``line`` (the row's line in the file loaded), the file's fixed columns, ``weight`` (1 for
every respondent when the file had no weights) and one text column per question, in the file's
order. The parquet file's key-value metadata holds the name and SHA-256 of the file loaded, when it
was loaded and whether it had weights. A new load writes a new file and switches the link to it with
one rename, so readers see the old respondents or the new, never a mix.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from csp_data.durable import sync_folder
from csp_data.survey.responses import REQUIRED_COLUMNS, Respondent, SurveyResponses

SURVEY_FOLDER = "survey"
CURRENT_LINK = "current.parquet"
_META_PREFIX = "csp."
# A file replaced by a newer load is removed after this long, so a reader that opened it can finish.
KEEP_SECONDS = 600


@dataclass(frozen=True)
class StoredResponses:
    """The respondent file in the store: the parquet file and what it was made from."""

    path: Path
    source_name: str
    sha256: str
    loaded_at: str
    respondents: int
    questions: tuple[str, ...]
    weighted: bool


def responses_table(responses: SurveyResponses, source_name: str, sha256: str, loaded_at: str) -> pa.Table:
    """The respondents as the store keeps them (see the module docstring)."""
    columns: dict[str, pa.Array] = {
        "line": pa.array([r.line for r in responses.respondents], pa.int64()),
        **{c: pa.array([getattr(r, c) for r in responses.respondents], pa.string()) for c in REQUIRED_COLUMNS},
        "weight": pa.array([r.weight for r in responses.respondents], pa.float64()),
    }
    for question in responses.questions:
        columns[f"q_{question}"] = pa.array([r.answers[question] for r in responses.respondents], pa.string())
    metadata = {
        "source_name": source_name,
        "sha256": sha256,
        "loaded_at": loaded_at,
        "weighted": json.dumps(responses.weighted),
        "questions": json.dumps(list(responses.questions)),
    }
    return pa.table(columns).replace_schema_metadata({_META_PREFIX + k: v for k, v in metadata.items()})


def survey_folder(store_root: str | Path) -> Path:
    return Path(store_root) / SURVEY_FOLDER


def save_responses(
    store_root: str | Path, responses: SurveyResponses, source_name: str, sha256: str, now: datetime | None = None
) -> StoredResponses:
    """Write the respondents into the store and make them the ones in use."""
    folder = survey_folder(store_root)
    folder.mkdir(parents=True, exist_ok=True)
    loaded_at = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat()
    table = responses_table(responses, source_name, sha256, loaded_at)
    path = folder / f"responses-{uuid.uuid4().hex}.parquet"
    with open(path, "wb") as handle:
        pq.write_table(table, handle, compression="zstd")
        handle.flush()
        os.fsync(handle.fileno())
    link = folder / f".current-{uuid.uuid4().hex}"
    os.symlink(path.name, link)
    os.replace(link, folder / CURRENT_LINK)
    sync_folder(folder)
    _remove_replaced(folder, path)
    return StoredResponses(
        path=path,
        source_name=source_name,
        sha256=sha256,
        loaded_at=loaded_at,
        respondents=len(responses.respondents),
        questions=responses.questions,
        weighted=responses.weighted,
    )


def _remove_replaced(folder: Path, current: Path | None = None) -> None:
    """Remove the files earlier loads replaced, once :data:`KEEP_SECONDS` have passed since the last switch of
    the link (a reader that opened one before it can finish): respondent-level data is not kept longer than it
    is used. Called by each load and each look-up of the file in use, so it does not wait for another load.
    Only files (and temporary links) themselves older than that are touched: a load still writing its file, or
    about to switch the link to it, is never disturbed. A store this process cannot write (a read-only
    replica) is left for one that can."""
    link = folder / CURRENT_LINK
    now = time.time()
    try:
        current = current or folder / Path(os.readlink(link)).name
        if now - link.lstat().st_mtime <= KEEP_SECONDS:
            return
    except OSError:
        return
    for path in [*folder.glob("responses-*.parquet"), *folder.glob(".current-*")]:
        if path == current:
            continue
        try:
            if now - path.lstat().st_mtime > KEEP_SECONDS:
                path.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            return


def stored_responses_file(store_root: str | Path) -> Path | None:
    """The parquet file in use (its own name, which changes with every load), or None when none is loaded."""
    link = survey_folder(store_root) / CURRENT_LINK
    try:
        target = os.readlink(link)
    except (FileNotFoundError, OSError):
        return None
    path = link.parent / Path(target).name  # only ever a file of this folder
    if not path.is_file():
        return None
    _remove_replaced(link.parent, path)
    return path


Query = Callable[..., pd.DataFrame]


def read_stored_responses(path: str | Path, query: Query) -> SurveyResponses:
    """The respondents of a stored file, read with DuckDB through ``query`` (``Database.query`` or the
    app's cached ``run_query``), as :class:`SurveyResponses` for the weighting functions."""
    notes = query("survey_response_notes", path=str(path))
    meta = {k[len(_META_PREFIX) :]: v for k, v in zip(notes["key"], notes["value"])}
    questions = tuple(json.loads(meta["questions"]))
    rows = query("survey_responses", path=str(path))
    respondents = tuple(
        Respondent(
            respondent_id=row["respondent_id"],
            ward_code=row["ward_code"],
            age_band=row["age_band"],
            sex=row["sex"],
            weight=float(row["weight"]),
            answers={q: row[f"q_{q}"] for q in questions},
            line=int(row["line"]),
        )
        for row in rows.to_dict("records")
    )
    return SurveyResponses(
        path=Path(meta["source_name"]),
        questions=questions,
        weighted=json.loads(meta["weighted"]),
        respondents=respondents,
    )
