"""The pack's caveats and sources: where every figure comes from, under which licence, and what the
data cannot say (coverage gaps, anonymised locations, the forces counted)."""

from __future__ import annotations

import re
from datetime import date

from csp_data.config import Area
from csp_data.figures.overview import Overview
from csp_data.periods import describe_gaps
from csp_data.report.model import Bullets, Heading, Paragraph, Section
from csp_data.series import RunQuery
from csp_data.store.forces import describe_forces

OGL = "Open Government Licence v3.0"


_OGL_SOURCE = re.compile(r"\bONS\b|Office for National Statistics|Ordnance Survey|\bOS\b")


def _from_ons(source: str) -> bool:
    """Whether a source the area file gives is the Office for National Statistics' or Ordnance Survey's (its
    licence is then the OGL, and boundaries carry OS's copyright line)."""
    return bool(_OGL_SOURCE.search(source))


def caveats_section(run_query: RunQuery, area: Area, overview: Overview, loaded: list[date]) -> Section:
    others = run_query("other_force_counts")
    forces = describe_forces(area.territorial_forces, int(others["incidents"].sum()), others["force"].nunique())
    forces = forces.replace(" are shown separately on the Data and methods page.", " are not counted here.")
    caveats = [
        f"Coverage: {overview.coverage_text} {describe_gaps(loaded)} Months not loaded are missing, never "
        "counted as zero; a partial period is labelled as such wherever its figures appear.",
        forces,
        "Locations on police.uk are anonymised: each incident is moved to the nearest of a set of map points "
        "(snap points), so ward figures are close, not exact, near ward boundaries.",
        "ASB (anti-social behaviour) is recorded separately and is never added to crime. police.uk holds only "
        "ASB reported to the police.",
        "police.uk street-level crime excludes fraud and crimes that cannot be placed on a map; police.uk "
        "counts are revised as forces update their records, so later downloads can differ slightly.",
        "Change over time compares the same months a year earlier, using only months loaded in both periods; "
        "a change is called real only when its 95% confidence interval excludes no change.",
    ]
    sources = source_lines(area, overview.population_note)
    return Section(
        "Caveats and sources",
        [
            Heading("Caveats"),
            Bullets(tuple(caveats)),
            Heading("Sources and licences"),
            Bullets(tuple(sources)),
            Paragraph(
                "This pack was made by the community safety dashboard from open data; every figure can be "
                "reproduced from the sources above for the same months.",
                "note",
            ),
        ],
    )


def source_lines(area: Area, population_note: str) -> list[str]:
    """The pack's sources and licences: the ONS licence only for what the area file says ONS gave, and the plan
    line only when the area file names a plan or survey."""
    sources = [
        "Crime and ASB: data.police.uk street-level crime and ASB, published by the Home Office and police forces. "
        f"Contains public sector information licensed under the {OGL}.",
        "Benchmarking: Office for National Statistics (ONS), police recorded crime by Community Safety "
        f"Partnership (Police force area data tables). Licensed under the {OGL}.",
        f"Population: {population_note}."
        + (f" Licensed under the {OGL}." if area.population and _from_ons(area.population.source) else ""),
        f"Ward boundaries: {area.boundary_sources} ({'; '.join(w.label for w in area.wards)})"
        + (
            f", licensed under the {OGL}; they contain OS data © Crown copyright and database right."
            if _from_ons(area.boundary_sources)
            else "."
        ),
    ]
    if area.plans_file or area.survey_files:
        sources.append(
            "Priorities, KPIs and survey results: the partnership's own published plan, strategic assessment and "
            "survey results, as transcribed into the area's plan and survey files."
        )
    return sources
