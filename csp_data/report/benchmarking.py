"""The pack's benchmarking section: the area against its Most Similar Group in the newest ONS year,
with each rate's 95% confidence interval, the group average and the rank (from :mod:`csp_data.benchmarks`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from csp_data import benchmarks as bm
from csp_data.charts import benchmarks as benchmark_charts
from csp_data.config import Area
from csp_data.errors import CspDataError
from csp_data.report import pictures
from csp_data.report.model import Heading, Paragraph, Section, Table

HEADING = "Compared with similar areas (Most Similar Group)"


def benchmark_table(area: Area, store_dir: str | Path | None = None) -> pd.DataFrame:
    """The ONS benchmark table the area uses (the store's copy, else the area folder's, else the embedded one).

    Raises
    ------
    CspDataError
        When no table is held, or it cannot be read.
    """
    return bm.read_benchmark_table(bm.find_benchmark_table(store_dir or area.store_dir, area.area_file.parent))


def newest_group_summary(
    area: Area, store_dir: str | Path | None = None, period_end=None, table: pd.DataFrame | None = None
) -> bm.GroupSummary:
    """The area's Most Similar Group for all recorded crime (excluding fraud) in the ONS year ending
    ``period_end`` (default: the newest loaded), from ``table`` (default: :func:`benchmark_table`).

    Raises
    ------
    CspDataError
        When no benchmark table is held, or the area or its peers are not in it.
    """
    table = benchmark_table(area, store_dir) if table is None else table
    code = bm.area_csp_code(table, area.csp_code, [area.short_name, area.name], area.local_authority_codes)
    known, _ = bm.usable_peer_names(
        table, area.peers, code
    )  # a peer the table does not name is left out, as on the pages
    peers = bm.resolve_peers(table, known)
    return bm.group_summary(table, code, peers, table["period_end"].max() if period_end is None else period_end)


def _left_out(unknown: list[str]) -> str:
    """The peers of the area file that the ONS table does not name (a misspelling, say), said to be left out."""
    if not unknown:
        return ""
    one = len(unknown) == 1
    return (
        f"The area file's peers also name {', '.join(repr(n) for n in unknown)}, which the ONS table does not "
        f"hold, so {'it is' if one else 'they are'} left out of the group."
    )


def _plain(text: str) -> str:
    """The wording module's sentences carry Markdown bold for the pages; the pack sets its own type."""
    return text.replace("**", "")


def _number(value, digits: int) -> str:
    return "–" if pd.isna(value) else f"{value:,.{digits}f}"


def group_table(summary: bm.GroupSummary) -> Table:
    """The group as the pack shows it: the area first, then its peers by name."""
    headings = bm.assessment_headings(summary)
    full = bm.assessment_table(summary)
    percent = round(summary.level * 100)
    places = bm.rate_decimals(summary.table["rate_per_1000"])  # as the pages write the same rates

    def column(key: str) -> pd.Series:
        return full[headings[key]]

    frame = pd.DataFrame(
        {
            "CSP": column("csp_name"),
            "Rate per 1,000": [_number(v, places) for v in column("rate_per_1000")],
            f"{percent}% interval": [
                "–" if pd.isna(lo) else f"{lo:.{places}f} to {hi:.{places}f}"
                for lo, hi in zip(column("ci_lower"), column("ci_upper"))
            ],
            "Against the group average": [
                "no rate" if pd.isna(p) else str(p) for p in column("position").astype(object)
            ],
            "Rank": ["–" if pd.isna(r) else str(int(r)) for r in column("rank")],
            "Change on the year before": [
                "–" if pd.isna(c) else f"{c:+.1f}%" for c in column("pct_change").astype("float64")
            ],
            "Offences": [_number(v, 0) for v in column("count").astype("float64")],
        }
    )
    widths = (2.6, 1.2, 1.9, 2.4, 0.8, 1.4, 1.3)
    if (
        frame["Change on the year before"] == "–"
    ).all():  # the year before is not held: a column of dashes says nothing
        frame = frame.drop(columns="Change on the year before")
        widths = (2.6, 1.2, 1.9, 2.4, 0.8, 1.3)
    return Table(
        frame,
        caption=f"{summary.offence_label}, {bm.year_ending(summary.period_end)}",
        widths=widths,
        numeric=("Rate per 1,000", f"{percent}% interval", "Rank", "Change on the year before", "Offences"),
    )


def group_note(summary: bm.GroupSummary, area_name: str) -> str:
    percent = round(summary.level * 100)
    return (
        f"{area_name} first, then its peers by name. Group average "
        f"{bm.rate_text(summary.group_average, bm.rate_decimals(summary.table['rate_per_1000']))}: the mean of the "
        f"{summary.group_size} CSP rates, {bm.average_members(summary, area_name)}, each CSP counting once. A CSP is "
        "called above or "
        f"below average only when its {percent}% confidence interval lies wholly on one side of the average; "
        "otherwise it is not significantly different (the gap could be chance). Rank 1 is the highest rate. "
        + (
            "The change is in offences against the same 12 months a year earlier."
            if summary.table["pct_change"].notna().any()
            else "No change on the year before is given: the ONS year a year earlier is not held."
        )
    )


def benchmarking_section(area: Area, store_dir: str | Path | None = None) -> Section:
    """The section; without an ONS table (or with one that does not hold the area) it says why not."""
    try:
        summary = newest_group_summary(area, store_dir)
    except (CspDataError, FileNotFoundError) as error:
        if isinstance(error, bm.BenchmarkError):
            reason = str(error)
        elif isinstance(error, FileNotFoundError):
            reason = "no ONS benchmark table is held"
        else:  # a damaged table: its message names a server path, which the pack does not print
            reason = "the ONS benchmark table could not be read (check it with the Benchmarking page)"
        return Section(HEADING, [Paragraph(f"No comparison with similar areas is given: {_plain(reason)}.")])
    name = area.short_name
    _, unknown = bm.usable_peer_names(summary.table, area.peers, summary.table["csp_code"].iloc[0])
    chart = benchmark_charts.group_dot_plot(
        summary.table,
        summary.group_average,
        name,
        level=summary.level,
        decimals=bm.rate_decimals(summary.table["rate_per_1000"]),
    )
    picture = pictures.chart_picture(
        chart | {"width": 420}, bm.describe_dot_plot_alt(summary), "Rates with 95% confidence intervals"
    )
    return Section(
        HEADING,
        [
            Paragraph(_plain(bm.describe_position(summary, name)), "lead"),
            Paragraph(
                f"ONS police recorded crime by Community Safety Partnership (CSP), {bm.year_ending(summary.period_end)}: "
                "the newest year held. Rates are per 1,000 residents and exclude fraud; where ONS publishes a rate "
                "it is shown as published. These are ONS years, not the pack's period."
            ),
            group_table(summary),
            Paragraph(" ".join(t for t in (group_note(summary, name), _left_out(unknown)) if t), "note"),
            Heading("Rates with their intervals"),
            picture,
            Paragraph(
                _plain(bm.describe_dot_plot(summary.level)).replace(" The table above is this chart's data.", ""),
                "note",
            ),
        ],
    )
