import pytest

from csp_data.config import load_area
from csp_data.errors import AreaFileError
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
