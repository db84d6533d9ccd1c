"""Where street-level files come from: single CSVs on disk, monthly folders, and zip archives (members
checked before they are read: encrypted, unreadable compression and zip bombs are refused unread)."""

from __future__ import annotations

import io
import lzma
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from csp_data.errors import InputFileError

STREET_FILE_NAME = re.compile(r"(?:^|/)([0-9]{4}-[0-9]{2})-([a-z0-9-]+)-street\.csv$", re.IGNORECASE)
# Zip members: police.uk CSVs compress 4-16 times; a member that claims far more is refused unread.
MAX_MEMBER_BYTES = 4 << 30
MAX_RATIO = 100
RATIO_CHECKED_ABOVE = 16 << 20
_ZIP_METHODS = {
    zipfile.ZIP_STORED: "stored",
    zipfile.ZIP_DEFLATED: "Deflate",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "LZMA",
}


@dataclass(frozen=True)
class StreetFile:
    """One street-level CSV, on disk or inside a zip archive."""

    label: str
    month_hint: str | None
    open: Callable[[], BinaryIO]
    size: int


def street_file_month(name: str) -> str | None:
    """The month a street file's name gives (``2025-01/2025-01-kent-street.csv``: "2025-01"), in a folder or a
    zip alike, whatever its case; None for any other name, macOS's copies of resource forks included
    (``._2025-01-kent-street.csv``, anything under ``__MACOSX/``), which are not CSV at all."""
    base = _file_name(name)
    match = STREET_FILE_NAME.search(base) if base else None
    return match.group(1) if match else None


def _file_name(name: str) -> str | None:
    """The last part of a path in a folder or zip; None for macOS's copies of resource forks."""
    parts = name.replace("\\", "/").split("/")
    return None if "__MACOSX" in parts or parts[-1].startswith("._") else parts[-1]


# A name a street file gets when it is copied or downloaded twice ("2025-03-kent-street (1).csv"): found in a
# folder or zip it is refused, not skipped, or an older copy of a month could load in place of the newer one.
_STREET_LIKE = re.compile(r"-street[^/]*\.csv$", re.IGNORECASE)


def _check_not_stray(label: str, name: str) -> None:
    base = _file_name(name)
    if base and _STREET_LIKE.search(base) and not STREET_FILE_NAME.search(base):
        raise InputFileError(
            label,
            "looks like a police.uk street file, but its name is not YYYY-MM-<force>-street.csv (a second "
            "download's copy, say), so which month it holds is not known: rename it, or remove it if it is a copy",
        )


def _from_disk(path: Path) -> StreetFile:
    match = STREET_FILE_NAME.search(path.name)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror or exc})") from None
    return StreetFile(str(path), match.group(1) if match else None, lambda: open(path, "rb"), size)


def _check_member(path: Path, info: zipfile.ZipInfo) -> None:
    label = f"{path}:{info.filename}"
    if info.flag_bits & 0x1:
        raise InputFileError(label, "the zip member is encrypted; give the files without a password")
    if info.compress_type not in _ZIP_METHODS:
        raise InputFileError(
            label,
            f"the zip member uses compression method {info.compress_type} (such as Deflate64 or AES), "
            "which cannot be read; re-create the zip with ordinary Deflate or unpack it first",
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > MAX_MEMBER_BYTES or (info.file_size > RATIO_CHECKED_ABOVE and ratio > MAX_RATIO):
        raise InputFileError(
            label,
            f"the zip member would unpack to {info.file_size:,} bytes from {info.compress_size:,} "
            f"({ratio:,.0f} times); refused unread, as police.uk files are never like that",
        )


def _from_zip(path: Path) -> list[StreetFile]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = sorted(archive.infolist(), key=lambda i: i.filename)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise InputFileError(path, f"not a readable zip archive ({exc})") from None
    files = []
    for info in infos:
        _check_not_stray(f"{path}:{info.filename}", info.filename)
        month = street_file_month(info.filename)
        if month and not info.is_dir():
            _check_member(path, info)
            files.append(
                StreetFile(
                    f"{path}:{info.filename}",
                    month,
                    lambda name=info.filename: _open_member(path, name),
                    info.file_size,
                )
            )
    if not files:
        raise InputFileError(path, "the zip holds no police.uk street files (YYYY-MM/YYYY-MM-<force>-street.csv)")
    return files


# What reading a damaged zip raises: a bad header or checksum, a cut-short file, or compressed data that
# cannot be decompressed (zlib's and lzma's own errors; bzip2's is an OSError).
_ZIP_ERRORS = (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, zlib.error, lzma.LZMAError)


def _open_member(path: Path, name: str) -> BinaryIO:
    try:
        archive = zipfile.ZipFile(path)
        return _MemberStream(archive, archive.open(name))
    except (*_ZIP_ERRORS, ValueError) as exc:
        raise InputFileError(f"{path}:{name}", f"cannot read from the zip ({exc})") from None


class _MemberStream(io.RawIOBase):
    """A zip member's bytes; closing it closes the archive too, and zip errors become input errors."""

    def __init__(self, archive: zipfile.ZipFile, member):
        self.archive, self.member = archive, member

    def readable(self) -> bool:
        return True

    def readall(self) -> bytes:
        try:
            return self.member.read()
        except _ZIP_ERRORS as exc:
            raise _ZipReadError(str(exc)) from None

    def readinto(self, buffer) -> int:
        try:
            data = self.member.read(len(buffer))
        except _ZIP_ERRORS as exc:
            raise _ZipReadError(str(exc)) from None
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self.member.close()
            self.archive.close()
        super().close()


class _ZipReadError(Exception):
    pass


def discover_street_files(paths: list[str | Path]) -> list[StreetFile]:
    """Expand the paths given to ``ingest`` into the street-level CSV files they hold.

    A folder is searched recursively, and a ``.zip`` read in place, for files named as police.uk names
    them (:func:`street_file_month`; the outcomes and stop-and-search files of a download are skipped);
    any other file is taken as a street-level CSV, whatever its name.
    """
    found: list[StreetFile] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = []
            for p in path.rglob("*"):  # one walk of the folder
                name = p.relative_to(path).as_posix()
                _check_not_stray(str(p), name)
                if street_file_month(name) and p.is_file():
                    files.append(p)
            files.sort()
            if not files:
                raise InputFileError(path, "the folder holds no police.uk street files (*-street.csv)")
            found.extend(_from_disk(p) for p in files)
        elif path.is_file() and path.suffix.lower() == ".zip":
            found.extend(_from_zip(path))
        elif path.is_file():
            found.append(_from_disk(path))
        else:
            raise InputFileError(path, "no such file or folder")
    return found
