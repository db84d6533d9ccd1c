"""The ONS benchmark table is read once for each version of its file and shared by the pages that use it."""

from __future__ import annotations

import os
import shutil

import pytest

from csp_data import benchmarks as bm
from csp_data.benchmarks import store as benchmark_store
from csp_data.ui import context
from helpers import ROOT


def test_one_read_for_each_version_of_the_file(tmp_path, monkeypatch):
    source = bm.find_benchmark_table(ROOT / "data" / "medway" / "store", ROOT / "data" / "medway")
    path = tmp_path / "benchmarks.parquet"
    shutil.copy(source, path)
    reads = []
    real = benchmark_store.read_benchmark_table
    monkeypatch.setattr(bm, "read_benchmark_table", lambda p: reads.append(str(p)) or real(p))
    context._benchmark_table.cache_clear()

    first = context.benchmark_table(path)
    assert context.benchmark_table(path) is first  # the Overview, then Priorities or Benchmarking
    assert context.benchmark_table(str(path), path.stat().st_mtime_ns) is first
    assert reads == [str(path)] and len(first) > 0
    # A newer file (an analyst loads the next ONS release) is read again.
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert context.benchmark_table(path) is not first and len(reads) == 2
    # No file: the reader's own error, which names it.
    with pytest.raises(bm.BenchmarkFileNotFoundError, match="no benchmark table"):
        context.benchmark_table(tmp_path / "missing.parquet")
    context._benchmark_table.cache_clear()
