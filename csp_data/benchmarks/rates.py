"""The rate of each row of the tidy table: ONS's own where it publishes one, else computed, and said which.

* **ONS's own rate**, where the source has one (Table C4, for the year of the
  release): the figure exactly as published, also kept as
  ``published_rate_per_1000``.  ONS divides by unrounded mid-year populations,
  although Table C4 prints them rounded to 100; ``rate_population`` holds the
  population its rates imply, count / rate * 1000 (282,702 for Medway, printed
  as 282,700), checked to be the same for every offence group of a CSP and
  within 50 of the printed population.  That population scales the rate's
  confidence interval, so the rate shown is ONS's and lies inside its interval.
* **A rate computed here**, where ONS publishes none (the year before, from
  Table C5, and a C2-only CSV export): ``count / population * 1000`` with the
  printed population, rounded to 100, which is then ``rate_population``.
  Such a rate can differ from the one ONS would publish in the second decimal
  place (by up to 50/population of the rate: under 0.02% for Medway; 0.8% for
  the Isles of Scilly, whose rates imply 2,281 residents, printed as 2,300).
  For the year ending December 2024, where both can be compared, 927 of ONS's
  7,199 rates differ from count / printed population at two decimals.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from csp_data.benchmarks.errors import BenchmarkFileError
from csp_data.benchmarks.groups import OFFENCE_BY_KEY, OFFENCE_KEYS, RATE_COMPUTED, RATE_PUBLISHED, TIDY_COLUMNS

# A rate ONS publishes must equal count / (the population its rates imply) x 1,000 to this
# relative tolerance (a count one off in 27,555 is 4e-5), and that population must lie
# within 50 of the one printed, rounded to 100.
RATE_RTOL = 1e-6
ROUNDING = 50


def implied_population(long: pd.DataFrame) -> pd.Series:
    """The population ONS's rates imply, count / rate x 1,000, for each CSP and period.

    One value per CSP and period (the median over its offence groups with a
    count and a rate above 0, rounded to a millionth of a person to drop
    floating-point noise: 282,702 for Medway), aligned with ``long``'s rows;
    null where ONS publishes no rate.
    """
    count = long["count"].astype("float64")
    published = long["published_rate_per_1000"].astype("float64")
    usable = (count > 0) & (published > 0)
    implied = (count / published * 1000).where(usable)
    keys = [long["csp_code"], pd.to_datetime(long["period_end"])]
    return implied.groupby(keys).transform("median").round(6)


def check_published_rates(
    long: pd.DataFrame, printed: pd.DataFrame, counts_table: str, error: Callable[[str, int], BenchmarkFileError]
) -> None:
    """Table C4's rates must be the counts of Table C2 over one population per CSP, within 50 of the printed one.

    Parameters
    ----------
    long : pandas.DataFrame
        Tidy rows of the release's year with ``published_rate_per_1000`` and
        ``implied_population``.
    printed : pandas.DataFrame
        Table C4's CSP rows indexed by ``csp_code`` (``population``, ``source_row``).
    counts_table : str
        Name of the table the counts come from, for the message ("Table C2").
    error : callable
        ``error(problem, row)`` makes the error naming Table C4's sheet and row.

    Raises
    ------
    BenchmarkFileError
        Naming the Table C4 row and column of the first rate that is not.
    """
    count = long["count"].astype("float64")
    published = long["published_rate_per_1000"].astype("float64")
    population = long["implied_population"].astype("float64")
    expected = np.where(count == 0, 0.0, count / population * 1000)
    checked = published.notna() & count.notna()
    wrong = checked & ~np.isclose(published, expected, rtol=RATE_RTOL, atol=0)
    if wrong.any():
        first = long[wrong].iloc[0]
        label = OFFENCE_BY_KEY[first["offence_group"]].label
        basis = (
            f"the population the CSP's other rates imply ({first['implied_population']:,.0f})"
            if pd.notna(first["implied_population"])
            else "no population (its other rates are 0)"
        )
        raise error(
            f"column {label!r}: rate {float(first['published_rate_per_1000'])!r} for {first['csp_name']} is not "
            f"{counts_table}'s count {first['count']:,.0f} x 1,000 / {basis}",
            int(printed.at[first["csp_code"], "source_row"]),
        )
    shown = long["csp_code"].map(printed["population"]).astype("float64")
    far = published.notna() & ((population - shown).abs() > ROUNDING + RATE_RTOL * shown)
    if far.any():
        first = long[far].iloc[0]
        raise error(
            f"the rates of {first['csp_name']} imply a population of {first['implied_population']:,.0f}, "
            f"not within {ROUNDING} of the {shown[far].iloc[0]:,.0f} printed (rounded to 100)",
            int(printed.at[first["csp_code"], "source_row"]),
        )


def set_rates(long: pd.DataFrame) -> pd.DataFrame:
    """``rate_per_1000``, ``rate_source`` and ``rate_population`` from counts, populations and ONS's rates.

    ONS's own rate wherever it publishes one, with the population it implies
    (``implied_population``); otherwise count / printed population x 1,000,
    unless ONS withholds the CSP's rates (``rate_withheld``).
    """
    withheld = long["rate_withheld"].fillna(False).astype(bool)
    count = long["count"].astype("float64")
    population = long["population"].astype("float64")
    published = long["published_rate_per_1000"].astype("float64")
    computed = (count / population * 1000).where(~withheld & (population > 0))
    is_published = published.notna()
    is_computed = ~is_published & computed.notna()
    long["rate_per_1000"] = published.where(is_published, computed)
    long["rate_population"] = (
        long["implied_population"].astype("float64").where(is_published, population.where(is_computed))
    )
    source = pd.Series(None, index=long.index, dtype="object")
    source[is_published] = RATE_PUBLISHED
    source[is_computed] = RATE_COMPUTED
    long["rate_source"] = source
    return long


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Store column order and dtypes; rows sorted by period, CSP, offence order."""
    out = frame.loc[:, list(TIDY_COLUMNS)].copy()
    for column in ("count", "population", "population_year"):
        out[column] = pd.array(out[column].astype("Float64").round(), dtype="Int64")
    for column in ("rate_per_1000", "rate_population", "published_rate_per_1000"):
        out[column] = out[column].astype("float64")
    out["rate_source"] = out["rate_source"].astype("str")  # like the other text columns; nulls stay null
    out["period_end"] = pd.to_datetime(out["period_end"]).astype("datetime64[ns]")
    # By period, CSP code and the ONS order of offence groups (unknown groups last), as integer keys:
    # sorting on the text columns themselves took most of the time of reading a table.
    offence = pd.Categorical(out["offence_group"], categories=list(OFFENCE_KEYS)).codes.astype("int64")
    offence[offence < 0] = len(OFFENCE_KEYS)
    csp = pd.factorize(out["csp_code"], sort=True, use_na_sentinel=False)[0]
    period = out["period_end"].to_numpy().view("int64")
    return out.take(np.lexsort((offence, csp, period))).reset_index(drop=True)


def finish(long: pd.DataFrame, reference: pd.DataFrame | None) -> pd.DataFrame:
    """Join population facts, set rates and put columns in store order."""
    if reference is not None:
        long = long.merge(reference.drop(columns="la_codes"), on="csp_code", how="left")
    else:
        long = long.assign(population=np.nan, population_year=np.nan, population_source=None, rate_withheld=False)
    if "published_rate_per_1000" not in long:
        long["published_rate_per_1000"] = np.nan
    if "implied_population" not in long:
        long["implied_population"] = implied_population(long)
    long = set_rates(long)
    long["offence_label"] = long["offence_group"].map(lambda key: OFFENCE_BY_KEY[key].label)
    long["parent_group"] = long["offence_group"].map(lambda key: OFFENCE_BY_KEY[key].parent)
    return typed(long)


def upgrade(frame: pd.DataFrame) -> pd.DataFrame:
    """A table written before ``rate_source``, with its rates set as :func:`load_benchmarks` sets them now.

    Tables written by earlier versions held count / printed population x 1,000
    even where ONS publishes a rate; the stored counts, populations and ONS
    rates are enough to set them again.  A CSP whose rate was null although it
    has a count and a population had its rates withheld by ONS.
    """
    frame = frame.copy()
    frame["rate_withheld"] = (
        frame["rate_per_1000"].isna() & frame["count"].notna() & (frame["population"].astype("float64") > 0)
    )
    frame["implied_population"] = implied_population(frame)
    return set_rates(frame)
