"""deploy/warm.py: a replica warmed at start-up has every page's figures cached before the first visitor."""

from __future__ import annotations

import pytest
from streamlit_wire import cache_misses, open_session, run_page

import deploy.warm as warm_module
from deploy.serve import serve
from deploy.warm import main, warm


@pytest.fixture(scope="module")
def warmed(tmp_path_factory):
    with serve(tmp_path_factory.mktemp("warm"), replicas=1, warm_pages=True) as stack:
        yield stack


def test_every_page_runs_once_on_the_replica_before_visitors(warmed):
    replica = warmed.replicas[0].url
    misses_after_warming = cache_misses(replica)
    assert misses_after_warming  # the warm-up itself filled the caches
    ws = open_session(warmed.url)
    try:
        run_page(ws)  # the first visitor, through nginx: the Overview
    finally:
        ws.close()
    # Nothing the Overview needs was computed again for the first visitor.
    assert cache_misses(replica) == misses_after_warming


def test_warm_reports_each_page_and_a_replica_that_never_answers(warmed, capsys):
    results = warm(warmed.replicas[0].url)
    assert "Overview" in results and "Glossary" in results and len(results) >= 10
    assert all(isinstance(seconds, float) for seconds in results.values()), results
    assert main([warmed.replicas[0].url]) == 0
    assert "Hotspots:" in capsys.readouterr().out
    with pytest.raises(TimeoutError, match="did not answer its health check"):
        warm("http://127.0.0.1:9", timeout=1)


def test_warm_keeps_every_crime_types_hotspot_statistics_and_reports_a_failure(capsys, monkeypatch, tmp_path):
    niced = []
    monkeypatch.setattr(warm_module.os, "nice", niced.append)  # not this test process's priority
    assert main(["--statistics", "--periods=default"]) == 0
    out = capsys.readouterr().out
    assert "Hotspots statistics for the default period: 15 of 15 choices" in out
    assert "every other year" not in out and niced == []
    # The other years, given no time: counted (7 years of the embedded data, 105 choices), none done, at a
    # lower priority; still a clean run, since what is not kept is computed when first chosen.
    monkeypatch.setattr(warm_module, "OTHER_PERIODS_SECONDS", 0)
    assert main(["--statistics"]) == 0
    out = capsys.readouterr().out
    assert "Hotspots statistics for the default period: 15 of 15 choices" in out
    assert "Hotspots statistics for every other year: 0 of 105 choices" in out and "stopped there" in out
    assert niced == [warm_module.OTHER_PERIODS_NICENESS]
    (tmp_path / "area.toml").write_text("not [valid toml", encoding="utf-8")
    monkeypatch.setenv("CSP_AREA_FILE", str(tmp_path / "area.toml"))
    assert main(["--statistics", "--periods=default"]) == 1  # reported, not raised: the replica keeps serving
    assert "the statistics could not be computed" in capsys.readouterr().out
    assert main([]) == 2
    assert main(["--statistics", "--periods=every"]) == 2
    assert main(["--periods=default"]) == 2
