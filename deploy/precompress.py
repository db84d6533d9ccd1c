"""Gzip the front end's files once, beside them, so that nginx sends them compressed as they are
(``gzip_static on`` in the site) instead of compressing them again for every visitor.

nginx compressing on the fly costs CPU on every request of a visitor with an empty cache: about 0.1 s
for deck.gl's 3 MB chunk (the maps) and 16 ms for the front end's main script, on the same cores that
run the replicas. A file is compressed once here, at the highest level, into ``NAME.gz`` beside it;
nginx checks for that file and sends it to a browser that accepts gzip, and falls back to compressing
on the fly when it is missing. ``make setup`` runs this after installing the packages; run it again
after upgrading Streamlit (``python -m deploy.precompress``).

A ``.gz`` whose file changed after it was written (an upgrade in place) is written again, and its
modification time is the file's own, so it is never older than what it stands for.
"""

from __future__ import annotations

import gzip
import os
import sys
import tempfile
from pathlib import Path

from deploy.nginx_config import streamlit_static_dir

#: What nginx compresses (its ``gzip_types``): text that shrinks, not images or fonts already compressed.
SUFFIXES = frozenset({".js", ".css", ".json", ".svg", ".map", ".txt", ".html"})
MIN_BYTES = 1024  # nginx's gzip_min_length: smaller files are sent as they are


def _up_to_date(source: Path, packed: Path) -> bool:
    try:
        return packed.stat().st_mtime_ns == source.stat().st_mtime_ns
    except FileNotFoundError:
        return False


def precompress(folder: Path) -> tuple[int, int]:
    """Write ``NAME.gz`` beside every compressible file of ``folder`` (recursively) that lacks an up-to-date
    one. Returns (files written, files already up to date)."""
    written = kept = 0
    for source in sorted(folder.rglob("*")):
        if source.suffix not in SUFFIXES or not source.is_file() or source.is_symlink():
            continue
        if source.stat().st_size < MIN_BYTES:
            continue
        packed = source.with_name(source.name + ".gz")
        if _up_to_date(source, packed):
            kept += 1
            continue
        data = gzip.compress(source.read_bytes(), compresslevel=9, mtime=0)
        # Written whole under another name and renamed into place: nginx never sends half a file.
        handle, temporary = tempfile.mkstemp(dir=source.parent, prefix=".precompress-", suffix=".gz")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(temporary, source.stat().st_mode & 0o777)
            stat = source.stat()
            os.utime(temporary, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            os.replace(temporary, packed)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        written += 1
    return written, kept


def main() -> int:
    folder = streamlit_static_dir()
    try:
        written, kept = precompress(folder)
    except OSError as exc:
        print(f"The front end's files in {folder} could not be compressed ({exc}); nginx compresses them itself.")
        return 1
    print(f"Front end compressed for nginx: {written} files written, {kept} already up to date ({folder}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
