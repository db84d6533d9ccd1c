"""The pack's formats, and writing a pack file whole or not at all.

:func:`open_output` checks the output path and creates a temporary file beside it at once (so a
folder that cannot be written is found before any work is done); :meth:`PackFile.commit` moves the
finished file into place with one ``os.replace``; anything else — an error, Ctrl-C — removes the
temporary file and leaves whatever was at the path before untouched.
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path

from csp_data.errors import CspDataError
from csp_data.report.model import Pack
from csp_data.words import slug

#: Format -> (file suffix, media type).
FORMATS = {
    "pdf": (".pdf", "application/pdf"),
    "docx": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


def pack_file_name(short_name: str, first, last, format_name: str) -> str:
    """'medway-scrutiny-pack-2025-01-to-2025-12.pdf'."""
    return f"{slug(short_name) or 'area'}-scrutiny-pack-{first:%Y-%m}-to-{last:%Y-%m}{FORMATS[format_name][0]}"


class ReportError(CspDataError):
    """A pack that cannot be made or written as asked (the message says why, for the user)."""


def choose_format(format_name: str | None, out: str | Path | None) -> str:
    """The format asked for, else the one the file name's suffix names (PDF when neither is given).

    Raises
    ------
    ReportError
        For a format not offered, no format and an unknown suffix, or a suffix of the other format.
    """
    offered = " or ".join(FORMATS)
    if format_name is not None and format_name.lower() not in FORMATS:
        raise ReportError(f"format {format_name!r} is not offered: choose {offered}")
    if out is None:
        return (format_name or "pdf").lower()
    by_suffix = {suffix: name for name, (suffix, _) in FORMATS.items()}
    file_name = Path(out).name
    named = by_suffix.get(Path(out).suffix.lower())
    if format_name is None:
        if named is None:
            raise ReportError(f"give --format {offered}: the file name {file_name!r} does not say which")
        return named
    if named is not None and named != format_name.lower():
        raise ReportError(f"the file name {file_name!r} is for {named}, but --format is {format_name.lower()}")
    return format_name.lower()


def render_pack(pack: Pack, format_name: str) -> bytes:
    """The pack as a ``"pdf"`` or ``"docx"`` document."""
    if format_name == "pdf":
        from csp_data.report.pdf import render_pdf

        return render_pdf(pack)
    if format_name == "docx":
        from csp_data.report.docx import render_docx

        return render_docx(pack)
    raise ReportError(f"format {format_name!r} is not offered: choose {' or '.join(FORMATS)}")


class PackFile:
    """A temporary file beside ``path`` that becomes ``path`` on :meth:`commit` (use it as a context manager)."""

    def __init__(self, path: Path, temporary: Path):
        self.path = path
        self.temporary = temporary
        self.committed = False

    def write(self, data: bytes) -> None:
        try:
            with open(self.temporary, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:  # name the file asked for, not the hidden temporary one (removed on leaving)
            raise OSError(error.errno, error.strerror, str(self.path)) from None

    def commit(self) -> None:
        os.replace(self.temporary, self.path)
        self.committed = True

    def discard(self) -> None:
        if not self.committed:
            try:
                self.temporary.unlink()
            except FileNotFoundError:
                pass

    def __enter__(self) -> PackFile:
        return self

    def __exit__(self, *exc_info) -> None:
        self.discard()  # after commit() there is nothing to discard; on any failure (and Ctrl-C) the file goes


def _cannot_write(path: Path, why: str) -> ReportError:
    return ReportError(f"cannot write {path}: {why}")


def check_output_path(path: str | Path) -> Path:
    """``path`` as a Path when it names a file in an existing folder. A symbolic link is written through:
    the file it points to is the one replaced, and the link stays.

    Raises
    ------
    ReportError
        When the path is a folder or something other than a file (a device such as /dev/null, a pipe, a
        socket: the pack is moved into place by renaming, which would put a file where it was), or its
        folder does not exist or is not a folder.
    """
    path = Path(path)
    if path.is_symlink():
        try:
            path = path.resolve(strict=False)
        except (RuntimeError, OSError):  # a loop of links (Python 3.11 raises RuntimeError)
            raise _cannot_write(path, "it is a symbolic link that leads round in a loop; give a file name") from None
    folder = path.parent
    if path.is_dir():
        raise _cannot_write(path, "it is a folder; give a file name in it, such as scrutiny-pack.pdf")
    if path.exists() and not path.is_file():
        raise _cannot_write(
            path, "it is not a file (a device, pipe or socket); give a file name, such as scrutiny-pack.pdf"
        )
    if not folder.exists():
        raise _cannot_write(path, f"the folder {folder} does not exist")
    if not folder.is_dir():
        raise _cannot_write(path, f"{folder} is not a folder")
    return path


def open_output(path: str | Path) -> PackFile:
    """Check ``path`` can be written, and create the temporary file that :meth:`PackFile.commit` moves there.

    Raises
    ------
    ReportError
        When the folder does not exist or is not a folder, the path is a folder, or the folder cannot be
        written (permission, read-only file system).
    """
    path = check_output_path(path)
    folder = path.parent
    temporary = folder / f".{path.name}.{secrets.token_hex(4)}.part"
    try:
        # Created with the usual permissions (0666 less the umask), as the finished file should have.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except PermissionError:
        raise _cannot_write(path, f"no permission to write in {folder}") from None
    except OSError as error:
        if error.errno == errno.EROFS:
            raise _cannot_write(path, f"{folder} is on a read-only file system") from None
        raise _cannot_write(path, error.strerror or str(error)) from None
    try:
        os.close(descriptor)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return PackFile(path, temporary)
