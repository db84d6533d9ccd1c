"""Shareable links: the settings of a view written into the page's address, and read back.

A link holds only what differs from a page's defaults, by parameter (``?period=2025/26&type=asb``).
Things are named by code or key, never by display name: a ward by its ONS code, a CSP by its code,
what is counted by :attr:`csp_data.series.Counted.key`, the period in the command line's syntax
(:func:`csp_data.periods.parse_period`). Reading a link is strict: a value that is repeated, too long,
holds control characters or names something the page does not offer raises :class:`LinkError`
with a reason in words that never repeats the value, and the page keeps its default.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from urllib.parse import quote, urlencode

from csp_data.errors import CspDataError
from csp_data.periods import Period, PeriodError, available_periods, custom_period, parse_period

# -- the parameters -------------------------------------------------------------------------------
PERIOD = "period"  # the sidebar's period: latest, 2025, 2025/26 or 2025-01..2025-06
COUNTED = "type"  # what is counted: crime, asb or crime:<police.uk category>
WARD = "ward"  # a ward's code
WARDS = "wards"  # a ward vintage: 2023, 2022
MEASURE = "measure"  # the ward map's measure: count, rate, change
PEERS = "peers"  # benchmarking peers: CSP codes, comma separated
OFFENCE = "offence"  # benchmarking offence group key
YEAR_TO = "year_to"  # benchmarking year: the ONS year's last day, 2024-12-31

#: Each parameter and how a sentence names it.
PARAMETERS: dict[str, str] = {  # in the order a link lists them
    PERIOD: "period",
    COUNTED: "crime type",
    MEASURE: "measure",
    WARDS: "set of wards",
    WARD: "ward",
    OFFENCE: "offence group",
    YEAR_TO: "year",
    PEERS: "peer group",
}
#: The settings each page keeps in its address besides the period (the sidebar's, every page's), by the page's
#: path; a link's others are taken out when the page opens, so that the address is always the view's link.
PAGE_PARAMETERS: dict[str, tuple[str, ...]] = {
    "ward_map": (COUNTED, MEASURE, WARDS, WARD),
    "hotspots": (COUNTED, WARD),
    "seasonality": (COUNTED,),
    "benchmarking": (OFFENCE, YEAR_TO, PEERS),
}
#: Longer than any value a page writes (every CSP in England and Wales as peers is about 3,200 characters).
MAX_VALUE_LENGTH = 4000
CODE_SEPARATOR = ","
#: Characters left as they are in a link shown to copy, so that it reads as written (all are legal in a query).
READABLE_CHARACTERS = "/:,"


class LinkError(CspDataError, ValueError):
    """A link's value that cannot be used. The message is a reason in words, not the value itself."""


def single_value(values: Sequence[str]) -> str:
    """The one value of a parameter given in a link (``values`` as ``st.query_params.get_all`` gives them).

    Raises
    ------
    LinkError
        When the parameter is given more than once, is over :data:`MAX_VALUE_LENGTH` characters, or
        holds control characters.
    """
    if len(values) != 1:
        raise LinkError("it was given more than once")
    (value,) = values
    if len(value) > MAX_VALUE_LENGTH:
        raise LinkError("it is far too long")
    if any(unicodedata.category(character) == "Cc" for character in value):
        raise LinkError("it holds control characters")
    return value


def option_from_text(text: str, options: Iterable[str], what: str) -> str:
    """``text`` when it is one of ``options``, exactly; otherwise a :class:`LinkError` saying it is not ``what``."""
    if text not in set(options):
        raise LinkError(f"it is not {what}")
    return text


def codes_from_text(text: str, known: Iterable[str], what: str) -> list[str]:
    """The codes of a comma-separated list, each one of ``known``, in the order given, each once.

    An empty text is an empty list (every peer removed).
    """
    known = set(known)
    codes = list(dict.fromkeys(code.strip() for code in text.split(CODE_SEPARATOR))) if text.strip() else []
    if any(code not in known for code in codes):
        raise LinkError(f"it names a code that is not {what}")
    return codes


def codes_text(codes: Iterable[str]) -> str:
    return CODE_SEPARATOR.join(codes)


# -- the period -----------------------------------------------------------------------------------


def period_text(kind: str, period: Period) -> str | None:
    """The period as a link writes it, in the command line's syntax; None for the default, the latest 12 months.

    Parameters
    ----------
    kind : str
        One of :data:`csp_data.periods.PERIOD_KINDS`, as the sidebar chose it.
    period : Period
        The period chosen.
    """
    if kind == "latest12":
        return None
    if kind == "financial":
        return f"{period.first.year}/{(period.first.year + 1) % 100:02d}"
    if kind == "calendar":
        return f"{period.first.year}"
    if kind == "custom":
        return f"{period.first:%Y-%m}..{period.last:%Y-%m}"
    raise ValueError(f"kind should be latest12, financial, calendar or custom, got {kind!r}")


def period_from_text(text: str, loaded: Iterable[date]) -> tuple[str, Period]:
    """The kind and the period a link's ``period`` names, as the sidebar offers them.

    A year must hold a loaded month (as the sidebar's list of years does); custom months must begin and
    end on loaded months (the only ones the sidebar's month boxes offer).

    Raises
    ------
    LinkError
        For text that is not a period, or a period that the sidebar does not offer.
    """
    loaded = sorted(set(loaded))
    try:
        period = parse_period(text, loaded)
    except PeriodError:
        raise LinkError("it is not a period with loaded months") from None
    if period == custom_period(period.first, period.last):
        if period.first not in loaded or period.last not in loaded:
            raise LinkError("its first and last months must both be loaded")
        return "custom", period
    kind = next((kind for kind, offered in available_periods(loaded).items() if period in offered), None)
    if kind is None:  # parse_period and available_periods agree today; never offer what the sidebar does not
        raise LinkError("it is not a period the dashboard offers")
    return kind, period


# -- the whole link -------------------------------------------------------------------------------


def page_parameters(path: str) -> tuple[str, ...]:
    """The settings the page at ``path`` (``ward_map``; the Overview's is "") keeps in its address."""
    return (PERIOD, *PAGE_PARAMETERS.get(path, ()))


def unknown_parameters(names: Iterable[str]) -> list[str]:
    """The names in a link that are none of :data:`PARAMETERS`."""
    return [name for name in names if name not in PARAMETERS]


def describe_problems(problems: Mapping[str, str], unknown: int = 0) -> str:
    """The note for a link with settings a page could not use ("" when there are none).

    Parameters
    ----------
    problems : mapping
        Parameter -> why it could not be used (a :class:`LinkError`'s message).
    unknown : int
        How many parameters the dashboard does not know.
    """
    sentences = []
    if problems:
        parts = [f"the {PARAMETERS.get(name, name)} ({reason})" for name, reason in problems.items()]
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        sentences.append(f"Part of this link could not be used, so the page shows its usual choice for {listed}.")
    if unknown == 1:
        sentences.append("The link holds a setting this dashboard does not use; it was ignored.")
    elif unknown > 1:
        sentences.append(f"The link holds {unknown} settings this dashboard does not use; they were ignored.")
    return " ".join(sentences)


def link_query(values: Mapping[str, str]) -> str:
    """The query string of a link (without its ``?``), parameters in the order of :data:`PARAMETERS`."""
    ordered = [(name, values[name]) for name in PARAMETERS if name in values]
    return urlencode(ordered, safe=READABLE_CHARACTERS, quote_via=quote)


def link(base: str, values: Mapping[str, str]) -> str:
    """``base`` (the page's address) with the settings ``values`` as its query."""
    query = link_query(values)
    return f"{base}?{query}" if query else base
