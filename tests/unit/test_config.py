import re
from pathlib import Path

import pytest

from csp_data.config import load_area
from csp_data.errors import AreaFileError, InputFileError
from helpers import MEDWAY_AREA_FILE

MEDWAY = MEDWAY_AREA_FILE.read_text()


def test_medway_area_file():
    area = load_area(MEDWAY_AREA_FILE)
    assert area.short_name == "Medway" and area.csp_code == "E22000143"
    assert [w.vintage for w in area.wards] == ["2023", "2022"]
    assert area.current_wards.code_column == "ward_code"
    assert area.ward_vintage("2022").code_column == "ward_code_2022"
    assert len(area.peers) == 13 and "Dartford and Gravesham" in area.peers
    assert area.store_dir == MEDWAY_AREA_FILE.parent / "store"
    with pytest.raises(KeyError, match="unknown ward vintage '1999'"):
        area.ward_vintage("1999")


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: t.replace('short_name = "Medway"', ""), "missing field 'area.short_name'"),
        (
            lambda t: t.replace('lsoa_districts = ["Medway"]', "lsoa_districts = []"),
            "'match.lsoa_districts' should list at least one value",
        ),
        (
            lambda t: t.replace('file = "boundaries/wards_2023.geojson"', 'file = "boundaries/nope.geojson"'),
            "'wards[0].file' names boundaries/nope.geojson, which does not exist",
        ),
        (
            lambda t: t.replace('file = "boundaries/wards_2023.geojson"', 'file = "boundaries"'),
            "'wards[0].file' names boundaries, which is a folder, not a file",
        ),
        (
            lambda t: t.replace('vintage = "2022"', 'vintage = "2022; DROP"'),
            "'wards[1].vintage' should be 1-20 lower-case letters",
        ),
        (
            lambda t: t.replace("current = true", "current = false"),
            "exactly one '[[wards]]' entry should have current = true",
        ),
        (
            lambda t: t.replace('vintage = "2023"                        #', 'vintage = "1999" #'),
            "'population.vintage' is '1999'",
        ),
        (lambda t: t + "\n[[[broken", "not valid TOML"),
        # A misspelt field would otherwise be ignored: every force counted, no population, another store.
        (
            lambda t: t.replace("territorial_forces =", "territorial_force ="),
            "unknown field 'match.territorial_force'; the [match] table takes lsoa_districts, territorial_forces",
        ),
        (
            lambda t: t.replace("[population]", "[populaton]"),
            "unknown table or field 'populaton'; an area file takes the tables area, match, wards, population",
        ),
        (lambda t: t.replace('csp_code = "E22000143"', 'csp_cod = "E22000143"'), "unknown field 'area.csp_cod'"),
        # Codes that are not ONS codes were accepted and never used: a CSP named in words, a malformed district.
        (
            lambda t: t.replace('csp_code = "E22000143"', 'csp_code = "Western Suffolk"'),
            "field 'area.csp_code' value 'Western Suffolk' is not an ONS CSP code (E22 or W14 and six digits)",
        ),
        (
            lambda t: t.replace('["E06000035"]', '["E06000035", "E0700020X"]'),
            "field 'area.local_authority_codes' value 'E0700020X' is not an ONS local authority code",
        ),
        (lambda t: t.replace('code_field = "WD22CD"', 'codefield = "WD22CD"'), "unknown field 'wards[1].codefield'"),
        (lambda t: t.replace('year = "mid-2022"', 'year = "mid-2022"\nyaer = 1'), "unknown field 'population.yaer'"),
        (lambda t: t.replace("csps = [", "cps = ["), "unknown field 'peers.cps'; the [peers] table takes csps"),
        (lambda t: t.replace('path = "store"', 'pth = "store"'), "unknown field 'store.pth'"),
        (
            lambda t: "store = 'x'\n" + t.replace("[store]\npath", "#[store]\n#path"),
            "'store' should be a table",
        ),
        (lambda t: t.replace('phone = "01634 333333"', "phone = 1634333333"), "'contact.phone' should be a string"),
        (
            lambda t: t.replace('phone = "01634 333333"', 'fone = "01634"'),
            "unknown field 'contact.fone'; the [contact]",
        ),
        (
            lambda t: t.replace('phone = "01634 333333"', 'email = "safer at medway"'),
            "field 'contact.email' is not an email address: 'safer at medway'",
        ),
        (
            lambda t: t.replace('phone = "01634 333333"', 'web = "javascript:alert(1)"'),
            "field 'contact.web' should be an https:// address",
        ),
        (
            lambda t: t.replace('phone = "01634 333333"', 'web = "https://example.org/a)b"'),
            "field 'contact.web' should be an https:// address",
        ),
        (lambda t: t.replace('phone = "01634 333333"', 'email = "x)@ex.org"'), "'contact.email' is not an email"),
        (
            lambda t: t.replace('phone = "01634 333333"', 'email = "mailto:safer@example.org"'),
            "'contact.email' is not an email",
        ),
        (
            lambda t: t.replace('phone = "01634 333333"\naddress = "Gun Wharf, Dock Road, Chatham, Kent ME4 4TR"', ""),
            "the [contact] table should give at least one of email, phone, address or web",
        ),
    ],
)
def test_bad_area_files_name_the_field(tmp_path, edit, message):
    path = MEDWAY_AREA_FILE.parent / f".test-area-{tmp_path.name}.toml"
    try:
        path.write_text(edit(MEDWAY))
        with pytest.raises(AreaFileError) as caught:
            load_area(path)
        assert message in str(caught.value)
        assert str(caught.value).startswith(str(path))
    finally:
        path.unlink(missing_ok=True)


def test_missing_area_file(tmp_path):
    with pytest.raises(AreaFileError, match="area file not found"):
        load_area(tmp_path / "none.toml")


def test_an_area_file_with_a_byte_order_mark_reads(tmp_path):
    # Windows Notepad saves UTF-8 with a byte order mark, which is not TOML.
    path = MEDWAY_AREA_FILE.parent / f".test-area-{tmp_path.name}.toml"
    try:
        path.write_bytes("\ufeff".encode() + MEDWAY.encode())
        assert load_area(path).short_name == "Medway"
    finally:
        path.unlink(missing_ok=True)


def test_a_contact_address_keeps_one_line_a_part(tmp_path):
    text = MEDWAY.replace(
        'address = "Gun Wharf, Dock Road, Chatham, Kent ME4 4TR"',
        'address = """\n  Gun Wharf\n\n     Dock Road  \nChatham, Kent ME4 4TR\n"""\nemail = "safer.medway@example.org"',
    )
    path = MEDWAY_AREA_FILE.parent / f".test-area-{tmp_path.name}.toml"
    try:
        path.write_text(text)
        contact = load_area(path).contact
    finally:
        path.unlink(missing_ok=True)
    assert contact.address == "Gun Wharf\nDock Road\nChatham, Kent ME4 4TR"
    assert contact.email == "safer.medway@example.org"


def test_the_population_source_names_its_year_once():
    from csp_data.config import Population

    def population(source: str) -> Population:
        return Population(Path("x.csv"), "2023", "mid-2022", "code", "value", source)

    assert population("ONS, mid-2022 population estimates for 2023 electoral wards").cited == (
        "ONS, mid-2022 population estimates for 2023 electoral wards"
    )
    assert population("ONS ward population estimates").cited == "ONS ward population estimates (mid-2022)"
    assert load_area().population.cited == "ONS, mid-2022 population estimates for 2023 electoral wards"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda t: t.replace('code_field = "WD25CD"', 'code_field = "NOPE"', 1),
            "boundary file has no field 'NOPE', which the area file's [[wards]] code_field names",
        ),
        (
            lambda t: t.replace('value_field = "Total"', 'value_field = "Nope"'),
            "population file has no column 'Nope', which the area file's [population] value_field names",
        ),
    ],
)
def test_a_field_the_data_file_lacks_names_the_area_files_setting(tmp_path, edit, message):
    from csp_data.store.geography import ward_boundaries, ward_population

    text = edit(MEDWAY)
    assert text != MEDWAY
    path = MEDWAY_AREA_FILE.parent / f".test-area-{tmp_path.name}.toml"
    try:
        path.write_text(text)
        area = load_area(path)
        with pytest.raises(Exception, match=re.escape(message)):
            ward_boundaries(area.current_wards)
            ward_population(area)
    finally:
        path.unlink(missing_ok=True)


def _area_with_population(tmp_path, rows: list[str]):
    """Medway's area file (paths made absolute) with its population file replaced by ``rows`` under its header."""
    from helpers import medway_area_text

    source = MEDWAY_AREA_FILE.parent / "population" / "ward2023_population_mid2022.csv"
    header, *medway = source.read_text().splitlines()
    csv = tmp_path / "population.csv"
    csv.write_text("\n".join([header, *rows(medway)]) + "\n")
    text = medway_area_text().replace(source.as_posix(), csv.as_posix())
    assert csv.as_posix() in text
    path = tmp_path / "area.toml"
    path.write_text(text)
    return load_area(path)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        # Six of the 24 wards: the area's total (and every rate) was a quarter of the truth, with no word.
        (
            lambda m: m[:6],
            "no population for 18 of the 24 wards in wards_2023.geojson: Gillingham South (E05014455), "
            "Hempstead & Wigmore (E05014456), Hoo St Werburgh & High Halstow (E05014457) and others. Rates need "
            "every ward's",
        ),
        # Codes of another kind (a wrong code_field's values, or another area's): none is a ward.
        (
            lambda m: [r.replace("E05014", "E05099") for r in m],
            "no value of its column 'Ward 2023 Code' is a ward code in wards_2023.geojson (such as "
            "'E05014449'); check the area file's [population] code_field and vintage",
        ),
        (lambda m: [*m, m[3]], "ward E05014452 is given a population twice"),
        # Blank lines do not shift the line named: the repeat is on line 28 (a header, 24 rows, 2 blank, it).
        (lambda m: [*m[:2], "", "", *m[2:], m[0]], "line 28: ward E05014449 is given a population twice"),
        (lambda m: [m[0].replace("4664", "n/a"), *m[1:]], "population 'n/a' is not a whole number"),
    ],
)
def test_a_population_file_must_give_every_ward_once(tmp_path, rows, message):
    from csp_data.store.geography import ward_population

    area = _area_with_population(tmp_path, rows)
    with pytest.raises(InputFileError, match=re.escape(message)):
        ward_population(area)


def test_a_national_population_file_counts_the_areas_wards_only(tmp_path):
    """A file of every ward in England (others' rows beside the area's) gives the area's 282,702, not the sum."""
    from csp_data.store.geography import ward_population

    area = _area_with_population(tmp_path, lambda m: ["E06000001,Elsewhere,E05000001,Other ward,99999", *m])
    population = ward_population(area)
    assert len(population) == 24 and int(population["population"].sum()) == 282_702


def test_the_ward_boundaries_and_population_are_attributed_as_the_area_file_gives_them(tmp_path):
    """Another partnership's own (or synthetic) ward and population files were credited to ONS under the OGL in
    the pack and on Data and methods, and a pack with no plan said its KPIs came from the partnership's plan."""
    from csp_data.report.caveats import source_lines

    medway = load_area(MEDWAY_AREA_FILE)
    assert [w.source for w in medway.wards] == ["ONS generalised boundaries (BGC)"] * 2
    assert medway.boundary_sources == "ONS generalised boundaries (BGC)"
    lines = source_lines(medway, "282,702 residents (ONS, mid-2022)")
    assert lines[2] == "Population: 282,702 residents (ONS, mid-2022). Licensed under the Open Government Licence v3.0."
    assert lines[3] == (
        "Ward boundaries: ONS generalised boundaries (BGC) (Wards from May 2023 (24); Wards before May 2023 (22)), "
        "licensed under the Open Government Licence v3.0; they contain OS data © Crown copyright and database right."
    )
    assert lines[4].startswith("Priorities, KPIs and survey results:")

    path = MEDWAY_AREA_FILE.parent / f".test-area-{tmp_path.name}.toml"
    try:
        path.write_text(
            MEDWAY.replace('source = "ONS generalised boundaries (BGC)"\n', "", 2)
            .replace(
                'source = "ONS, mid-2022 population estimates for 2023 electoral wards"', 'source = "Test population"'
            )
            .replace('file = "plans/plans.yaml"', "")
            .replace("[plans]", "")
        )
        text = path.read_text()
        path.write_text(text[: text.index("[survey]")] + text[text.index("[contact]") :])
        other = load_area(path)
    finally:
        path.unlink(missing_ok=True)
    assert other.boundary_sources == "the ward boundary files named in the area file"
    lines = source_lines(other, "340,800 residents (Test population)")
    assert lines[2:] == [
        "Population: 340,800 residents (Test population).",
        "Ward boundaries: the ward boundary files named in the area file (Wards from May 2023 (24); Wards before "
        "May 2023 (22)).",
    ]
    assert other.wards[0].source == ""


def test_a_ward_source_must_be_text(tmp_path):
    path = MEDWAY_AREA_FILE.parent / f".test-area-{tmp_path.name}.toml"
    try:
        path.write_text(MEDWAY.replace('source = "ONS generalised boundaries (BGC)"', "source = 3", 1))
        with pytest.raises(AreaFileError, match=r"field 'wards\[0\]\.source' should be a string, got int 3"):
            load_area(path)
    finally:
        path.unlink(missing_ok=True)


def test_only_ons_and_ordnance_survey_sources_are_credited_under_the_ogl():
    from dataclasses import replace

    from csp_data.report.caveats import source_lines

    medway = load_area(MEDWAY_AREA_FILE)
    for source, credited in [
        ("Ordnance Survey Boundary-Line", True),
        ("OS Boundary-Line, May 2024", True),
        ("ONS", True),
        ("Drawn by the council's GIS team from PERSONS registers", False),
        ("Council GIS (not ONS-derived)", True),  # names ONS: read as ONS's, the safer side for a licence line
    ]:
        area = replace(medway, wards=tuple(replace(w, source=source) for w in medway.wards))
        assert ("Open Government Licence" in source_lines(area, "x")[3]) is credited, source
