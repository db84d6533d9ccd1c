"""The change log: one line per change, appended and never rewritten, with a chain of hashes that shows
a line changed or removed afterwards."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from csp_data import audit
from csp_data.audit import Actor, AuditError, Change, audit_log_path, read_changes, record_change
from helpers import ROOT

ANN = Actor(email="ann@example.org", name="Ann Analyst", subject="sub-ann")


def change(number: int) -> Change:
    return Change(
        action="load police data",
        summary=f"Loaded month {number}.",
        file_name=f"2026-{number:02d}-kent-street.csv",
        sha256="ab" * 32,
        rows=number * 10,
        details={"months": [f"2026-{number:02d}"]},
    )


def test_an_entry_holds_who_when_what_file_hash_and_rows(tmp_path):
    when = datetime(2026, 3, 4, 5, 6, 7, 891, tzinfo=UTC)
    record_change(tmp_path, ANN, change(1), now=when)
    lines = audit_log_path(tmp_path).read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 2
    assert json.loads(lines[0]) == {
        "time": "2026-03-04T05:06:07+00:00",
        "who": {"email": "ann@example.org", "name": "Ann Analyst", "subject": "sub-ann"},
        "action": "load police data",
        "summary": "Loaded month 1.",
        "file_name": "2026-01-kent-street.csv",
        "sha256": "ab" * 32,
        "rows": 10,
        "details": {"months": ["2026-01"]},
        "previous": "",
    }


def test_each_change_appends_one_line_and_never_rewrites_what_was_there(tmp_path):
    path = audit_log_path(tmp_path)
    for number in range(1, 6):
        before = path.read_bytes() if path.exists() else b""
        inode = path.stat().st_ino if path.exists() else None
        record_change(tmp_path, ANN, change(number))
        after = path.read_bytes()
        assert hashlib.sha256(after[: len(before)]).hexdigest() == hashlib.sha256(before).hexdigest()
        assert after[len(before) :].count(b"\n") == 1 and after.endswith(b"\n")
        assert inode is None or path.stat().st_ino == inode  # the same file, appended to, not replaced
    log = read_changes(tmp_path)
    assert log.problems == []
    assert [e["rows"] for e in log.entries] == [10, 20, 30, 40, 50]
    lines = path.read_bytes().splitlines()
    for previous, entry in zip(lines, log.entries[1:]):
        assert entry["previous"] == hashlib.sha256(previous).hexdigest()


def test_the_log_is_only_opened_for_appending(tmp_path, monkeypatch):
    flags = []
    real_open = os.open

    def spy(path, flag, *args, **kwargs):
        if str(path).endswith(audit.AUDIT_FILE):
            flags.append(flag)
        return real_open(path, flag, *args, **kwargs)

    monkeypatch.setattr(audit.os, "open", spy)
    record_change(tmp_path, ANN, change(1))
    record_change(tmp_path, ANN, change(2))
    writes = [f for f in flags if f & (os.O_WRONLY | os.O_RDWR)]
    assert len(writes) == 2 and all(f & os.O_APPEND and not f & os.O_TRUNC for f in writes)
    assert all(f & (os.O_WRONLY | os.O_RDWR) == 0 for f in flags if f not in writes)


@pytest.mark.parametrize("damage, lines_named", [("edit", [3]), ("remove", [2]), ("insert", [3, 4])])
def test_a_line_changed_or_removed_afterwards_is_reported(tmp_path, damage, lines_named):
    for number in range(1, 5):
        record_change(tmp_path, ANN, change(number))
    path = audit_log_path(tmp_path)
    lines = path.read_bytes().splitlines(keepends=True)
    if damage == "edit":
        lines[1] = lines[1].replace(b'"rows":20', b'"rows":21')
    elif damage == "remove":
        del lines[1]
    else:
        lines.insert(2, lines[0])
    path.write_bytes(b"".join(lines))
    log = read_changes(tmp_path)
    assert log.problems == [
        f"line {n} does not follow the line before it: the log has been changed there" for n in lines_named
    ]


@pytest.mark.parametrize("length", [(1 << 16) - 300, 1 << 16, (1 << 16) + 1, 3 * (1 << 16) + 17, 1 << 20])
def test_a_long_entry_is_chained_whole(tmp_path, length):
    # A plan summary of a megabyte is one line too: the next entry hashes all of it, not its last 64 KB.
    record_change(tmp_path, ANN, change(1))
    record_change(tmp_path, ANN, Change(action="edit plans", summary="x" * length))
    record_change(tmp_path, ANN, change(3))
    log = read_changes(tmp_path)
    assert log.problems == [] and [e["action"] for e in log.entries] == ["load police data", "edit plans"] + [
        "load police data"
    ]
    long_line = audit_log_path(tmp_path).read_bytes().splitlines()[1]
    assert log.entries[2]["previous"] == hashlib.sha256(long_line).hexdigest()


def test_blank_lines_at_the_end_are_not_the_last_entry(tmp_path):
    record_change(tmp_path, ANN, change(1))
    with open(audit_log_path(tmp_path), "ab") as handle:
        handle.write(b"\n\n")
    record_change(tmp_path, ANN, change(2))
    assert read_changes(tmp_path).problems == []


def test_a_line_cut_short_by_a_crash_is_reported_and_the_next_entry_starts_a_new_line(tmp_path):
    record_change(tmp_path, ANN, change(1))
    path = audit_log_path(tmp_path)
    with open(path, "ab") as handle:
        handle.write(b'{"time":"2026-01-0')  # a write cut short, no newline
    record_change(tmp_path, ANN, change(2))
    log = read_changes(tmp_path)
    assert [e["rows"] for e in log.entries] == [10, 20]
    assert log.problems == ["line 2 is not a whole entry (a write was cut short)"]
    assert path.read_bytes().splitlines()[1] == b'{"time":"2026-01-0'


def test_names_sent_by_a_browser_cannot_break_a_line(tmp_path):
    hostile = Change(
        action="load police data",
        summary="Loaded.",
        file_name='evil\n{"rows": 1}\r\x00\u2028name.csv' + "x" * 1000,
    )
    record_change(tmp_path, Actor(email="a\nb@example.org", name="\x1b[31mred", subject=None), hostile)
    data = audit_log_path(tmp_path).read_bytes()
    assert data.count(b"\n") == 1 and data.isascii()
    entry = read_changes(tmp_path).entries[0]
    assert entry["file_name"].startswith('evil?{"rows": 1}???name.csv') and len(entry["file_name"]) == 300
    assert entry["who"] == {"email": "a?b@example.org", "name": "?[31mred", "subject": None}


def test_writers_in_several_processes_keep_every_line_whole_and_in_chain(tmp_path):
    script = (
        "import sys\n"
        "from csp_data.audit import Actor, Change, record_change\n"
        "for n in range(25):\n"
        "    record_change(sys.argv[1], Actor(email=f'w{sys.argv[2]}@example.org'), "
        "Change(action='edit plans', summary='x' * 200, rows=n))\n"
    )
    processes = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path), str(i)], cwd=ROOT) for i in range(4)]
    assert [p.wait(timeout=120) for p in processes] == [0, 0, 0, 0]
    log = read_changes(tmp_path)
    assert log.problems == []
    assert len(log.entries) == 100
    for writer in range(4):
        rows = [e["rows"] for e in log.entries if e["who"]["email"] == f"w{writer}@example.org"]
        assert rows == list(range(25))


def test_a_log_that_cannot_be_written_says_the_change_was_made(tmp_path):
    (tmp_path / "audit").write_text("a file where the folder should be")
    with pytest.raises(AuditError, match="the change was made, but it could not be recorded"):
        record_change(tmp_path, ANN, change(1))


def test_no_log_reads_as_no_entries(tmp_path):
    log = read_changes(tmp_path)
    assert log.entries == [] and log.problems == []


def test_the_change_log_table_shows_lines_edited_into_another_shape():
    from csp_data.ui.staff import change_log_frame

    entries = [
        {"time": "2026-01-01T00:00:00+00:00", "who": {"email": "ann@example.org"}, "action": "edit plans", "rows": 3},
        {"time": 5, "who": "mallory", "action": ["x"], "summary": {"a": 1}, "rows": True},
        {"who": ["a", "b"], "summary": None, "sha256": 1.5},
        {"who": {"name": "Ann"}},
        {},
    ]
    frame = change_log_frame(entries)
    frame = frame.astype(object).where(frame.notna(), None)  # missing as None, whatever the column's type
    assert frame.to_dict("records")[::-1] == [
        {
            "time": "2026-01-01T00:00:00+00:00",
            "who": "ann@example.org",
            "action": "edit plans",
            "summary": None,
            "file_name": None,
            "sha256": None,
            "rows": 3,
        },
        {
            "time": 5,
            "who": "mallory",
            "action": '["x"]',
            "summary": '{"a": 1}',
            "file_name": None,
            "sha256": None,
            "rows": "true",
        },
        {
            "time": None,
            "who": '["a", "b"]',
            "action": None,
            "summary": None,
            "file_name": None,
            "sha256": "1.5",
            "rows": None,
        },
        {"time": None, "who": "Ann", "action": None, "summary": None, "file_name": None, "sha256": None, "rows": None},
        {"time": None, "who": None, "action": None, "summary": None, "file_name": None, "sha256": None, "rows": None},
    ]
