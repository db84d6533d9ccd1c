"""The change log of the staff pages: one JSON line per change, appended and never rewritten.

``STORE/audit/changes.jsonl`` holds a line for every change made on the staff pages (a load of
police.uk months, a removal, an edit of the plan file, a survey file loaded): who made it and when,
what it was, the file's name and SHA-256, and the rows it touched. The file is only ever opened with
``O_APPEND``; each line is written with one ``write`` and synced to disk before the change is
reported done. Each line also holds the SHA-256 of the line before it, so a line changed or removed
afterwards shows when the log is read (:func:`read_changes` says where).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from csp_data.durable import sync_folder
from csp_data.errors import CspDataError

AUDIT_FOLDER = "audit"
AUDIT_FILE = "changes.jsonl"
_TAIL_BYTES = 1 << 16  # the last line is read back this many bytes at a time
_TEXT_LIMIT = 300


class AuditError(CspDataError):
    """The change log cannot be written or read (the message says what to check)."""


@dataclass(frozen=True)
class Actor:
    """Who made a change: the identity the sign-in provider gave."""

    email: str | None
    name: str | None = None
    subject: str | None = None

    @property
    def label(self) -> str:
        return self.email or self.name or self.subject or "unknown user"


@dataclass(frozen=True)
class Change:
    """What a change was, as the log records it.

    Attributes
    ----------
    action : str
        A short fixed name: ``load police data``, ``remove police data``, ``edit plans``,
        ``load survey responses``.
    summary : str
        One sentence for the people who read the log.
    file_name, sha256 : str or None
        The file the change came from (as its sender named it) and its SHA-256.
    rows : int or None
        Rows added or removed.
    details : dict
        Anything else worth keeping (months, the store version), as JSON values.
    """

    action: str
    summary: str
    file_name: str | None = None
    sha256: str | None = None
    rows: int | None = None
    details: dict = field(default_factory=dict)


@dataclass
class ChangeLog:
    """The log as read: its entries, oldest first, and anything wrong with it."""

    entries: list[dict]
    problems: list[str]


def audit_log_path(store_root: str | Path) -> Path:
    return Path(store_root) / AUDIT_FOLDER / AUDIT_FILE


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _plain(text: str | None) -> str | None:
    """A name as sent by a browser, kept to printable characters and a sensible length."""
    if text is None:
        return None
    cleaned = "".join(c if c.isprintable() else "?" for c in str(text))
    return cleaned[:_TEXT_LIMIT]


def _tail(descriptor: int) -> tuple[bytes, bool]:
    """The file's last line, however long (without its newline; b'' for an empty file), and whether the file
    ends whole. Read backwards a block at a time until the newline before it."""
    size = os.fstat(descriptor).st_size
    end = size
    while end > 0 and os.pread(descriptor, 1, end - 1) == b"\n":
        end -= 1
    pieces, position = [], end
    while position > 0:
        step = min(_TAIL_BYTES, position)
        block = os.pread(descriptor, step, position - step)
        position -= step
        newline = block.rfind(b"\n")
        pieces.append(block[newline + 1 :])
        if newline >= 0:
            break
    return b"".join(reversed(pieces)), end < size or size == 0


def record_change(store_root: str | Path, actor: Actor, change: Change, now: datetime | None = None) -> dict:
    """Append one entry for ``change`` to the log, synced to disk; return the entry.

    Writers hold an exclusive lock on the log while they append, so two sites (or replicas) writing at
    once keep the lines whole and the chain of hashes in order.

    Raises
    ------
    AuditError
        When the log cannot be written (the change itself has then been made: the message says so).
    """
    path = audit_log_path(store_root)
    entry = {
        "time": (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat(),
        "who": {"email": _plain(actor.email), "name": _plain(actor.name), "subject": _plain(actor.subject)},
        "action": change.action,
        "summary": change.summary,
        "file_name": _plain(change.file_name),
        "sha256": change.sha256,
        "rows": change.rows,
        "details": change.details,
    }
    try:
        created = not path.exists()
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o640)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            reader = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            try:
                previous, ends_whole = _tail(reader)
            finally:
                os.close(reader)
            entry["previous"] = sha256_of(previous) if previous else ""
            line = json.dumps(entry, ensure_ascii=True, separators=(",", ":")).encode("ascii") + b"\n"
            # A line torn by a crash is left as it is; the new one starts on a line of its own.
            line = line if ends_whole else b"\n" + line
            if os.write(descriptor, line) != len(line):
                raise OSError(errno.ENOSPC, "the disk is full")
            os.fsync(descriptor)
        finally:
            os.close(descriptor)  # closing releases the lock
        if created:
            sync_folder(path.parent)
    except OSError as exc:
        raise AuditError(
            f"the change was made, but it could not be recorded in the change log ({exc.strerror or exc}); "
            "tell the site's maintainers"
        ) from None
    return entry


def read_changes(store_root: str | Path) -> ChangeLog:
    """Every entry of the log, oldest first, with a note for each line that is damaged or out of chain."""
    path = audit_log_path(store_root)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return ChangeLog([], [])
    except OSError as exc:
        raise AuditError(f"the change log cannot be read ({exc.strerror or exc})") from None
    entries, problems = [], []
    previous = b""
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line:
            continue
        try:
            entry = json.loads(line)
            if not isinstance(entry, dict):
                raise ValueError("not an object")
        except ValueError:
            problems.append(f"line {number} is not a whole entry (a write was cut short)")
            previous = line
            continue
        expected = sha256_of(previous) if previous else ""
        if entry.get("previous") != expected:
            problems.append(f"line {number} does not follow the line before it: the log has been changed there")
        entries.append(entry)
        previous = line
    return ChangeLog(entries, problems)
