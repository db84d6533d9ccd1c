"""AppTest: the Benchmarking page's sections as a visitor meets them (issue 14) and as a rerun serves them
(issue 16): every chart and the map with a text alternative, the rank history in words, plain headings,
an empty group as a sentence, and a rerun that computes and converts nothing again."""

from __future__ import annotations

import json

import duckdb
from streamlit.testing.v1 import AppTest

from helpers import ROOT, open_folds, shown_tables

APP = str(ROOT / "app.py")
PAGE = "views/benchmarking.py"
PARQUET = ROOT / "data" / "medway" / "benchmarks" / "ons_csp.parquet"


def run_page(**state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(PAGE)
    return open_folds(at.run())


def test_every_chart_and_the_map_says_what_it_shows():
    at = run_page()
    assert not at.exception
    group = shown_tables(at)[0].value
    counts = group["Compared with group average"].value_counts()
    dot_plot, _, strip = (c.proto for c in at.get("vega_lite_chart"))  # the map between them, below
    assert dot_plot.alt == (
        "Dot plot of the total recorded crime (excluding fraud) rate per 1,000 residents in the year ending "
        "December 2024 for the 14 CSPs in the group, each with its 95% confidence interval as a bar, and a line "
        f"at the group average of 93.3. Medway: 97.5, above average. Against the average: "
        f"{counts['above average']} above average, {counts['not significantly different']} not significantly "
        f"different and {counts['below average']} below average. The group table gives the same figures."
    )
    (ranked,) = (
        duckdb.connect()
        .execute(
            "SELECT count(*) FROM read_parquet(?) WHERE period_end = DATE '2024-12-31' "
            "AND offence_group = 'total_excl_fraud' AND published_rate_per_1000 IS NOT NULL",
            [str(PARQUET)],
        )
        .fetchone()
    )
    assert strip.alt.startswith(
        "Strip chart of the total recorded crime (excluding fraud) rate per 1,000 residents in the year ending "
        f"December 2024: one grey tick for each of the {ranked} CSPs in England and Wales with a rate"
    )
    assert strip.alt.endswith(f"with Medway marked in black (75 of {ranked}, 1 = highest).")
    # The map is a Vega-Lite chart (no WebGL map on this page), with its shapes in the specification.
    assert not at.get("deck_gl_json_chart")
    (group_map,) = [c for c in at.get("vega_lite_chart") if c.proto.alt.startswith("Map of England and Wales")]
    assert group_map.proto.alt.startswith("Map of England and Wales showing where the 14 CSPs of the group are")
    assert "Medway is ringed in black" in group_map.proto.alt
    map_spec = json.loads(group_map.proto.spec)
    assert len(map_spec["datasets"]["group"]) == 15  # one feature per authority of the 14 CSPs
    # The charts' legends sit under the plots, one entry a line (nothing runs off a phone's screen).
    for chart in (dot_plot, strip):
        spec = json.loads(chart.spec)
        layers = spec.get("layer", [spec])
        legends = [layer["encoding"]["color"]["legend"] for layer in layers if "color" in layer.get("encoding", {})]
        assert legends and all(lg["orient"] == "bottom" and lg["columns"] == 1 for lg in legends)


def test_rank_changes_and_headings_in_words():
    at = run_page()
    history = shown_tables(at)[1].value
    medway = history.set_index("CSP").loc["Medway"]
    # SQL ranks for Medway (tests/app/test_benchmarking_page.py): 7th, 5th and 5th; up 2 places.
    assert medway["Rank, year ending December 2023"] == 7 and medway["Rank, year ending June 2025"] == 5
    assert medway["Change in rank since the year ending December 2023"] == "2 places higher, a worse position"
    page = "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)
    assert "YE Dec" not in page and "YE Jun" not in page and "1st highest" not in page
    assert "moved 2 places higher, a worse position." in page
    # Short headings, each explained in full (the heading's title).
    assert "Year to Dec 2023" in shown_tables(at)[1].headings
    assert 'title="Rank in the group in the year ending December 2023' in shown_tables(at)[1].body
    national = shown_tables(at)[2]
    assert national.names[:4] == ["CSP", "Police force", "Rate per 1,000", "Rank of all CSPs"]
    population = national.value.set_index("CSP")["Population behind the rate"]
    assert population["Medway"] == 282702  # whole people: 27,555 / 97.47 x 1,000
    assert national.text.set_index("CSP").loc["Medway", "Population behind the rate"] == "282,702"


def test_no_peers_is_a_sentence_without_an_empty_group():
    at = run_page(benchmark_peers=[])
    assert not at.exception
    assert any("appear once at least one peer CSP is chosen" in i.value for i in at.info)
    headers = [h.value for h in at.header]
    assert "The group" not in headers and "The group on a map" not in headers
    assert not at.get("deck_gl_json_chart") and len(at.get("vega_lite_chart")) == 1  # the national strip only
    # The national table and the two published tables: no download of a group of one.
    assert len(at.get("download_button")) == 3


def test_a_rerun_computes_and_converts_nothing_again(monkeypatch):
    """The sections' figures, chart specifications and map come from the caches on a rerun (issue 16)."""
    from csp_data import benchmarks as bm
    from csp_data.charts import benchmarks as charts
    from csp_data.maps import benchmarks as maps

    calls = {"compare": 0, "dot plot": 0, "strip": 0, "map": 0, "sources": 0}

    def counted(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(bm, "compare", counted("compare", bm.compare))
    monkeypatch.setattr(bm, "describe_sources", counted("sources", bm.describe_sources))
    monkeypatch.setattr(charts, "group_dot_plot", counted("dot plot", charts.group_dot_plot))
    monkeypatch.setattr(charts, "national_strip_chart", counted("strip", charts.national_strip_chart))
    monkeypatch.setattr(maps, "build_group_map", counted("map", maps.build_group_map))
    at = run_page()
    assert not at.exception
    assert calls == {"compare": 1, "dot plot": 1, "strip": 1, "map": 1, "sources": 1}
    at.run()
    assert not at.exception and len(at.get("vega_lite_chart")) == 3  # dot plot, map, strip
    assert calls == {"compare": 1, "dot plot": 1, "strip": 1, "map": 1, "sources": 1}
    at.selectbox(key="benchmark_offence").set_value("robbery").run()  # a new choice: computed once more
    assert calls == {"compare": 2, "dot plot": 2, "strip": 2, "map": 2, "sources": 1}
