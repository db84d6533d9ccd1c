"""Top streets, for the Hotspots page and the ward profile alike: one query (``top_streets.sql``),
with the change by the one rule of :mod:`csp_data.series`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from csp_data.change import compare_counts, describe_change
from csp_data.series import MatchedMonths, RunQuery

#: How many streets the tables list.
TOP_STREETS = 10
#: The label of incidents in no ward of the vintage (points just outside every ward boundary).
NO_WARD = "(no ward)"


def top_streets(
    run_query: RunQuery,
    *,
    first,
    last,
    kind: str,
    crime_type: str | None,
    vintage: str,
    ward_code: str | None = None,
    matched: MatchedMonths | None = None,
    limit: int = TOP_STREETS,
) -> pd.DataFrame:
    """The police.uk locations with the most incidents from ``first`` to ``last``, in one ward or
    (``ward_code=None``) the whole area; all snap points of one name in one ward are counted together, and
    points with no name are left out (their incidents still count in the shares' total).

    Returns ``rank, location, ward_code, ward_name, incidents, share``. With ``matched`` (not 'none'),
    the change as well, by the one rule: when every month is matched, ``previous_incidents`` (the
    same months earlier) and ``change`` in words; when only some are, ``compared_incidents`` (this
    period's matched months) beside ``previous_incidents`` and the change of those, and a street
    with no incident in the compared months has none.
    """
    compare = matched is not None and matched.basis != "none"
    streets = run_query(
        "top_streets",
        first=first,
        last=last,
        kind=kind,
        crime_type=crime_type,
        vintage=vintage,
        ward_code=ward_code,
        limit=limit,
        compared_months=list(matched.current_months) if compare else None,
        previous_months=list(matched.previous_months) if compare else None,
    )
    for column in ("rank", "incidents", "compared_incidents", "previous_incidents"):
        streets[column] = streets[column].astype(np.int64)
    streets["ward_name"] = streets["ward_name"].fillna(NO_WARD)
    columns = ["rank", "location", "ward_code", "ward_name", "incidents", "share"]
    if not compare:
        return streets[columns]
    if matched.complete:
        streets["change"] = [
            describe_change(compare_counts(int(a), int(b)))
            for a, b in zip(streets["incidents"], streets["previous_incidents"])
        ]
        return streets[columns + ["previous_incidents", "change"]]
    has_now = streets["compared_incidents"] > 0
    streets["previous_incidents"] = streets["previous_incidents"].astype("Int64")
    streets.loc[~has_now, "previous_incidents"] = pd.NA
    streets["change"] = [
        describe_change(compare_counts(int(a), int(b))) if ok else np.nan
        for a, b, ok in zip(streets["compared_incidents"], streets["previous_incidents"].fillna(0), has_now)
    ]
    return streets[columns + ["compared_incidents", "previous_incidents", "change"]]
