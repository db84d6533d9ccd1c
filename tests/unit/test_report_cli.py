"""``python -m csp_data report``: the pack written whole, and every error as one line with exit status 2,
no file at the path and no temporary file left beside it."""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from datetime import date

import pytest

from csp_data.cli import main
from csp_data.periods import PeriodError, parse_period
from csp_data.report import output
from helpers import MEDWAY_AREA_FILE, ROOT

MONTHS_2025 = [date(2025, m, 1) for m in range(1, 13)]


@pytest.fixture(scope="module")
def store_copy(tmp_path_factory):
    """A copy of the embedded store, so that a rebuild of the embedded data during the run cannot disturb it."""
    target = tmp_path_factory.mktemp("store") / "store"
    shutil.copytree(ROOT / "data" / "medway" / "store", target, symlinks=True)
    return target


def run(capsys, store, *args: str) -> tuple[int, list[str], str]:
    code = main(["report", "--area", str(MEDWAY_AREA_FILE), "--store", str(store), *args])
    captured = capsys.readouterr()
    return code, captured.err.splitlines(), captured.out


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


# -- periods ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "last", "label"),
    [
        ("latest", date(2025, 1, 1), date(2025, 12, 1), "Latest 12 months"),
        ("2025", date(2025, 1, 1), date(2025, 12, 1), "Calendar year 2025"),
        ("2025/26", date(2025, 4, 1), date(2026, 3, 1), "Financial year 2025/26"),
        ("2024/25", date(2024, 4, 1), date(2025, 3, 1), "Financial year 2024/25"),
        (" 2025-02..2025-06 ", date(2025, 2, 1), date(2025, 6, 1), "Custom: Feb 2025 to Jun 2025"),
        ("LATEST", date(2025, 1, 1), date(2025, 12, 1), "Latest 12 months"),
    ],
)
def test_parse_period(text, first, last, label):
    period = parse_period(text, MONTHS_2025)
    assert (period.first, period.last, period.label) == (first, last, label)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("next year", "is not one this tool knows"),
        ("2025/27", "is written 2025/26"),
        ("2025-13..2025-14", "2025-13 is not a month"),
        ("2025-06..2025-01", "the last month (Jan 2025) is before the first"),
        ("2025-1..2025-6", "is not one this tool knows"),
        ("0000", "0000 is not a year"),
        ("٢٠٢٥", "is not one this tool knows"),  # digits, but not ASCII ones
        ("2023", "holds no loaded month; months loaded: Jan 2025 to Dec 2025"),
        ("2025-03", "period '2025-03': one month is written as a run of one, 2025-03..2025-03 (Mar 2025)"),
        ("2025-13", "period '2025-13': 2025-13 is not a month"),
        ("x" * 12000, "period '" + "x" * 40 + "'… (12,000 characters) is not one this tool knows"),
    ],
)
def test_parse_period_refuses(text, message):
    with pytest.raises(PeriodError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_period(text, MONTHS_2025)


def test_parse_period_with_nothing_loaded():
    with pytest.raises(PeriodError, match="no police.uk months are loaded"):
        parse_period("latest", [])


# -- errors: one line, exit 2, nothing written ------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "next-year"], "error: period 'next-year' is not one this tool knows: give latest"),
        (["--period", "2025-13..2025-14"], "error: period '2025-13..2025-14': 2025-13 is not a month"),
        (["--period", "2025/27"], "error: period '2025/27': a financial year runs April to March"),
        (["--period", "1999"], "error: period '1999' (Jan 1999 to Dec 1999) holds no loaded month"),
        (["--since", "1999"], "error: --since: period '1999' (Jan 1999 to Dec 1999) holds no loaded month"),
        (["--since", "2025-1"], "error: --since: period '2025-1' is not one this tool knows"),
        (["--format", "html"], "error: format 'html' is not offered: choose pdf or docx"),
        (["--format", "docx"], "error: the file name 'pack.pdf' is for pdf, but --format is docx"),
        (["--period", "2025", "--since", "2025"], "error: the last pack's period (Calendar year 2025 (Jan 2025 "),
        (["--period", "2024", "--since", "2025"], "error: the last pack's period (Calendar year 2025 (Jan 2025 "),
    ],
)
def test_bad_request_is_one_line_and_nothing_is_written(capsys, tmp_path, store_copy, args, message):
    out = tmp_path / "pack.pdf"
    code, err, _ = run(capsys, store_copy, "--out", str(out), *args)
    assert code == 2
    assert len(err) == 1 and err[0].startswith(message), err
    assert not out.exists() and leftovers(tmp_path) == []


def test_a_file_name_that_names_no_format(capsys, tmp_path, store_copy):
    code, err, _ = run(capsys, store_copy, "--out", str(tmp_path / "pack.txt"))
    assert (code, err) == (2, ["error: give --format pdf or docx: the file name 'pack.txt' does not say which"])
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder(capsys, tmp_path, store_copy):
    out = tmp_path / "no-such-folder" / "pack.pdf"
    code, err, _ = run(capsys, store_copy, "--out", str(out))
    assert (code, err) == (2, [f"error: cannot write {out}: the folder {out.parent} does not exist"])
    assert list(tmp_path.iterdir()) == []


def test_a_folder_as_the_output(capsys, tmp_path, store_copy):
    code, err, _ = run(capsys, store_copy, "--out", str(tmp_path), "--format", "pdf")
    assert code == 2 and err == [
        f"error: cannot write {tmp_path}: it is a folder; give a file name in it, such as scrutiny-pack.pdf"
    ]
    assert list(tmp_path.iterdir()) == []


def test_a_file_as_the_folder(capsys, tmp_path, store_copy):
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "pack.pdf"
    code, err, _ = run(capsys, store_copy, "--out", str(out))
    assert (code, err) == (2, [f"error: cannot write {out}: {out.parent} is not a folder"])


def test_a_pipe_as_the_output_is_refused_and_left_a_pipe(capsys, tmp_path, store_copy):
    """A pack is moved into place by renaming, which would put a file where a pipe or a device (/dev/null)
    was: such a path is refused."""
    pipe = tmp_path / "pack.pdf"
    os.mkfifo(pipe)
    code, err, _ = run(capsys, store_copy, "--out", str(pipe))
    assert (code, err) == (
        2,
        [
            f"error: cannot write {pipe}: it is not a file (a device, pipe or socket); give a file name, such as "
            "scrutiny-pack.pdf"
        ],
    )
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode) and leftovers(tmp_path) == []


def test_a_loop_of_links_as_the_output_is_refused(capsys, tmp_path, store_copy):
    (tmp_path / "a.pdf").symlink_to(tmp_path / "b.pdf")
    (tmp_path / "b.pdf").symlink_to(tmp_path / "a.pdf")
    code, err, _ = run(capsys, store_copy, "--out", str(tmp_path / "a.pdf"))
    assert (code, err) == (
        2,
        [
            f"error: cannot write {tmp_path / 'a.pdf'}: it is a symbolic link that leads round in a loop; give a file name"
        ],
    )


@pytest.mark.slow
def test_a_link_as_the_output_is_written_through(capsys, tmp_path, store_copy):
    (tmp_path / "packs").mkdir()
    target, link = tmp_path / "packs" / "latest.pdf", tmp_path / "pack.pdf"
    target.write_bytes(b"the old pack")
    link.symlink_to(target)
    code, err, printed = run(capsys, store_copy, "--period", "2025", "--out", str(link))
    assert (code, err) == (0, [])
    assert link.is_symlink() and target.read_bytes().startswith(b"%PDF-")
    assert leftovers(tmp_path) == [] and leftovers(tmp_path / "packs") == []


def test_a_folder_without_permission(store_copy):
    """Run as an unprivileged user when root (root may write anywhere), else with the folder made read-only."""
    folder = tempfile.mkdtemp(prefix="pt-report-readonly-")
    readable = tempfile.mkdtemp(prefix="pt-report-store-")  # a store copy the unprivileged user can read
    try:
        os.chmod(readable, 0o755)
        shutil.copytree(store_copy, os.path.join(readable, "store"), symlinks=True)
        os.chmod(folder, stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
        out = os.path.join(folder, "pack.pdf")
        store = os.path.join(readable, "store")
        command = [sys.executable, "-m", "csp_data", "report", "--store", store, "--out", out]
        if os.geteuid() == 0:  # root may write anywhere: run the command as an unprivileged user
            drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            if shutil.which("setpriv") is None:
                pytest.skip("setpriv (util-linux) is needed to drop root's privileges")
            probe = subprocess.run([*drop, sys.executable, "-c", "import csp_data"], cwd=ROOT, capture_output=True)
            if probe.returncode != 0:
                pytest.skip("cannot run this checkout's Python as an unprivileged user")
            command = drop + command
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 2
        assert result.stderr.splitlines() == [f"error: cannot write {out}: no permission to write in {folder}"]
        assert os.listdir(folder) == []
    finally:
        os.chmod(folder, stat.S_IRWXU)
        shutil.rmtree(folder)
        shutil.rmtree(readable)


# -- failures while making the pack ----------------------------------------------------------------------


def test_ctrl_c_while_typesetting_leaves_the_old_file_and_no_temporary(capsys, tmp_path, store_copy, monkeypatch):
    out = tmp_path / "pack.pdf"
    out.write_bytes(b"the previous pack")

    def interrupted(pack, format_name):
        raise KeyboardInterrupt

    monkeypatch.setattr("csp_data.report.render_pack", interrupted)
    code, err, _ = run(capsys, store_copy, "--period", "2025", "--out", str(out))
    assert (code, err) == (130, ["error: interrupted; no file was written"])
    assert out.read_bytes() == b"the previous pack" and leftovers(tmp_path) == []


def test_a_failure_while_writing_leaves_no_temporary(capsys, tmp_path, store_copy, monkeypatch):
    """A full disk while the pack is written: one line naming the file asked for (not the hidden temporary
    one, which is removed), and nothing left."""
    out = tmp_path / "pack.docx"

    def full_disk(descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", full_disk)
    code, err, _ = run(capsys, store_copy, "--period", "2025", "--out", str(out))
    assert (code, err) == (2, [f"error: {out}: the disk is full. Free some space and run the command again."])
    assert list(tmp_path.iterdir()) == []


# -- the pack written ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_writes_the_pdf_whole(tmp_path, store_copy):
    """The real command in its own process, as an analyst runs it; with the default file name."""
    result = subprocess.run(
        [sys.executable, "-m", "csp_data", "report", "--store", str(store_copy), "--period", "2025"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    written = tmp_path / "medway-scrutiny-pack-2025-01-to-2025-12.pdf"
    assert result.stdout.startswith(f"Wrote {written.name} (")
    assert "Calendar year 2025" in result.stdout
    assert written.read_bytes().startswith(b"%PDF-")
    assert stat.S_IMODE(written.stat().st_mode) & 0o044 == 0o044  # readable by others, like any file made here
    assert leftovers(tmp_path) == [] and result.stderr == ""


@pytest.mark.slow
def test_writes_the_docx_with_the_since_section(capsys, tmp_path, store_copy):
    import docx

    out = tmp_path / "pack.docx"
    code, err, printed = run(capsys, store_copy, "--period", "2025", "--since", "2025-01..2025-03", "--out", str(out))
    assert (code, err) == (0, [])
    assert printed.startswith(f"Wrote {out} (")
    data = out.read_bytes()
    assert zipfile.is_zipfile(io.BytesIO(data))
    headings = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs if p.style.name == "Heading 1"]
    assert headings[:2] == ["In brief", "What changed since the last pack"]
    assert leftovers(tmp_path) == []
