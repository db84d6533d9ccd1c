"""deploy/warm.py: a replica warmed at start-up has every page's figures cached before the first visitor."""

from __future__ import annotations

import pytest
from streamlit_wire import cache_misses, open_session, run_page

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
    assert main(["--statistics"]) == 0
    assert "Hotspots statistics for the default period: 15 of 15 choices" in capsys.readouterr().out
    (tmp_path / "area.toml").write_text("not [valid toml", encoding="utf-8")
    monkeypatch.setenv("CSP_AREA_FILE", str(tmp_path / "area.toml"))
    assert main(["--statistics"]) == 1  # reported, not raised: the replica keeps serving
    assert "the statistics could not be computed" in capsys.readouterr().out
    assert main([]) == 2
