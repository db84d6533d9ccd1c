"""Vega-Lite specifications written as plain dicts.

Altair copies and checks a chart at every step of building it, and again when writing it out: about
50 ms a chart of the Seasonality page, most of that page's uncached server work. The charts written
with these helpers are the specifications Altair would write for the same chart (the same keys, the
same data tables; the tests check each against the Vega-Lite schema Altair ships), at a fraction of
the cost. Their tables stay pandas DataFrames under ``datasets``, by a name of the chart's own, until
the page turns them into Arrow bytes named by their content (:func:`csp_data.ui.charts.finished`),
as it does for an Altair chart.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
from altair.utils.data import to_values

from csp_data.charts.theme import theme_config

VegaSpec = dict[str, Any]
SCHEMA_URL = alt.SCHEMA_URL


def field(name: str, kind: str, **props: Any) -> dict:
    """An encoding of a data field: ``kind`` is Vega-Lite's type (quantitative, temporal, nominal, ordinal)."""
    return {"field": name, "type": kind, **props}


def tip(name: str, kind: str, title: str, **props: Any) -> dict:
    """One line of a tooltip."""
    return {"field": name, "title": title, "type": kind, **props}


class Tables:
    """The tables of one chart, each named once (the same frame object, the same name)."""

    def __init__(self) -> None:
        self.frames: dict[str, pd.DataFrame] = {}
        self._names: dict[int, str] = {}

    def ref(self, frame: pd.DataFrame) -> dict:
        """``{"name": ...}`` for ``frame``, as a layer's ``data``."""
        name = self._names.get(id(frame))
        if name is None:
            name = f"table-{len(self.frames)}"
            self._names[id(frame)] = name
            self.frames[name] = frame
        return {"name": name}


def mark(kind: str, **props: Any) -> dict:
    return {"type": kind, **props}


def layer(tables: Tables, frame: pd.DataFrame, mark_: dict, encoding: dict, **props: Any) -> dict:
    """One layer drawing ``frame``."""
    return {"data": tables.ref(frame), "mark": mark_, "encoding": encoding, **props}


def layered(tables: Tables, layers: list[dict], data: pd.DataFrame | None = None, **props: Any) -> VegaSpec:
    """A whole layered chart, with the theme's config and the schema. ``data``: the table of the layers that
    name none; without it, the layers' table goes to the top when every layer draws the same one (as
    Altair writes it)."""
    spec: VegaSpec = {"config": theme_config()["config"], "layer": layers}
    if data is not None:
        spec["data"] = tables.ref(data)
    elif layers and all("name" in layer_.get("data", {}) for layer_ in layers):
        if len({layer_["data"]["name"] for layer_ in layers}) == 1:
            spec["layer"] = [{k: v for k, v in layer_.items() if k != "data"} for layer_ in layers]
            spec["data"] = layers[0]["data"]
    return {**spec, **props, "$schema": SCHEMA_URL, "datasets": dict(tables.frames)}


def single(tables: Tables, frame: pd.DataFrame, mark_: dict, encoding: dict, **props: Any) -> VegaSpec:
    """A whole chart of one mark drawing ``frame``, with the theme's config and the schema."""
    spec = {"config": theme_config()["config"], "data": tables.ref(frame), "mark": mark_, "encoding": encoding}
    return {**spec, **props, "$schema": SCHEMA_URL, "datasets": dict(tables.frames)}


def inline(spec: VegaSpec) -> VegaSpec:
    """``spec`` with its tables written into it as rows of JSON values (dates as ISO text), for a renderer
    that takes a specification as JSON (vl-convert, for the scrutiny pack)."""
    return spec | {"datasets": {name: to_values(frame)["values"] for name, frame in spec["datasets"].items()}}
