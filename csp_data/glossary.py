"""Plain meanings of the terms the dashboard and its pack use, for residents and councillors: one list,
shown whole on the Glossary page and, for the terms a pack uses, at the end of the pack.

Each term has the patterns that show a text uses it (regular expressions, case-sensitive as written)
and one plain definition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


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
        "A group of areas like this one in population, deprivation and other things that drive crime, so that "
        "its crime rate can be compared fairly. The Home Office drew up such groups but no longer keeps them up "
        "to date; the Benchmarking page starts from the partnership's own list and lets you choose others.",
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
        "Said of an area compared with an average: the area's 95% confidence interval includes the average, so "
        "the gap between them could be chance.",
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
        "(red). 'Not rated' is its own state, used when there is no figure, target or baseline to judge by.",
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
    Term(
        "Hotspot and cold spot (Getis-Ord Gi*)",
        "The area is cut into 250 m squares. A hotspot is a square that, together with its neighbours, holds "
        "more incidents than chance would give; a cold spot holds fewer. Gi* is the statistic that measures this.",
        (r"Gi\*", r"[Hh]otspot", r"[Cc]old spot"),
    ),
    Term(
        "False discovery rate (Benjamini-Hochberg)",
        "When thousands of squares are tested at once, some would look unusual by chance alone. This "
        "correction keeps the share of such false alarms among the squares shown small.",
        (r"Benjamini", r"false[- ]discovery"),
    ),
    Term(
        "p-value",
        "How likely a result at least this strong would be if chance alone were at work: 'less than 1 in "
        "1,000' means chance alone is a very unlikely explanation.",
        (r"p-value",),
    ),
    Term(
        "Natural breaks (Fisher-Jenks)",
        "A way of grouping wards into map shades so that wards in one shade are as alike as possible and "
        "different shades as different as possible.",
        (r"Fisher", r"Jenks", r"natural breaks"),
    ),
    Term(
        "Rising trend (Mann-Kendall, Theil-Sen)",
        "Mann-Kendall tests whether monthly counts rise steadily rather than by chance; Theil-Sen gives how "
        "fast, as a typical change per year that one unusual month cannot pull about.",
        (r"Mann", r"Kendall", r"Theil"),
    ),
    Term(
        "Centred 3-month average",
        "The average of a month and the months either side of it: it smooths out one-off ups and downs so "
        "the underlying pattern is easier to see.",
        (r"3-month average", r"three-month average"),
    ),
    Term(
        "Expected range",
        "The range a month's count usually falls in, from the same month in earlier years. A month above it "
        "is unusually busy for the time of year.",
        (r"expected range",),
    ),
    Term(
        "Seasonality",
        "The regular rise and fall of incidents through the year, such as more anti-social behaviour in summer.",
        (r"[Ss]easonal",),
    ),
    Term(
        "Weighted share",
        "A survey figure adjusted so that the people who answered stand for the area's residents (by age, sex "
        "and place, say): groups who answered in larger or smaller numbers than their share of residents count "
        "for their share.",
        (r"[Ww]eighted",),
    ),
    Term(
        "Effective sample size",
        "How many people a weighted survey result is worth, for judging its precision: fewer than the number "
        "who answered when the weights differ a lot.",
        (r"[Ee]ffective sample",),
    ),
    Term(
        "PSPO (Public Spaces Protection Order)",
        "An order a council can make to stop activities that harm the quality of life in a public place, such "
        "as drinking alcohol in a town centre.",
        (r"\bPSPOs?\b", r"Public Spaces Protection"),
    ),
    Term(
        "Outcome 22",
        "A police outcome in which a young person is diverted to support or an intervention instead of being "
        "prosecuted.",
        (r"Outcome 22",),
    ),
    Term(
        "SDS40",
        "The 2024 change that released some prisoners serving standard determinate sentences after 40% of "
        "their sentence instead of 50%.",
        (r"SDS40",),
    ),
    Term(
        "CFO (Creating Future Opportunities)",
        "A probation programme that supports people in prison and on probation into work, training and "
        "services, to reduce reoffending.",
        (r"\bCFO\b",),
    ),
    Term(
        "Direction of travel",
        "Whether a series is moving the way the plan wants (for example fewer incidents than the same months "
        "a year earlier), judged with the same test as every other change.",
        (r"[Dd]irection of travel",),
    ),
    Term(
        "PDU (Probation Delivery Unit)",
        "The local team of the Probation Service that supervises people on probation in an area.",
        (r"\bPDU\b",),
    ),
    Term(
        "HRA (Housing Revenue Account)",
        "The council's account for the homes it owns and lets; its housing team manages those tenancies.",
        (r"\bHRA\b",),
    ),
    Term(
        "AQA",
        "An exam board that awards qualifications, here certificates for units of learning that young people complete.",
        (r"\bAQA\b",),
    ),
    Term(
        "NI (National Indicator)",
        "A measure from the national set of performance indicators that councils reported on from 2008 to 2010, "
        "such as NI 38 on drug-related offending.",
        (r"\bNI \d+",),
    ),
    Term(
        "MARAC (Multi-Agency Risk Assessment Conference)",
        "A regular meeting where police, council, health and support services share information and plan to "
        "protect people at high risk of harm; a Community MARAC does the same for anti-social behaviour.",
        (r"\bMARAC\b",),
    ),
    Term(
        "IDVA (Independent Domestic Violence Adviser)",
        "A trained specialist who supports victims of domestic abuse who are at high risk of harm.",
        (r"\bIDVAs?\b",),
    ),
    Term(
        "IOM (Integrated Offender Management)",
        "Police, probation and partners managing together the people who commit the most crime, to cut reoffending.",
        (r"\bIOM\b",),
    ),
    Term(
        "CRC (Community Rehabilitation Company)",
        "A company that supervised lower-risk people on probation from 2014 to 2021, when the work returned to "
        "the Probation Service.",
        (r"\bCRCs?\b",),
    ),
    Term(
        "YOT (Youth Offending Team)",
        "The council-led team that works with children who get into trouble with the law, now often called "
        "the youth justice service.",
        (r"\bYOTs?\b",),
    ),
    Term(
        "PCSO (Police Community Support Officer)",
        "A uniformed member of police staff who patrols neighbourhoods and deals with lower-level problems, "
        "without a police officer's full powers.",
        (r"\bPCSOs?\b",),
    ),
    Term(
        "CSE (child sexual exploitation)",
        "Abuse in which a child is manipulated or forced into sexual activity, often in exchange for something "
        "they want or need.",
        (r"\bCSE\b",),
    ),
    Term(
        "RSL (Registered Social Landlord)",
        "A housing association or other landlord, not the council, registered to provide social housing.",
        (r"\bRSLs?\b",),
    ),
    Term(
        "County lines",
        "Drug dealing in which gangs from cities supply drugs to towns through a dedicated phone line, often "
        "using children or vulnerable adults to carry drugs and money.",
        (r"[Cc]ounty lines",),
    ),
    Term(
        "Clear, Hold, Build",
        "A police approach to organised crime in a neighbourhood: clear it of offenders by enforcement, hold it "
        "so that others do not move in, and build, with partners and residents, a community that resists their "
        "return.",
        (r"Clear, Hold,? Build",),
    ),
    Term(
        "Section 59 notice",
        "A police warning to someone driving or riding in a careless, inconsiderate or anti-social way (section "
        "59 of the Police Reform Act 2002); if it happens again, the police can seize the vehicle.",
        (r"Section 59",),
    ),
    Term(
        "Naloxone",
        "A medicine that reverses an overdose of heroin or other opioids for long enough to get medical help.",
        (r"[Nn]aloxone",),
    ),
    Term(
        "Nitazenes",
        "Very strong man-made opioids, sometimes found mixed into heroin and other drugs, which make overdoses "
        "and deaths more likely.",
        (r"[Nn]itazenes?",),
    ),
    Term(
        "Best Bar None",
        "A national award scheme for pubs, bars and clubs that are run safely and responsibly.",
        (r"Best Bar None",),
    ),
    Term(
        "Prevent",
        "The part of the government's counter-terrorism strategy that works to stop people being drawn into "
        "terrorism. Councils, schools, health services and the police have a legal duty to take part (the Prevent "
        "duty), and anyone can raise a concern about someone who may be at risk.",
        (
            r"\bPrevent (?:[Bb]oard|duty|[Ss]trategy|[Pp]artnership|[Cc]o-?ordinator)",
            r"under Prevent\b",
            r"\bPrevent\)",
        ),
    ),
    Term(
        "Exact interval (Poisson)",
        "A 95% confidence interval worked out exactly from the way counts of events vary by chance, rather than "
        "from an approximation that is poor for small counts such as a ward's in a month.",
        (r"exact Poisson", r"[Ee]xact 95% interval", r"exact interval"),
    ),
)


def terms_used(text: str) -> list[Term]:
    """The terms of :data:`TERMS` that ``text`` uses, in glossary order."""
    return [term for term in TERMS if any(re.search(p, text) for p in term.patterns)]


def anchor(term: Term) -> str:
    """The term's anchor on the Glossary page: 'hotspot-and-cold-spot-getis-ord-gi'."""
    return re.sub(r"[^a-z0-9]+", "-", term.term.lower()).strip("-")
