"""The changes staff make on the partnership site, each made by the same code as the command line and
recorded in the change log (:mod:`csp_data.audit`).

Uploaded files are untrusted: each is bounded in size, saved under a safe name in a private temporary
folder (never under the name or path the browser sent), checked by the same reader as on the command
line, and removed afterwards. Error messages are those of the command line, naming the file as
uploaded.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from csp_data.audit import Actor, Change, record_change, sha256_of
from csp_data.config import Area
from csp_data.errors import CspDataError, InputFileError
from csp_data.store.versions import Store

#: Largest upload taken, in megabytes: police.uk files (a CSV, or the archive zip) and survey files.
POLICE_UPLOAD_LIMIT_MB = 200
SURVEY_UPLOAD_LIMIT_MB = 20
POLICE_SUFFIXES = (".csv", ".zip")
SURVEY_SUFFIXES = (".csv",)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class UploadError(CspDataError):
    """An uploaded file that cannot be used (the message says why, naming the file as uploaded)."""


def safe_file_name(sent_name: str, suffixes: tuple[str, ...]) -> str:
    """The name to save an upload under: the last part of what the browser sent, letters, digits and
    ``.-_`` only, with one of ``suffixes``; a hostile name (``../../etc/passwd``, NUL bytes) becomes harmless.

    Raises
    ------
    UploadError
        When the name does not end in one of ``suffixes``.
    """
    last = str(sent_name).replace("\\", "/").rsplit("/", 1)[-1]
    suffix = next((s for s in suffixes if last.lower().endswith(s)), None)
    if suffix is None:
        shown = "".join(c if c.isprintable() else "?" for c in last)[:100]
        raise UploadError(f"{shown!r} is not a {' or '.join(suffixes)} file; choose one of those")
    stem = _UNSAFE.sub("-", last[: -len(suffix)]).strip(".-")[:100] or "upload"
    return stem + suffix


def check_size(data: bytes, name: str, limit_mb: int) -> None:
    """Refuse an upload over the limit (an empty one is left to the reader, which says so as ever)."""
    if len(data) > limit_mb * 1024 * 1024:
        raise UploadError(f"{name} is {len(data) / 1024 / 1024:,.1f} MB; files up to {limit_mb} MB can be loaded")


@contextmanager
def upload_on_disk(data: bytes, name: str) -> Iterator[Path]:
    """The upload as a file in a private temporary folder, removed on leaving; errors that name the
    temporary path name the file alone, as the command line would name a file given by its name."""
    with tempfile.TemporaryDirectory(prefix="csp-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            yield path
        except InputFileError as exc:
            raise UploadError(str(exc).replace(folder + "/", "")) from None


# ---- police.uk months ----


@dataclass(frozen=True)
class Outcome:
    """What a change did: its result (reports, rows removed...) and the change-log entry written."""

    result: object
    entry: dict


def load_police_data(
    data: bytes, sent_name: str, area: Area, store: Store, actor: Actor, allow_empty: bool = False
) -> Outcome:
    """Load an uploaded street-level CSV or archive zip with :func:`csp_data.store.ingest.ingest`.

    Returns an Outcome whose result is the list of :class:`~csp_data.store.ingest.MonthReport`.

    Raises
    ------
    UploadError
        For a file too large, of the wrong kind, or refused by ingest (its message, as on the
        command line); the store is then exactly as it was and nothing is logged.
    """
    from csp_data.store.ingest import ingest

    name = safe_file_name(sent_name, POLICE_SUFFIXES)
    check_size(data, name, POLICE_UPLOAD_LIMIT_MB)
    with upload_on_disk(data, name) as path:
        notes: list[str] = []
        reports = ingest([str(path)], area, store, allow_empty=allow_empty, notes=notes)
    recorded = [r for r in reports if r.recorded]
    if not recorded:  # other forces' files only, with no row in the area: nothing changed, so nothing is logged
        forces = ", ".join(sorted({r.force for r in reports})) or "no force"
        raise UploadError(
            f"{name}: nothing was loaded. Its {sum(r.rows_read for r in reports):,} rows ({forces}) hold none in "
            f"{area.short_name}; check that the file is for {area.short_name}'s police force"
        )
    months = sorted({r.month for r in recorded})
    rows = sum(r.rows_kept for r in recorded)
    entry = record_change(
        store.root,
        actor,
        Change(
            action="load police data",
            summary=f"Loaded {len(months)} month(s) of police.uk data ({rows:,} rows in the area) from {name}."
            + "".join(f" {note}" for note in notes),
            file_name=name,
            sha256=sha256_of(data),
            rows=rows,
            details={
                "months": months,
                "forces": sorted({r.force for r in recorded}),
                "rows_read": sum(r.rows_read for r in reports),
                "store_version": store.version(),
            },
        ),
    )
    return Outcome(reports, entry)


def remove_police_data(store: Store, months: list[str], force: str | None, actor: Actor) -> Outcome:
    """Remove a mistaken load with :func:`csp_data.store.health.remove_months`; the result is the ledger
    rows removed."""
    from csp_data.store.health import remove_months

    if not months:
        raise CspDataError("choose at least one month to remove")
    removed = remove_months(store, sorted(months), force)
    rows = sum(int(r["rows_kept"]) for r in removed)
    entry = record_change(
        store.root,
        actor,
        Change(
            action="remove police data",
            summary=f"Removed {len(months)} month(s) of police.uk data ({rows:,} rows)"
            + (f" of {force}." if force else " of every force."),
            rows=rows,
            details={"months": sorted(months), "force": force, "store_version": store.version()},
        ),
    )
    return Outcome(removed, entry)


# ---- the plan file ----


def save_plan_edits(plan_file: Path, edits: list, expected_sha256: str, store: Store, actor: Actor) -> Outcome:
    """Change KPI values, targets and plan text with :func:`csp_data.plans.edit.save_edits` (checked by
    the plan file's rules, written atomically); the result is its PlanSave."""
    from csp_data.plans.edit import save_edits

    saved = save_edits(plan_file, edits, expected_sha256)
    entry = record_change(
        store.root,
        actor,
        Change(
            action="edit plans",
            summary=f"Changed {len(saved.changed)} value(s) of the plan file {Path(plan_file).name}.",
            file_name=Path(plan_file).name,
            sha256=saved.sha256,
            details={"previous_sha256": saved.previous_sha256, "changed": list(saved.changed)},
        ),
    )
    return Outcome(saved, entry)


# ---- respondent-level survey files ----


def load_survey_file(data: bytes, sent_name: str, store: Store, actor: Actor) -> Outcome:
    """Check an uploaded respondent-level CSV with :func:`csp_data.survey.read_survey_responses` and keep
    it in the store (:mod:`csp_data.survey.store`); the result is its StoredResponses."""
    from csp_data.survey.responses import read_survey_responses
    from csp_data.survey.store import save_responses

    name = safe_file_name(sent_name, SURVEY_SUFFIXES)
    check_size(data, name, SURVEY_UPLOAD_LIMIT_MB)
    digest = sha256_of(data)
    with upload_on_disk(data, name) as path:
        responses = read_survey_responses(path)
    stored = save_responses(store.root, responses, name, digest)
    entry = record_change(
        store.root,
        actor,
        Change(
            action="load survey responses",
            summary=f"Loaded {stored.respondents:,} survey respondents from {name}"
            + (" (weighted)." if stored.weighted else " (no weights: each counts once)."),
            file_name=name,
            sha256=digest,
            rows=stored.respondents,
            details={"questions": list(stored.questions), "stored_as": stored.path.name},
        ),
    )
    return Outcome(stored, entry)
