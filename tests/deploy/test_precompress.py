"""deploy/precompress.py: the front end's files gzipped once beside them, for nginx's gzip_static."""

from __future__ import annotations

import gzip
import os

from deploy.precompress import MIN_BYTES, precompress


def test_compressible_files_get_an_up_to_date_gz_beside_them(tmp_path):
    script = tmp_path / "static" / "js" / "index.abc123.js"
    script.parent.mkdir(parents=True)
    script.write_bytes(b"console.log('hello');\n" * 200)
    style = tmp_path / "static" / "css" / "index.css"
    style.parent.mkdir(parents=True)
    style.write_text("body { margin: 0 }\n" * 100)
    small = tmp_path / "static" / "js" / "tiny.js"
    small.write_bytes(b"x" * (MIN_BYTES - 1))  # nginx sends it as it is
    image = tmp_path / "static" / "logo.png"
    image.write_bytes(os.urandom(4000))  # already compressed
    linked = tmp_path / "static" / "js" / "link.js"
    linked.symlink_to(script)
    os.chmod(script, 0o644)

    assert precompress(tmp_path) == (2, 0)
    packed = script.with_name(script.name + ".gz")
    assert gzip.decompress(packed.read_bytes()) == script.read_bytes()
    assert gzip.decompress((style.parent / "index.css.gz").read_bytes()) == style.read_bytes()
    assert len(packed.read_bytes()) < len(script.read_bytes()) / 10
    assert packed.stat().st_mtime_ns == script.stat().st_mtime_ns
    assert packed.stat().st_mode & 0o777 == 0o644
    assert not (small.parent / "tiny.js.gz").exists()
    assert not (image.parent / "logo.png.gz").exists()
    assert not (linked.parent / "link.js.gz").exists()
    assert not list(tmp_path.rglob(".precompress-*"))

    assert precompress(tmp_path) == (0, 2)  # nothing to do
    script.write_bytes(b"console.log('changed');\n" * 200)  # upgraded in place
    os.utime(script, ns=(script.stat().st_atime_ns, packed.stat().st_mtime_ns + 10**9))
    assert precompress(tmp_path) == (1, 1)
    assert gzip.decompress(packed.read_bytes()) == script.read_bytes()
    assert packed.stat().st_mtime_ns == script.stat().st_mtime_ns
