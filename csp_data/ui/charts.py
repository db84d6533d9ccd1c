"""Every chart reaches the page through here: an Altair chart becomes a Vega-Lite specification once,
cached with the figures it draws, and is shown from that specification on every later rerun.

``st.altair_chart`` converts the chart on every rerun and validates it against the whole Vega-Lite
schema, which took 20–130 ms a chart (a page of five charts spent most of its warm rerun there).
:func:`chart_spec` converts it as Streamlit does (the data as Arrow bytes under a content-hash
name, so the browser receives exactly what ``st.altair_chart`` would send) but without the schema
check: the charts are built by this package's code and checked by its tests. The result is plain
data, so a page's cached function can return it with its figures; :func:`show_chart` then only
copies it onto the page.
"""

from __future__ import annotations

import hashlib
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from streamlit import dataframe_util

# Altair's data transformer is a process-wide setting; Streamlit guards its own use of it with this
# lock, so holding the same lock keeps a chart converted here from taking another thread's data.
from streamlit.elements.vega_charts import _altair_globals_lock

import csp_data.charts  # noqa: F401  (its import enables the accessible chart theme)

VegaSpec = dict[str, Any]

_TRANSFORMER = "csp_arrow_dataset"


def _arrow_bytes(data: Any) -> tuple[str, bytes]:
    """The table as Arrow bytes (as Streamlit sends a chart's data), and a name made of their hash."""
    data_bytes = dataframe_util.convert_anything_to_arrow_bytes(data)
    return hashlib.sha256(data_bytes).hexdigest()[:32], data_bytes


def _arrow_dataset(data: Any, datasets: dict[str, bytes]) -> dict[str, str]:
    """Altair data transformer: the table as Arrow bytes, named by a hash of its content."""
    name, datasets_bytes = _arrow_bytes(data)
    datasets[name] = datasets_bytes
    return {"name": name}


alt.data_transformers.register(_TRANSFORMER, _arrow_dataset)


def chart_spec(chart: alt.TopLevelMixin, geojson: dict[str, list[dict]] | None = None) -> VegaSpec:
    """The Vega-Lite specification of ``chart``, its data as Arrow bytes in ``datasets``.

    ``geojson``: GeoJSON features by the name the chart's layers give them (``alt.Data(name=...)``),
    added to ``datasets`` as they are (Streamlit passes GeoJSON datasets to Vega-Lite unchanged).
    """
    datasets: dict[str, bytes] = {}
    with _altair_globals_lock, alt.data_transformers.enable(_TRANSFORMER, datasets=datasets):
        spec = chart.to_dict(validate=False)
    spec["datasets"] = {**(spec.get("datasets") or {}), **datasets, **(geojson or {})}
    return spec


def finished(spec: VegaSpec) -> VegaSpec:
    """A specification written with :mod:`csp_data.charts.vegalite`, its tables turned into Arrow bytes
    named by their content, exactly as :func:`chart_spec` names an Altair chart's. Its tables are named
    in the chart's ``data`` or in its layers' (the only places those helpers put them), layers within
    layers included; data written into a layer (``values``) and GeoJSON features stay as they are."""
    names: dict[str, str] = {}
    datasets: dict[str, Any] = {}
    for own_name, frame in spec["datasets"].items():
        if not isinstance(frame, pd.DataFrame):  # GeoJSON features (a map's): sent as they are
            names[own_name] = own_name
            datasets[own_name] = frame
            continue
        names[own_name], data_bytes = _arrow_bytes(frame)
        datasets[names[own_name]] = data_bytes

    def renamed(part: dict) -> dict:
        if "name" in part.get("data", {}):
            part = part | {"data": {"name": names[part["data"]["name"]]}}
        if "layer" in part:
            part = part | {"layer": [renamed(layer) for layer in part["layer"]]}
        return part

    return renamed(spec) | {"datasets": datasets}


def show_chart(chart: VegaSpec | alt.TopLevelMixin, alt_text: str, height: int | None = None) -> None:
    """Show a chart (a :func:`chart_spec` or :func:`finished` specification, one written with
    :mod:`csp_data.charts.vegalite` and not finished yet, or an Altair chart) across the page's width.

    ``alt_text`` names what the chart shows, for screen readers (WCAG 1.1.1).
    """
    if not isinstance(chart, dict):
        spec = chart_spec(chart)
    elif any(isinstance(table, pd.DataFrame) for table in chart.get("datasets", {}).values()):
        spec = finished(chart)
    else:
        spec = chart
    # The chart is read by its alt text and the table behind it; its marks are not announced one by one (Vega
    # labels each point with its raw fields: "Month: Jan 2025; Incidents recorded: 2181;  : Crime; …"). Axes are.
    config = spec.get("config", {})
    spec = spec | {"config": config | {"mark": config.get("mark", {}) | {"aria": False}}}
    # Streamlit moves the datasets out of the top level of the dict it is given: give it a copy.
    st.vega_lite_chart(dict(spec), width="stretch", height=height if height is not None else "content", alt=alt_text)
