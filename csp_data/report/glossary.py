"""The pack's glossary: every term the pack uses that a reader may not know, and no term it does not use.

Each term has the patterns that show it is used (searched in the whole text of the pack, before the
glossary is added) and one plain definition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from csp_data.report.model import Pack, Section, Table


@dataclass(frozen=True)
class Term:
    term: str
    meaning: str
    patterns: tuple[str, ...]  # regular expressions, matched case-sensitively as written


TERMS: tuple[Term, ...] = (
    Term(
        "ASB (anti-social behaviour)",
        "Behaviour that causes or is likely to cause harassment, alarm or distress, as reported to the police. "
        "It is recorded separately from crime and never added to crime totals.",
        (r"\bASB\b", r"[Aa]nti-social behaviour"),
    ),
    Term(
        "CSP (Community Safety Partnership)",
        "The statutory partnership of the council, police, probation, fire and rescue and health that must "
        "assess crime and disorder in its area and agree a plan to reduce it.",
        (r"\bCSPs?\b", r"Community Safety Partnership"),
    ),
    Term(
        "Most Similar Group",
        "The areas the Home Office judges most like this one in population, deprivation and other factors "
        "that drive crime, so that its crime rate can be compared fairly.",
        (r"Most Similar Group", r"similar areas"),
    ),
    Term(
        "Rate per 1,000",
        "Incidents for every 1,000 residents: the count divided by the population and multiplied by 1,000, so "
        "areas of different sizes can be compared.",
        (r"per 1,000",),
    ),
    Term(
        "95% confidence interval",
        "The range within which the true figure very probably lies, given the chance variation in counts of "
        "events. Where two intervals or an interval and an average do not overlap, the difference is unlikely "
        "to be chance.",
        (r"confidence interval", r"95% interval"),
    ),
    Term(
        "Within normal variation",
        "A change small enough that chance alone could produce it: its 95% confidence interval includes no "
        "change, so it is not called a real rise or fall.",
        (r"normal variation",),
    ),
    Term(
        "Not significantly different",
        "The same idea for a comparison with an average: the area's interval includes the average, so the gap "
        "could be chance.",
        (r"not significantly different",),
    ),
    Term(
        "Partial period",
        "A period in which some months are not loaded. Its counts cover fewer months than its name suggests; "
        "the pack says how many wherever such a figure appears.",
        (r"partial", r"\b\d+ of \d+ months\b"),
    ),
    Term(
        "Financial year",
        "April to March, the year councils and police budget and report by (2025/26 is April 2025 to March 2026).",
        (r"[Ff]inancial year",),
    ),
    Term(
        "RAG status",
        "Red, amber or green: whether a KPI meets its target (green), misses it narrowly (amber) or by more "
        "(red). 'No data' is its own state, used when there is no figure, target or baseline to judge by.",
        (r"\bRAG\b",),
    ),
    Term(
        "KPI (key performance indicator)",
        "A figure the partnership's plan follows to judge progress on a priority.",
        (r"\bKPIs?\b",),
    ),
    Term(
        "police.uk snap point",
        "police.uk does not publish addresses: each incident is moved to the nearest of a set of anonymous map "
        "points (a street segment or place), so locations are approximate.",
        (r"snap point",),
    ),
    Term(
        "ONS recorded crime excluding fraud",
        "Crimes recorded by the police for the area as published by the Office for National Statistics (ONS), "
        "with fraud and computer misuse left out, because they are recorded nationally rather than by the local "
        "force.",
        (r"excluding fraud", r"\bONS\b"),
    ),
    Term(
        "Year ending …",
        "A 12-month period named by its last month: 'year ending June 2025' is July 2024 to June 2025.",
        (r"[Yy]ear ending",),
    ),
    Term(
        "Ward",
        "An electoral division of the council area, used here to show where incidents happen.",
        (r"\b[Ww]ards?\b",),
    ),
)


def terms_used(text: str) -> list[Term]:
    """The terms of :data:`TERMS` that ``text`` uses, in glossary order."""
    return [term for term in TERMS if any(re.search(p, text) for p in term.patterns)]


def glossary_section(pack: Pack) -> Section:
    """The glossary of the terms the pack (as built so far) uses."""
    used = terms_used("\n".join(pack.texts()))
    frame = pd.DataFrame({"Term": [t.term for t in used], "Meaning": [t.meaning for t in used]})
    return Section("Glossary", [Table(frame, widths=(2.2, 7))])
