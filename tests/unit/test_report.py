"""The scrutiny pack: its figures against the Overview's (and one against DuckDB reading the store
directly), its structure as PDF and DOCX, the escaping of hostile text, the glossary and "What changed
since the last pack".

Expected figures are computed from the figures module and the store, never written in: the embedded
store may hold other months than it does today.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import date

import docx
import duckdb
import pandas as pd
import pytest
from PIL import Image as PILImage

from csp_data.config import load_area
from csp_data.figures.context import peer_position
from csp_data.figures.overview import KindSummary, build_overview
from csp_data.glossary import terms_used
from csp_data.periods import Period, parse_period
from csp_data.report import Bullets, Heading, Image, Pack, Paragraph, Section, Table, build_pack, render_pack
from csp_data.report.glossary import glossary_section
from csp_data.report.pdf import pack_markup, typst_string
from csp_data.report.since import count_change, rate_change, since_section, ward_change
from csp_data.series import matched_months
from csp_data.store import Store
from csp_data.store.geography import ward_population
from csp_data.store.queries import Database
from csp_data.words import ordinal
from helpers import MEDWAY_AREA_FILE

PERIODS = ("2025", "2025/26")  # a calendar and a financial year
HOSTILE = (
    '*bold* _under_ #set page(width: 1cm) $x^2$ <label> @ref \\ back\\slash ] [ "quoted" // not a comment '
    "`raw` ~ &amp; <w:p/> ]]>"
)


# -- helpers --------------------------------------------------------------------------------------


def squash(text: str) -> str:
    """Whitespace runs as one space: line breaks in a PDF fall anywhere in a sentence."""
    return " ".join(text.split())


def pdf_body_text(pdf: bytes, tmp_path) -> str:
    """The text of every page without the running header and the footer (which can fall mid-sentence)."""
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    # A4 is 595 x 842 points; the header sits in the top 2.4 cm, the footer in the bottom 2.1 cm.
    body = subprocess.run(
        ["pdftotext", "-x", "0", "-y", "62", "-W", "595", "-H", "722", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return squash(body)


def pdf_page_texts(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return [squash(page) for page in text.split("\f") if page.strip()]


def pdf_info(pdf: bytes, tmp_path) -> dict[str, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return squash(" ".join(parts))


def tiny_png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 20), (0, 114, 178)).save(buffer, format="PNG")
    return buffer.getvalue()


# -- the embedded store ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """The embedded store, copied so that a rebuild of the embedded data during the run cannot disturb it."""
    area = load_area(MEDWAY_AREA_FILE)
    copy = tmp_path_factory.mktemp("store") / "store"
    shutil.copytree(area.store_dir, copy, symlinks=True)
    store = Store(copy)
    database = Database(area, store)
    loaded = database.loaded_months()
    population = int(ward_population(area)["population"].sum())
    yield area, store, database, loaded, population
    database.close()


@pytest.fixture(scope="module", params=PERIODS)
def built(request, embedded):
    """A pack for each period, with the Overview of the same period and both documents."""
    area, store, database, loaded, population = embedded
    period = parse_period(request.param, loaded)
    overview = build_overview(database.query, area, period, loaded, population)
    pack = build_pack(database.query, area, period, loaded, population, store_dir=store.root)
    return period, overview, pack, render_pack(pack, "pdf"), render_pack(pack, "docx")


def independent_crime_count(area, store: Store, period: Period) -> int:
    """Crimes in the period counted by DuckDB straight from the store's parquet files (the territorial force),
    read as the README tells analysts to: through ``current``."""
    keys = list(area.territorial_force_keys)
    files = f"{store.root}/current/incidents/*/*/*.parquet"
    with duckdb.connect() as con:
        return con.execute(
            f"SELECT count(*) FROM read_parquet('{files}', hive_partitioning = true) "
            "WHERE kind = 'crime' AND month BETWEEN ? AND ? AND force_slug IN (SELECT unnest(?))",
            [period.first, period.last, keys],
        ).fetchone()[0]


def test_the_packs_kpis_keep_the_plan_files_notes_beside_their_figures(built):
    """The Priorities page said "Reported as 'over 600'" beside 600 arrests; the pack gave the 600 alone."""
    from csp_data.plans import load_plans
    from csp_data.plans.wording import kpi_display_table

    period, overview, pack, pdf, docx_bytes = built
    text = docx_text(docx_bytes)
    assert (
        "Arrests by the Community Safety Unit. Note: Reported as 'over 600'. Activity measure; no target set." in text
    )
    assert "Note: Reported as 'nearly 200'." in text and "Note: Reported as 'around 3,000'." in text
    # And each police.uk series' caveat beside its direction of travel (a Red on drug offences with none).
    assert (
        "Note: Recorded drug offences depend heavily on police activity, so a rise can reflect more enforcement."
        in text
    )
    # Every KPI of the plan with a note has it in the pack, once per table it is in (the plan's other figures too).
    plan = next(p for p in load_plans(load_area(MEDWAY_AREA_FILE).plans_file) if p.id == "csp_2024_28")  # the pack's
    rows = kpi_display_table(plan.kpis)
    for name, note in zip(rows["kpi"], rows["notes"]):
        if note != "–":
            assert squash(f"{name}. Note: {note}") in text, name


@pytest.mark.slow
def test_the_priorities_give_each_police_uk_series_its_direction_of_travel(embedded):
    """2025: violence against the same 11 months of 2022 (no month of 2024 after April is loaded, so the
    longer comparison is used), counted straight from the parquet files: a real fall, green for a plan that
    aims to reduce it; the summary counts the statuses of the table's rows."""
    from csp_data.report.priorities import priorities_section

    area, store, database, loaded, population = embedded
    period = parse_period("2025", loaded)
    section = priorities_section(database.query, area, period, loaded, population)
    rows = pd.concat(
        [b.frame for b in section.blocks if isinstance(b, Table) and "Direction of travel" in b.frame.columns]
    ).set_index("police.uk category")
    files = f"{store.root}/current/incidents/*/*/*.parquet"

    def violence_in(year: int, last_month: int) -> int:  # January to last_month of year, from the parquet files
        with duckdb.connect() as con:
            return con.execute(
                f"SELECT count(*) FROM read_parquet('{files}', hive_partitioning = true) WHERE kind = 'crime' "
                "AND crime_type = 'Violence and sexual offences' AND month BETWEEN ? AND ? AND force_slug = 'kent-police'",
                [date(year, 1, 1), date(year, last_month, 1)],
            ).fetchone()[0]

    now, before = violence_in(2025, 11), violence_in(2022, 11)
    violence = rows.loc["Violence and sexual offences"]
    assert violence["Direction of travel"] == "✔ Green"
    assert f"Jan 2025 to Nov 2025 ({now:,}) against Jan 2022 to Nov 2022 ({before:,})" in violence["Change"]
    # The status rests on 2022; the year-on-year change the other pages give follows it, said to be that one
    # (a councillor read "ASB rose by 4%, within normal variation" on the cover and "Red" here as one).
    now4, before4 = violence_in(2025, 4), violence_in(2024, 4)
    assert (
        " Year-on-year, as on other pages: Comparing only the 4 months loaded in both periods, Jan 2025 to Apr 2025 "
        f"({now4:,}) against Jan 2024 to Apr 2024 ({before4:,})"
    ) in violence["Change"]
    rules = [b for b in section.blocks if isinstance(b, Bullets)]
    assert any("fewer than half of the period's months" in line for b in rules for line in b.items)
    assert now < before * 0.9  # a fall far beyond chance at these counts
    statuses = [t.split(" ", 1)[1].lower() for t in rows["Direction of travel"]]
    summary = next(b.text for b in section.blocks if isinstance(b, Paragraph) and "police.uk series" in b.text)
    assert summary.startswith(
        f"Of the {len(rows)} police.uk series the priorities follow, by their direction of travel: "
        f"{statuses.count('green')} green, {statuses.count('amber')} amber, {statuses.count('red')} red, "
    )


@pytest.mark.slow
def test_the_crime_types_show_both_sides_of_a_change_of_some_months(embedded):
    """2025 against 2024, of which only January to April are loaded: each type's change rests on those four
    months, and the table gives both counts (shoplifting's counted here straight from the parquet files);
    shares to one decimal place, so a small type is not '0%'."""
    area, store, database, loaded, population = embedded
    pack = build_pack(database.query, area, parse_period("2025", loaded), loaded, population, store_dir=store.root)
    table = next(
        b.frame for s in pack.sections for b in s.blocks if isinstance(b, Table) and "Crime type" in b.frame.columns
    ).set_index("Crime type")
    files = f"{store.root}/current/incidents/*/*/*.parquet"
    with duckdb.connect() as con:
        counts = {
            (year, crime_type): n
            for year, crime_type, n in con.execute(
                f"SELECT year(month), crime_type, count(*) FROM read_parquet('{files}', hive_partitioning = true) "
                "WHERE kind = 'crime' AND force_slug = 'kent-police' AND month(month) <= 4 GROUP BY ALL"
            ).fetchall()
        }
        totals = dict(
            con.execute(
                f"SELECT crime_type, count(*) FROM read_parquet('{files}', hive_partitioning = true) "
                "WHERE kind = 'crime' AND force_slug = 'kent-police' AND year(month) = 2025 GROUP BY ALL"
            ).fetchall()
        )
    column = "Months compared: now against before"
    assert (
        table.loc["Shoplifting", column]
        == f"{counts[(2025, 'Shoplifting')]:,} against {counts[(2024, 'Shoplifting')]:,}"
    )
    everything = sum(totals.values())
    for crime_type, n in totals.items():
        assert table.loc[crime_type, "Share of crime"] == f"{n / everything * 100:.1f}%"


def overview_figures(overview) -> list[str]:
    """The Overview's figures as the page writes them: counts, rates and the change sentence."""
    crime, asb = overview.crime, overview.asb
    figures = [f"{crime.count:,}", f"{asb.count:,}", crime.change_text]
    figures += [f"{kind.rate_per_1000:.1f}" for kind in (crime, asb) if kind.rate_per_1000 is not None]
    return figures + list(overview.sentences)


@pytest.mark.slow
def test_pdf_holds_the_overview_figures(built, embedded, tmp_path):
    period, overview, pack, pdf, _ = built
    text = pdf_body_text(pdf, tmp_path)
    for figure in overview_figures(overview):
        assert squash(figure) in text, figure
    independent = independent_crime_count(embedded[0], embedded[1], period)
    assert independent == overview.crime.count
    assert f"Police recorded {independent:,} crimes in Medway in {period.span_label}" in text


@pytest.mark.slow
def test_docx_holds_the_overview_figures(built):
    period, overview, pack, _, data = built
    text = docx_text(data)
    for figure in overview_figures(overview):
        assert squash(figure) in text, figure
    assert pack.coverage in text
    assert f"{overview.months_loaded} of {period.length} months loaded" in text


@pytest.mark.slow
def test_pdf_is_tagged_a4_titled_and_numbered(built, tmp_path):
    period, _, pack, pdf, _ = built
    info = pdf_info(pdf, tmp_path)
    assert info["Tagged"] == "yes"
    assert info["Title"] == f"Medway community safety scrutiny pack: {pack.period_title}"
    assert info["Page size"].startswith("595.276 x 841.89")
    assert b"/Lang(en-GB)" in pdf
    pages = pdf_page_texts(pdf, tmp_path)
    assert len(pages) == int(info["Pages"]) >= 5
    for number, page in enumerate(pages[1:], start=2):
        assert f"Page {number} of {len(pages)}" in page
        assert "Medway Community Safety Partnership" in page and period.span_label in page  # the running header
    assert "Page 1 of" in pages[0] and "Scrutiny pack:" not in pages[0]  # the cover has no running header


def test_a_custom_period_is_named_once_in_the_running_header(embedded, tmp_path):
    # "Scrutiny pack: Jan 2025 to Jun 2025 (Jan 2025 to Jun 2025)" on every page of a custom period's pack.
    from csp_data.report.model import title_with_span

    assert title_with_span("Jan 2025 to Jun 2025", "Jan 2025 to Jun 2025") == "Jan 2025 to Jun 2025"
    assert title_with_span("Calendar year 2025", "Jan 2025 to Dec 2025") == "Calendar year 2025 (Jan 2025 to Dec 2025)"
    area, store, database, loaded, population = embedded
    pack = build_pack(
        database.query, area, parse_period("2025-01..2025-06", loaded), loaded, population, store_dir=store.root
    )
    document = docx.Document(io.BytesIO(render_pack(pack, "docx")))
    header = document.sections[-1].header.paragraphs[0].text
    assert header == "Medway Community Safety Partnership · Scrutiny pack: Jan 2025 to Jun 2025"
    markup = pack_markup(pack)
    assert "Scrutiny pack: Jan 2025 to Jun 2025" in markup and "Scrutiny pack: Jan 2025 to Jun 2025 (" not in markup


@pytest.mark.slow
def test_docx_has_real_headings_tables_and_pictures(built):
    period, _, pack, _, data = built
    document = docx.Document(io.BytesIO(data))
    styled = {(p.style.name, p.text) for p in document.paragraphs}
    assert ("Title", "Community safety scrutiny pack") in styled
    for section in pack.sections:
        assert ("Heading 1", section.heading) in styled
    assert ("Heading 1", "The crime picture in context") in styled
    assert ("Heading 2", "Why are there different crime rates?") in styled
    assert document.core_properties.title == pack.document_title
    assert document.core_properties.language == "en-GB"
    assert document.sections[0].page_width.mm == pytest.approx(210, abs=0.5)
    headers = [[cell.text for cell in table.rows[0].cells] for table in document.tables]
    assert ["Aspect", "Finding", "Key figure"] in headers
    assert ["Rank", "Ward", "Incidents", "Share of Medway"] in headers
    for table in document.tables:
        assert table.rows[0]._tr.trPr.xpath("./w:tblHeader"), "every table's header row repeats on each page"
    picture_table = document.tables[headers.index(["Aspect", "Finding", "Key figure"])]
    aspect, finding, figure = (column.width for column in picture_table.columns)  # the grid Word draws by
    assert finding > 2 * aspect and finding > 2 * figure
    pictures = document.inline_shapes
    assert len(pictures) >= 3
    for picture in pictures:
        assert len(picture._inline.docPr.get("descr")) > 40  # a real text alternative
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert 'w:val="en-GB"' in archive.read("word/styles.xml").decode()


@pytest.mark.slow
def test_the_sections_and_the_glossary(built):
    period, overview, pack, _, _ = built
    headings = [s.heading for s in pack.sections]
    assert headings[0] == "In brief" and headings[-1] == "Glossary"
    assert "What changed since the last pack" not in headings  # only when the last pack's period is given
    for expected in (
        "The crime picture in context",
        "Where: the top 5 wards",
        "Compared with similar areas (Most Similar Group)",
        "Priorities and progress",
        "What residents say",
        "Caveats and sources",
    ):
        assert expected in headings
    glossary = pack.sections[-1].blocks[0].frame
    body = "\n".join(Pack(**{**pack.__dict__, "sections": pack.sections[:-1]}).texts())
    assert list(glossary["Term"]) == [t.term for t in terms_used(body)]
    for term in ("ASB (anti-social behaviour)", "Rate per 1,000", "95% confidence interval", "RAG status"):
        assert term in set(glossary["Term"])
    top = pack.sections[headings.index("Where: the top 5 wards")].blocks[0].frame
    assert list(top["Ward"]) == list(overview.top_wards["crime"]["ward_name"])


@pytest.mark.slow
def test_the_cover_says_how_far_back_the_change_reaches(built, embedded):
    period, overview, pack, _, _ = built
    glance = pack.cover[0].frame.set_index("Measure")["Figure"]
    assert glance["Crimes recorded"] == f"{overview.crime.count:,}{overview.crime.partial_words}"
    label = next(k for k in glance.index if k.startswith("Change in crime"))
    matched = matched_months(period, embedded[3])
    assert ("a year earlier" in label) == (matched.years == 1)
    if 0 < len(matched.current_months) < period.length:
        assert f"({len(matched.current_months)} of {period.length} months, against" in label
    change = overview.crime.change
    if change is None:
        assert glance[label] == "not given: no comparable months loaded"
    else:
        assert glance[label].startswith(f"{change.percent:+.1f}%, ")


# -- hostile text -------------------------------------------------------------------------------


def hostile_pack() -> Pack:
    # One column, so that the text extracted from the PDF reads down it (columns side by side interleave).
    frame = pd.DataFrame({f"Head {HOSTILE}": [f"Cell {HOSTILE}", "plain"]})
    # Typst markup would make "---" an em dash; a PDF line ending in "-" loses it to pdftotext, so it stands
    # here, in a cell too short to wrap.
    narrow = pd.DataFrame({"#a": ["]", "$"], "*b*": ["@c", "\\"], "c": ["---", "~"]})
    return Pack(
        title=f"Title {HOSTILE}",
        area_name=f"Area {HOSTILE}",
        short_name=f"Short {HOSTILE}",
        period_title=f"Period {HOSTILE}",
        span_label="Jan 2025 to Dec 2025",
        coverage="12 of 12 months loaded",
        made=date(2026, 1, 2),
        cover=[Paragraph(f"Cover {HOSTILE}")],
        sections=[
            Section(
                f"Section {HOSTILE}",
                [
                    Heading(f"Sub {HOSTILE}"),
                    Paragraph(f"Body {HOSTILE}"),
                    Paragraph(f"Lead {HOSTILE}", "lead"),
                    Paragraph(f"Note {HOSTILE}\x00\x0b", "note"),
                    Bullets((f"Item {HOSTILE}", "second")),
                    Table(frame, caption=f"Caption {HOSTILE}", note=f"Under {HOSTILE}"),
                    Table(narrow, numeric=("*b*",)),
                    Image(tiny_png(), alt=f"Alt {HOSTILE}", caption=f"Chart {HOSTILE}", width=0.3),
                ],
            )
        ],
    )


def test_typst_strings_are_literals():
    assert typst_string('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert typst_string("#set text(red) *x* $y$ <l> @r ]") == '"#set text(red) *x* $y$ <l> @r ]"'
    assert typst_string("nul\x00here") == '"nulhere"'
    markup = pack_markup(hostile_pack())
    # Outside string literals the markup holds none of the hostile text.
    outside = re.sub(r'"(?:[^"\\]|\\.)*"', '""', markup)
    assert "#set page(width: 1cm)" not in outside and "$x^2$" not in outside


def unspaced(text: str) -> str:
    """Text without any whitespace: a PDF line may break inside the hostile text (after '<w:p/')."""
    return "".join(text.split())


def test_hostile_text_is_printed_as_written_in_the_pdf(tmp_path):
    pack = hostile_pack()
    pdf = render_pack(pack, "pdf")
    text = unspaced(
        subprocess.run(["pdftotext", "-", "-"], input=pdf, check=True, capture_output=True).stdout.decode("utf-8")
    )
    labels = ("Title", "Area", "Period", "Cover", "Section", "Sub", "Body", "Lead", "Note", "Item", "Caption", "Head")
    for label in (*labels, "Cell", "Under", "Chart"):
        assert unspaced(f"{label} {HOSTILE}") in text, label
    assert "#a*b*c]@c---$\\~" in text
    assert pdf_info(pdf, tmp_path)["Title"].startswith(f"Short {HOSTILE[:20]}")
    assert pdf_info(pdf, tmp_path)["Page size"].startswith("595.276 x 841.89")  # the hostile text set no page size


def test_hostile_text_is_printed_as_written_in_the_docx():
    data = render_pack(hostile_pack(), "docx")
    text = docx_text(data)
    for label in (
        "Title",
        "Area",
        "Cover",
        "Section",
        "Sub",
        "Body",
        "Lead",
        "Note",
        "Item",
        "Caption",
        "Head",
        "Cell",
    ):
        assert f"{label} {squash(HOSTILE)}" in text, label
    assert f"Under {squash(HOSTILE)}" in text and "#a *b* c ] @c --- $ \\ ~" in text
    document = docx.Document(io.BytesIO(data))
    assert document.inline_shapes[0]._inline.docPr.get("descr") == f"Alt {HOSTILE}"


def test_header_rows_repeat_on_every_page_of_a_long_table(tmp_path):
    rows = pd.DataFrame({"Ward name": [f"Ward number {i}" for i in range(150)], "Crimes": [str(i) for i in range(150)]})
    pack = Pack("T", "A", "A", "P", "Jan 2025", "1 of 1 months loaded", date(2026, 1, 1))
    pack.sections.append(Section("Long", [Table(rows, numeric=("Crimes",))]))
    pages = pdf_page_texts(render_pack(pack, "pdf"), tmp_path)
    assert len(pages) >= 4
    for page in pages[1:]:
        assert "Ward name Crimes" in page
    assert "Ward number 149" in pages[-1]


# -- glossary and change words ---------------------------------------------------------------------------


def test_the_glossary_lists_only_terms_used():
    used = [t.term for t in terms_used("ASB rose; the rate per 1,000 residents; year ending June 2025.")]
    assert used == ["ASB (anti-social behaviour)", "Rate per 1,000", "Year ending …"]
    pack = Pack("T", "A", "A", "P", "Jan 2025", "1 of 1 months loaded", date(2026, 1, 1))
    pack.sections.append(Section("S", [Paragraph("Each KPI has a RAG status.")]))
    glossary = glossary_section(pack).blocks[0].frame
    assert "RAG status" in set(glossary["Term"]) and "KPI (key performance indicator)" in set(glossary["Term"])
    assert "Most Similar Group" not in set(glossary["Term"]) and "ASB (anti-social behaviour)" not in set(
        glossary["Term"]
    )


def summary(count: int, held: int, length: int = 12, rate: float | None = None) -> KindSummary:
    return KindSummary("crime", count, rate, None, "", held, length)


def monthly(period: Period, loaded: set, base: int) -> pd.DataFrame:
    """An overview's monthly counts: crime ``base`` + the month's number, ASB half that; missing when not loaded."""
    rows = [
        (m, kind, (base + m.month) // (1 if kind == "crime" else 2) if m in loaded else pd.NA, m in loaded)
        for m in period.months
        for kind in ("crime", "asb")
    ]
    return pd.DataFrame(rows, columns=["month", "kind", "incidents", "loaded"])


def test_the_change_since_the_last_pack_pairs_the_same_months_of_the_year():
    from csp_data.change import compare_counts, describe_change
    from csp_data.report.output import ReportError
    from csp_data.report.since import check_since, not_compared, since_matched

    this, last = (
        Period(date(2025, 1, 1), date(2025, 12, 1), "2025"),
        Period(date(2024, 1, 1), date(2024, 12, 1), "2024"),
    )
    every = set(this.months) | set(last.months)
    whole = since_matched(this, last, every)
    now, before = monthly(this, every, 1000), monthly(last, every, 900)  # 12,078 against 10,878
    assert count_change(whole, now, before, "crime").short == describe_change(compare_counts(12078, 10878))
    assert count_change(whole, now, before, "crime").short == "rose by 11%, a real rise"
    assert rate_change(summary(1, 12, rate=3.5), summary(1, 12, rate=3.0), whole) == "+0.5 per 1,000"
    # Only January to April 2024 loaded: those four months against January to April 2025, not the averages
    # a month of twelve months against four (which season would bias).
    some = set(this.months) | set(last.months[:4])
    partial = since_matched(this, last, some)
    words = count_change(partial, monthly(this, some, 100), monthly(last, some, 90), "crime")
    # 101 + 102 + 103 + 104 = 410 against 91 + 92 + 93 + 94 = 370
    assert words.short == f"{describe_change(compare_counts(410, 370))} (4 months compared: 370 to 410)"
    assert words.sentence.endswith(
        "comparing only the 4 months loaded in both: Jan 2025 to Apr 2025 (410) against Jan 2024 to Apr 2024 (370)"
    )
    assert rate_change(summary(1, 12, rate=3.5), summary(1, 4, rate=3.0), partial).startswith("not compared")
    # Other months of the year (or another length): both counts shown, no change given.
    first_half = Period(date(2025, 1, 1), date(2025, 6, 1), "first half")
    second_half = Period(date(2025, 7, 1), date(2025, 12, 1), "second half")
    assert since_matched(second_half, first_half, every) is None
    assert count_change(None, now, before, "asb").short == "not compared: other months of the year"
    assert since_matched(this, first_half, every) is None
    assert not_compared(this, first_half).short == "not compared: periods of different lengths"
    assert not_compared(this, first_half).sentence.startswith(
        "not compared, because the last pack covered 6 months and this one 12 months"
    )
    # Twelve months starting in another month: the months of the year both hold, the earlier one before.
    financial = since_matched(this, Period(date(2024, 4, 1), date(2025, 3, 1), "2024/25"), every)
    assert financial.basis == "matched"
    assert financial.current_months == tuple(date(2025, m, 1) for m in range(4, 13))
    assert financial.previous_months == tuple(date(2024, m, 1) for m in range(4, 13))
    # The last pack's period must end before this one's.
    for later in (this, Period(date(2025, 4, 1), date(2026, 3, 1), "2025/26")):
        with pytest.raises(ReportError, match="should end before this pack's"):
            check_since(this, later)
    check_since(this, first_half)
    assert ward_change(["A", "B"], ["B", "A"]) == "the same wards, in a different order"
    assert ward_change(["A", "C"], ["A", "B"]) == "new: C; no longer in the top 5: B"


@pytest.mark.slow
def test_what_changed_since_the_last_pack(embedded):
    area, store, database, loaded, population = embedded
    period = parse_period("2025", loaded)
    since = parse_period("2025-01..2025-06", loaded)
    pack = build_pack(database.query, area, period, loaded, population, store_dir=store.root, since=since)
    assert [s.heading for s in pack.sections][:2] == ["In brief", "What changed since the last pack"]
    section = pack.sections[1]
    table = next(b for b in section.blocks if isinstance(b, Table)).frame.set_index("Measure")
    now = build_overview(database.query, area, period, loaded, population)
    before = build_overview(database.query, area, since, loaded, population)
    assert table.loc["Crimes recorded", "This pack"] == f"{now.crime.count:,}"
    assert table.loc["Crimes recorded", "Last pack"] == f"{before.crime.count:,}"
    assert table.loc["ASB incidents recorded", "Last pack"] == f"{before.asb.count:,}"
    assert table.loc["Crimes recorded", "Change"] == "not compared: periods of different lengths"  # 12 against 6
    assert table.loc["Top 5 wards for crime", "This pack"] == ", ".join(now.top_wards["crime"]["ward_name"])
    rank = table.loc["Rank among similar areas (1 = highest rate)"]
    peers = peer_position(area, store.root)  # the newest ONS year ends by June 2025: both periods use it
    assert (
        rank["This pack"] == rank["Last pack"] == f"{ordinal(peers.rank)} of {peers.group_size} ({peers.year_ending})"
    )
    assert rank["Change"] == f"the same ONS year serves both periods ({peers.year_ending}): no newer ONS figures"
    text = " ".join(b.text for b in section.blocks if isinstance(b, Paragraph))
    assert "share" not in text  # no change is given, so none partly compares a period with itself
    bullets = next(b for b in section.blocks if isinstance(b, Bullets)).items
    assert bullets[0].startswith("Recorded crime: not compared, because the last pack covered 6 months and this one")


@pytest.mark.slow
def test_since_a_part_year_the_rate_and_the_wards_say_so(embedded):
    # 2025 since 2024, of which January to April are loaded: the last pack's 31.2 per 1,000 was 4 months'
    # and carried no label, and the top wards of 12 months were set against those of 4 ("new: ...").
    area, store, database, loaded, population = embedded
    year = build_overview(database.query, area, parse_period("2025", loaded), loaded, population)
    section = since_section(
        database.query, area, year.period, parse_period("2024", loaded), loaded, population, year, store.root
    )
    table = next(b for b in section.blocks if isinstance(b, Table)).frame.set_index("Measure")
    before = build_overview(database.query, area, parse_period("2024", loaded), loaded, population)
    rate = table.loc["Crimes per 1,000 residents"]
    assert rate["Last pack"] == f"{before.crime.rate_per_1000:.1f} in 4 of 12 months"
    assert rate["This pack"] == f"{year.crime.rate_per_1000:.1f}"  # all 12 months: nothing to say
    wards = table.loc["Top 5 wards for crime"]
    assert wards["Last pack"].endswith(" (ranked in 4 of 12 months)")
    assert wards["Change"] == "not compared (not the same months loaded)"
    # The same four months a year apart are compared, wards and all.
    months = parse_period("2025-01..2025-04", loaded)
    now = build_overview(database.query, area, months, loaded, population)
    same = since_section(
        database.query, area, months, parse_period("2024-01..2024-04", loaded), loaded, population, now, store.root
    )
    wards = next(b for b in same.blocks if isinstance(b, Table)).frame.set_index("Measure").loc["Top 5 wards for crime"]
    earlier = build_overview(database.query, area, parse_period("2024-01..2024-04", loaded), loaded, population)
    assert wards["Change"] == ward_change(
        list(now.top_wards["crime"]["ward_name"]), list(earlier.top_wards["crime"]["ward_name"])
    )
    assert not wards["Last pack"].endswith("months")


@pytest.mark.slow
def test_a_hostile_area_name_in_a_real_pack(embedded, tmp_path):
    """An area file whose names hold markup of every kind: the pack is made, and says the names as written."""
    medway, store, _, loaded, population = embedded
    folder = medway.area_file.parent
    text = medway.area_file.read_text(encoding="utf-8")
    text = re.sub(  # every path made absolute, so the file can live anywhere
        r'"([^"\n]+)"', lambda m: f'"{(folder / m[1]).as_posix()}"' if (folder / m[1]).exists() else m[0], text
    )
    short = 'Med*way #set $x$ <a> @b \\ ] [ "q" \'s'
    toml_short = short.replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace('short_name = "Medway"', f'short_name = "{toml_short}"')
    text = text.replace('name = "Medway Community Safety Partnership"', f'name = "The {toml_short} Partnership"')
    (tmp_path / "area.toml").write_text(text, encoding="utf-8")
    area = load_area(tmp_path / "area.toml")
    assert area.short_name == short
    database = Database(area, store)
    try:
        period = parse_period("2025", loaded)
        pack = build_pack(database.query, area, period, loaded, population, store_dir=store.root)
        overview = build_overview(database.query, area, period, loaded, population)
    finally:
        database.close()
    pdf_text = unspaced(pdf_body_text(render_pack(pack, "pdf"), tmp_path))
    assert unspaced(f"The {short} Partnership") in pdf_text
    assert unspaced(f"police recorded {overview.crime.count:,} crimes in {short}") in pdf_text
    assert unspaced(f"{short}'s total recorded crime (excluding fraud) rate") in pdf_text
    document_text = docx_text(render_pack(pack, "docx"))
    assert f"police recorded {overview.crime.count:,} crimes in {short}" in document_text


def test_the_three_crime_rates_name_the_ons_table_their_figure_comes_from(embedded):
    """The ONS row said "Table C4" and 96.64 for the year ending June 2025, a rate worked out here from Table
    C2's count (27,321 / 282,700 = 96.64; C4 is the year ending December 2024's, 97.47), to two decimals
    where every other rate has one. A part year's police.uk rate is said to be a part year's."""
    from csp_data.benchmarks import read_benchmark_table
    from csp_data.figures.context import peer_position, three_figures

    area, store, database, loaded, population = embedded
    overview = build_overview(database.query, area, parse_period("2025", loaded), loaded, population)
    newest = peer_position(area, store.root)
    figures, note = three_figures(area, overview, newest)
    ons = figures.iloc[1]
    assert (ons["source"], ons["figure"], ons["period"]) == (
        "ONS police recorded crime (Table C2's count over ONS's population)",
        "96.6 per 1,000",
        "Year ending June 2025",
    )
    assert "share of a year" not in note

    def up_to_2024(path):
        table = read_benchmark_table(path)
        return table[table["period_end"] <= pd.Timestamp("2024-12-31")]

    ons = three_figures(area, overview, peer_position(area, store.root, read_table=up_to_2024))[0].iloc[1]
    assert (ons["source"], ons["figure"], ons["period"]) == (
        "ONS police recorded crime (Table C4)",
        "97.5 per 1,000",
        "Year ending December 2024",
    )
    part = build_overview(database.query, area, parse_period("2025/26", loaded), loaded, population)
    _, note = three_figures(area, part, newest)
    assert (
        "The police.uk figure counts the 9 of 12 months loaded, not 12, so it is lower than a year's would be" in note
    )
    # Over four years, 27 months loaded: more than a year's, not less (it had said "lower").
    longer = build_overview(database.query, area, parse_period("2022-01..2025-12", loaded), loaded, population)
    _, note = three_figures(area, longer, newest)
    assert "counts the 27 of 48 months loaded, not 12, so it is higher than a year's would be" in note


def test_a_peer_the_ons_table_does_not_hold_is_named_where_the_group_is_described(embedded):
    # One unknown peer name was left out and the Overview compared with 13 CSPs without saying so.
    import dataclasses

    area, store = embedded[0], embedded[1]
    peers = peer_position(dataclasses.replace(area, peers=(*area.peers, "Bristol")), store.root)
    assert peers.group_size == peer_position(area, store.root).group_size == 14
    # What a CSP and the group are, for a resident on the Overview ("the 14 CSPs in the group" had no explanation).
    assert (
        "A CSP (Community Safety Partnership) is the council, police and other local services working together "
        "against crime in one area; the group is the CSPs most like Medway in the make-up of their people and places"
    ) in peer_position(area, store.root).sentence
    assert peers.sentence.endswith(
        "The partnership's list of similar areas also names 'Bristol', which the ONS table does not hold, so the "
        "group leaves it out."
    )
    assert "also names" not in peer_position(area, store.root).sentence


def test_the_packs_benchmark_figures_are_written_as_the_pages_write_them(embedded):
    """The pack's table, note and chart gave 96.64, 95.50 to 97.80 and 92.22 beside the sentence's (and the
    pages') 96.6 and 92.2: one precision for the same rates, one decimal place for total crime."""
    from csp_data.report.benchmarking import group_note, group_table, newest_group_summary

    area, store = embedded[0], embedded[1]
    summary = newest_group_summary(area, store.root)
    medway = group_table(summary).frame.iloc[0]
    assert (medway["CSP"], medway["Rate per 1,000"], medway["95% interval"]) == ("Medway", "96.6", "95.5 to 97.8")
    assert "Group average 92.2: the mean of the 14 CSP rates" in group_note(summary, "Medway")


def test_a_peer_the_ons_table_does_not_hold_is_left_out_of_the_packs_group_not_the_whole_comparison(embedded):
    """One misspelt peer ("Ipswhich" in another partnership's file) removed the pack's whole Most Similar Group
    section ("No comparison with similar areas is given: no CSP matches …"), where the pages leave it out."""
    import dataclasses

    from csp_data.report.benchmarking import benchmarking_section

    area, store = embedded[0], embedded[1]
    misspelt = dataclasses.replace(area, peers=(*area.peers, "Bristoll"))
    section = benchmarking_section(misspelt, store.root)
    text = " ".join(getattr(block, "text", "") for block in section.blocks)
    assert "No comparison with similar areas is given" not in text
    assert "also name 'Bristoll', which the ONS table does not hold, so it is left out of the group." in text
    assert "the mean of the 14 CSP rates" in text  # Medway and its 13 peers, as without the misspelling
    assert "also name" not in " ".join(getattr(b, "text", "") for b in benchmarking_section(area, store.root).blocks)


def test_a_single_months_figures_are_in_it_not_from_it(embedded):
    from csp_data.figures.context import three_figures
    from csp_data.figures.overview import overview_sentences

    area, store, database, loaded, population = embedded
    one = build_overview(database.query, area, parse_period("2025-03..2025-03", loaded), loaded, population)
    assert overview_sentences(one)[0].startswith("In Mar 2025, police recorded 2,267 crimes in Medway")
    _, note = three_figures(area, one, peer_position(area, store.root))
    assert "The police.uk figure counts 1 month, not 12, so it is lower than a year's would be" in note
    year = build_overview(database.query, area, parse_period("2025", loaded), loaded, population)
    assert overview_sentences(year)[0].startswith("From Jan 2025 to Dec 2025, police recorded 25,082 crimes")


def test_the_covers_glance_gives_the_longer_comparison_the_pack_rates_by(built):
    """The cover gave only the four-month change (-2.4%, within normal variation) while the pack's status pages
    rate by the 11-month one (-17.6%, a real fall): both are at a glance now, each saying over which months."""
    period, overview, pack, pdf, docx_bytes = built
    glance = next(b for b in pack.cover if isinstance(b, Table) and b.caption == "At a glance").frame
    rows = dict(zip(glance["Measure"], glance["Figure"]))
    if period.label == "Calendar year 2025":
        assert rows["Change in crime (4 of 12 months, against a year earlier)"] == "-2.4%, within normal variation"
        assert rows["Change in crime, longer comparison (11 of 12 months, against three years earlier)"] == (
            "-17.6%, a real fall"
        )
    else:  # 2025/26: Apr to Dec 2025 loaded, none of 2024/25's after April; 2022 holds Apr to Nov (no December)
        assert [m for m in rows if "longer comparison" in m] == [
            "Change in crime, longer comparison (8 of 12 months, against three years earlier)"
        ]


def test_the_pdfs_title_is_its_first_heading_and_out_of_the_contents(built, tmp_path):
    """A screen reader met the cover's title as a paragraph, the first heading being "Contents"."""
    period, overview, pack, pdf, _ = built
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    structure = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True).stdout
    headings = re.findall(r'^\s*H1 "([^"]*)"', structure, flags=re.MULTILINE)
    assert headings[:2] == ["Community safety scrutiny pack", "Contents"], headings[:3]
    contents = squash(
        subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True).stdout
    )
    assert contents.count("Community safety scrutiny pack") == 1  # the cover's own, not a contents line


def test_the_cover_gives_no_longer_comparison_where_the_priorities_rate_year_on_year(embedded):
    """Jan to Jun 2025: four of six months compare with a year earlier (not thin), so the priorities are rated
    year-on-year; the cover had given the six-month comparison with 2022 as what they were rated by."""
    area, store, database, loaded, population = embedded
    pack = build_pack(
        database.query, area, parse_period("2025-01..2025-06", loaded), loaded, population, store_dir=store.root
    )
    glance = next(b for b in pack.cover if isinstance(b, Table) and b.caption == "At a glance").frame
    assert not [m for m in glance["Measure"] if "longer comparison" in m]
    assert "Change in crime (4 of 6 months, against a year earlier)" in list(glance["Measure"])


def test_with_no_peer_there_is_no_rank_and_no_group_to_explain(embedded):
    """No peers: the sentence said the area had none to be compared with, then explained "the group", and the
    figure read "highest of 1"."""
    import dataclasses

    from csp_data.figures.context import _peer_row

    area, store = embedded[0], embedded[1]
    alone = peer_position(dataclasses.replace(area, peers=()), store.root)
    assert "A CSP (Community Safety Partnership)" not in alone.sentence
    assert _peer_row(alone)[1] == "–"
    assert _peer_row(peer_position(area, store.root))[1] == "5th highest of 14; 96.6 per 1,000"
