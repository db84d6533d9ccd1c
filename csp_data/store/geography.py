"""Ward boundaries, point-in-polygon ward assignment and ward population."""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from csp_data.config import Area, WardVintage
from csp_data.errors import InputFileError


@lru_cache(maxsize=8)
def _read_boundaries(path: Path, code_field: str, name_field: str) -> gpd.GeoDataFrame:
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise InputFileError(path, f"cannot read ward boundaries ({exc})") from None
    for setting, field in (("code_field", code_field), ("name_field", name_field)):
        if field not in frame.columns:
            raise InputFileError(
                path,
                f"boundary file has no field {field!r}, which the area file's [[wards]] {setting} names "
                f"(fields: {', '.join(map(str, frame.columns))})",
            )
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    qualifier = _district_names(frame)
    frame = frame[[code_field, name_field, "geometry"]].rename(
        columns={code_field: "ward_code", name_field: "ward_name"}
    )
    if qualifier is not None:
        frame["district"] = qualifier.to_numpy()
    frame = _checked_wards(path, frame, code_field, name_field)
    qualifier = frame.pop("district") if "district" in frame.columns else None
    frame["ward_name"] = unique_labels(frame["ward_name"], qualifier, frame["ward_code"])
    return frame.sort_values("ward_code").reset_index(drop=True)


def _checked_wards(path: Path, frame: gpd.GeoDataFrame, code_field: str, name_field: str) -> gpd.GeoDataFrame:
    """Every ward with a code, a name and a shape, each code one ward's: a ward drawn as several features
    (same code and name) becomes one; a code given to two names is refused, as it would count each
    incident in both."""
    for column, field, what in (("ward_code", code_field, "code"), ("ward_name", name_field, "name")):
        text = frame[column].astype("string").str.strip()
        blank = text.isna() | (text == "")
        if blank.any():
            first = int(blank.to_numpy().nonzero()[0][0])
            raise InputFileError(
                path,
                f"boundary feature {first + 1} has no ward {what} in its field {field!r}; "
                "every ward needs a code and a name",
            )
        frame[column] = text.astype(str)
    empty = frame.geometry.isna() | frame.geometry.is_empty
    if empty.any():
        first = int(empty.to_numpy().nonzero()[0][0])
        raise InputFileError(path, f"boundary feature {first + 1} (ward {frame['ward_code'].iloc[first]}) has no shape")
    names = frame.groupby("ward_code")["ward_name"].unique()
    clash = names[names.map(len) > 1]
    if not clash.empty:
        code, both = clash.index[0], clash.iloc[0]
        raise InputFileError(
            path,
            f"the ward code {code} (field {code_field!r}) is given to more than one ward ({', '.join(map(str, both))}); "
            "each ward needs its own code, or every incident there would be counted in each of them",
        )
    if frame["ward_code"].duplicated().any():  # one ward in several features: one shape
        frame = frame.dissolve(by="ward_code", as_index=False, aggfunc="first")
    return frame


def _district_names(frame: pd.DataFrame) -> pd.Series | None:
    """The local authority name of each ward, when the boundary file has it (ONS files: LAD25NM and the like)."""
    column = next((c for c in frame.columns if re.fullmatch(r"LAD\d\dNM", str(c))), None)
    return frame[column].astype(str) if column else None


def unique_labels(names: pd.Series, qualifier: pd.Series | None, codes: pd.Series) -> pd.Series:
    """Ward names as labels that tell apart wards of the same name: 'Town (Dartford)', 'Town (Gravesham)'.

    Wards are identified by code everywhere; the label is what people read, so two wards must never
    share one. The qualifier is the local authority name where the file has it, else the ward code.
    """
    names = names.astype(str)
    clash = names.duplicated(keep=False)
    if not clash.any():
        return names
    labelled = names.copy()
    if qualifier is not None:
        labelled[clash] = names[clash] + " (" + qualifier[clash] + ")"
    still = labelled.duplicated(keep=False)
    labelled[still] = names[still] + " (" + codes[still].astype(str) + ")"
    return labelled


def ward_boundaries(vintage: WardVintage) -> gpd.GeoDataFrame:
    """Return the wards of one vintage as ``ward_code, ward_name, geometry`` in WGS84 lon/lat.

    The frame is cached per file; callers get a copy they may change.
    """
    return _read_boundaries(vintage.boundary_file, vintage.code_field, vintage.name_field).copy()


@lru_cache(maxsize=8)
def _ward_index(path: Path, code_field: str, name_field: str) -> shapely.STRtree:
    """A spatial index over one vintage's prepared polygons, built once per process."""
    polygons = np.asarray(_read_boundaries(path, code_field, name_field).geometry.values)
    shapely.prepare(polygons)  # prepared polygons make the many point tests much faster
    return shapely.STRtree(polygons)


def ward_labels(vintage: WardVintage) -> tuple[pa.Array, pa.Array]:
    """The codes and names of a vintage's wards, in the order :func:`assign_wards` indexes them."""
    return _ward_labels(vintage.boundary_file, vintage.code_field, vintage.name_field)


@lru_cache(maxsize=8)
def _ward_labels(path: Path, code_field: str, name_field: str) -> tuple[pa.Array, pa.Array]:
    frame = _read_boundaries(path, code_field, name_field)
    return pa.array(frame["ward_code"].tolist(), pa.string()), pa.array(frame["ward_name"].tolist(), pa.string())


def assign_wards(longitude: np.ndarray, latitude: np.ndarray, wards: gpd.GeoDataFrame | WardVintage) -> np.ndarray:
    """Index of the ward polygon that covers each point, or -1 for points in no ward.

    A point on a boundary shared by two wards goes to the ward that comes first in ``wards``
    (sorted by code), so the result does not depend on the order of the input rows. police.uk
    points are snap points that repeat many times, so each distinct point is tested once.

    Parameters
    ----------
    longitude, latitude : numpy.ndarray
        WGS84 coordinates; NaN for missing.
    wards : WardVintage or geopandas.GeoDataFrame
        A vintage (its index is cached), or a frame as returned by :func:`ward_boundaries`.
    """
    # One complex number per point: np.unique sorts those much faster than rows of a 2-column array.
    xy = np.asarray(longitude, dtype=float) + 1j * np.asarray(latitude, dtype=float)
    if len(xy) == 0:
        return np.full(0, -1, dtype=np.int64)
    distinct, back = np.unique(xy, return_inverse=True)
    if isinstance(wards, WardVintage):
        memo = _ward_memo(wards.boundary_file, wards.code_field, wards.name_field)
        return memo.lookup(distinct)[back.ravel()]
    polygons = np.asarray(wards.geometry.values)
    shapely.prepare(polygons)
    return _query(shapely.STRtree(polygons), distinct)[back.ravel()]


def _query(tree: shapely.STRtree, points: np.ndarray) -> np.ndarray:
    point_index, ward_index = tree.query(shapely.points(points.real, points.imag), predicate="intersects")
    found = np.full(len(points), -1, dtype=np.int64)
    # Process the highest ward index first so that the lowest one wins on shared boundaries.
    order = np.argsort(-ward_index, kind="stable")
    found[point_index[order]] = ward_index[order]
    return found


class _WardMemo:
    """The ward of every snap point already tested: police.uk reuses the same points month after month."""

    LIMIT = 2_000_000

    def __init__(self, tree: shapely.STRtree):
        self.tree = tree
        self.lock = threading.Lock()  # ingest wards two files at once
        self.points = np.empty(0, dtype=complex)  # sorted
        self.wards = np.empty(0, dtype=np.int64)

    def lookup(self, distinct: np.ndarray) -> np.ndarray:
        """Wards of sorted, distinct points (lon + 1j * lat)."""
        with self.lock:
            return self._lookup(distinct)

    def _lookup(self, distinct: np.ndarray) -> np.ndarray:
        position = np.minimum(np.searchsorted(self.points, distinct), max(len(self.points) - 1, 0))
        known = (self.points[position] == distinct) if len(self.points) else np.zeros(len(distinct), dtype=bool)
        result = np.empty(len(distinct), dtype=np.int64)
        result[known] = self.wards[position[known]]
        new = distinct[~known]
        if len(new):
            result[~known] = found = _query(self.tree, new)
            if len(self.points) + len(new) <= self.LIMIT:
                points = np.concatenate([self.points, new])
                order = np.argsort(points, kind="stable")
                self.points, self.wards = points[order], np.concatenate([self.wards, found])[order]
        return result


@lru_cache(maxsize=8)
def _ward_memo(path: Path, code_field: str, name_field: str) -> _WardMemo:
    return _WardMemo(_ward_index(path, code_field, name_field))


def ward_population(area: Area) -> pd.DataFrame:
    """Population per ward (``ward_code, population``) for the vintage the population file uses.

    Raises
    ------
    InputFileError
        When the file lacks the configured fields or holds a value that is not a whole number.
    """
    population = area.population
    if population is None:
        return pd.DataFrame({"ward_code": pd.Series(dtype=str), "population": pd.Series(dtype="int64")})
    try:
        # "n/a" is named as written; blank lines are kept, so that a row's line is its index + 2.
        frame = pd.read_csv(population.file, dtype=str, keep_default_na=False, skip_blank_lines=False)
    except Exception as exc:
        raise InputFileError(population.file, f"cannot read population file ({exc})") from None
    for setting, field in (("code_field", population.code_field), ("value_field", population.value_field)):
        if field not in frame.columns:
            raise InputFileError(
                population.file,
                f"population file has no column {field!r}, which the area file's [population] {setting} names "
                f"(columns: {', '.join(map(str, frame.columns))})",
            )
    codes = frame[population.code_field].str.strip()
    vintage = area.ward_vintage(population.vintage)
    wards = ward_boundaries(vintage).set_index("ward_code")["ward_name"]
    ours = codes.isin(set(wards.index))  # a national file holds every ward; the area's are the ones counted
    if not ours.any():
        raise InputFileError(
            population.file,
            f"no value of its column {population.code_field!r} is a ward code in {vintage.boundary_file.name} "
            f"(such as {wards.index[0]!r}); check the area file's [population] code_field and vintage",
        )
    if missing := [code for code in wards.index if code not in set(codes[ours])]:
        named = ", ".join(f"{wards[c]} ({c})" for c in missing[:3]) + (" and others" if len(missing) > 3 else "")
        raise InputFileError(
            population.file,
            f"no population for {len(missing)} of the {len(wards)} wards in {vintage.boundary_file.name}: {named}. "
            "Rates need every ward's, or the area's total would be short",
        )
    if (repeated := codes[ours][codes[ours].duplicated()]).any():
        line = int(np.flatnonzero((codes == repeated.iloc[0]).to_numpy())[1]) + 2
        raise InputFileError(population.file, f"ward {repeated.iloc[0]} is given a population twice", line)
    values = pd.to_numeric(frame[population.value_field].str.replace(",", "", regex=False), errors="coerce")
    bad = ours & (values.isna() | (values < 0) | (values != values.round()))
    if bad.any():
        line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise InputFileError(
            population.file, f"population {frame[population.value_field].iloc[line - 2]!r} is not a whole number", line
        )
    return pd.DataFrame({"ward_code": codes[ours], "population": values[ours].astype("int64")}).reset_index(drop=True)
