"""The command line's own errors, one line each for a user: a full disk, a folder that cannot be written,
a reader that goes away (``status | head``), a --store that is not there, an unexpected failure."""

from __future__ import annotations

import errno
import subprocess
import sys

import pytest

from csp_data import cli
from helpers import ROOT, csv_bytes, street_row, ward_points


def failing(exc: BaseException):
    def command(args):
        raise exc

    return command


@pytest.mark.parametrize(
    ("command", "exc", "expected"),
    [
        (
            "cmd_ingest",
            OSError(errno.ENOSPC, "No space left on device"),
            "error: the disk is full. Free some space and run the command again. The store is as it was.",
        ),
        (
            "cmd_remove",
            OSError(errno.EROFS, "Read-only file system", "/srv/store/.lock"),
            "error: /srv/store/.lock: is on a read-only file system. Give a folder that can be written. The store "
            "is as it was.",
        ),
        (
            "cmd_report",
            OSError(errno.EACCES, "Permission denied", "/srv/packs/pack.pdf"),
            "error: /srv/packs/pack.pdf: this user has no permission there. Run the command as a user who has, or "
            "give another folder.",
        ),
        (  # `ulimit -f` reached while writing: "error: File too large" named nothing and said nothing of the store
            "cmd_ingest",
            OSError(errno.EFBIG, "File too large", "/srv/store/.build-1/incidents.parquet"),
            "error: /srv/store/.build-1/incidents.parquet: a file being written grew past the largest this user may write "
            "(`ulimit -f`) or the file system holds. Raise the limit, or write elsewhere, and run the command again. "
            "The store is as it was.",
        ),
        (
            "cmd_status",
            OSError(errno.EIO, "Input/output error", "/srv/store/x.parquet"),
            "error: /srv/store/x.parquet: Input/output error",
        ),
        (
            "cmd_report",
            RuntimeError("boom"),
            "error: an unexpected problem (RuntimeError). Set CSP_DEBUG=1 to see the details, and please report them.",
        ),
        (
            "cmd_ingest",
            RuntimeError("boom"),
            "error: an unexpected problem (RuntimeError). The store holds either what it held before or the whole "
            "of this load; `python -m csp_data status` says which. Set CSP_DEBUG=1 to see the details, and please "
            "report them.",
        ),
    ],
)
def test_errors_say_what_to_do_and_name_the_store_only_for_commands_that_write_it(
    capsys, monkeypatch, command, exc, expected
):
    monkeypatch.delenv("CSP_DEBUG", raising=False)
    monkeypatch.setattr(cli, command, failing(exc))
    argv = {
        "cmd_ingest": ["ingest", "x.csv"],
        "cmd_remove": ["remove", "--month", "2025-01"],
        "cmd_report": ["report"],
        "cmd_status": ["status"],
    }[command]
    code = cli.main(argv)
    err = capsys.readouterr().err.splitlines()
    assert (code, err) == (1 if isinstance(exc, RuntimeError) else 2, [expected])


def test_a_reader_that_goes_away_is_no_error():
    """`status | head`: the pipe closes while status writes; nothing is said and the exit status is 0."""
    script = (
        "import sys\n"
        "from csp_data import cli\n"
        "def status(args):\n"
        "    raise BrokenPipeError(32, 'Broken pipe')\n"
        "cli.cmd_status = status\n"
        "sys.exit(cli.main(['status']))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stderr) == (0, "")


def test_status_of_a_store_that_is_a_file(capsys, tmp_path):
    (tmp_path / "store").write_text("x")
    code = cli.main(["status", "--store", str(tmp_path / "store")])
    assert (
        code == 2
        and f"there is no store at {tmp_path / 'store'}: it is a file, not a folder." in capsys.readouterr().err
    )


def test_status_of_a_store_folder_that_is_not_there(capsys, tmp_path):
    code = cli.main(["status", "--store", str(tmp_path / "stroe")])
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and err == [
        f"error: there is no store at {tmp_path / 'stroe'}: no such folder. Check --store; a first load creates "
        "the store in the folder --store names (python -m csp_data ingest --store FOLDER PATH...)."
    ]


def test_a_hint_to_run_another_command_names_the_same_area_and_store(capsys, tmp_path, medway_area):
    """Another partnership's user runs `remove --area swale.toml`: the hint to run status must act on Swale's
    store, not Medway's (the default)."""
    store = tmp_path / "my store"
    store.mkdir()
    area = str(medway_area.area_file)
    assert cli.main(["remove", "--area", area, "--store", str(store), "--month", "2019-01"]) == 2
    err = capsys.readouterr().err
    assert f"`python -m csp_data status --area {area} --store '{store}'` lists what is" in err
    assert cli.main(["status", "--area", area, "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert f"Load police.uk files with: python -m csp_data ingest --area {area} --store '{store}' PATH..." in out


def test_without_area_or_store_a_hint_is_as_written():
    args = cli.build_parser().parse_args(["remove", "--month", "2019-01"])
    assert cli._for_this_store("run `python -m csp_data status`", args) == "run `python -m csp_data status`"


def test_status_names_a_boundary_file_the_pages_cannot_read(capsys, tmp_path):
    """A wrong code_field got past status (exit 0) and failed only at ingest or on the pages."""
    text = (ROOT / "data" / "medway" / "area.toml").read_text()
    assert 'code_field = "WD25CD"' in text
    text = text.replace('code_field = "WD25CD"', 'code_field = "WD99CD"')
    for folder in ("boundaries", "population"):
        text = text.replace(f'file = "{folder}/', f'file = "{ROOT}/data/medway/{folder}/')
    (tmp_path / "store").mkdir()
    text = text.replace('path = "store"', f'path = "{tmp_path / "store"}"')
    (tmp_path / "area.toml").write_text(text)
    code = cli.main(["status", "--area", str(tmp_path / "area.toml")])
    out = capsys.readouterr().out
    assert code == 1
    assert "boundary file has no field 'WD99CD', which the area file's [[wards]] code_field names" in out
    assert out.count("WD99CD") == 1  # the population's wards are those: said once


def test_status_names_a_population_file_that_leaves_out_a_ward(capsys, tmp_path):
    """A population file of 23 of the 24 wards passed status (exit 0) and made the area's rate too high."""
    text = (ROOT / "data" / "medway" / "area.toml").read_text()
    population = ROOT / "data" / "medway" / "population" / "ward2023_population_mid2022.csv"
    short = tmp_path / "population.csv"
    short.write_text("\n".join(population.read_text().splitlines()[:-1]) + "\n")
    text = text.replace('file = "boundaries/', f'file = "{ROOT}/data/medway/boundaries/')
    text = text.replace('file = "population/ward2023_population_mid2022.csv"', f'file = "{short}"')
    (tmp_path / "store").mkdir()
    text = text.replace('path = "store"', f'path = "{tmp_path / "store"}"')
    (tmp_path / "area.toml").write_text(text)
    code = cli.main(["status", "--area", str(tmp_path / "area.toml")])
    out = capsys.readouterr().out
    assert code == 1
    assert "no population for 1 of the 24 wards in wards_2023.geojson: Wayfield & Weeds Wood (E05014472)." in out


def _medway_with_boundaries(tmp_path, boundaries) -> str:
    """Medway's area file with its current wards read from ``boundaries`` (a GeoDataFrame) and its own store."""
    path = tmp_path / "wards.geojson"
    boundaries.to_file(path, driver="GeoJSON")
    text = (ROOT / "data" / "medway" / "area.toml").read_text()
    current = "boundaries/wards_2023.geojson"
    assert f'file = "{current}"' in text
    text = text.replace(f'file = "{current}"', f'file = "{path}"')
    for folder in ("boundaries", "population"):
        text = text.replace(f'file = "{folder}/', f'file = "{ROOT}/data/medway/{folder}/')
    (tmp_path / "store").mkdir()
    text = text.replace('path = "store"', f'path = "{tmp_path / "store"}"')
    (tmp_path / "area.toml").write_text(text)
    return str(tmp_path / "area.toml")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # Two wards given one code: each of their incidents was counted in both (68 and 68 for 13 and 21).
        (
            lambda f: f.assign(WD25CD=[f["WD25CD"][0], *f["WD25CD"][:-1]]),
            "the ward code E05014449 (field 'WD25CD') is given to more than one ward (All Saints, Chatham Central "
            "& Brompton); each ward needs its own code",
        ),
        # A ward without a code: "an unexpected problem (ArrowTypeError)".
        (
            lambda f: f.assign(WD25CD=[None, *f["WD25CD"][1:]]),
            "boundary feature 1 has no ward code in its field 'WD25CD'",
        ),
        (lambda f: f.assign(WD25NM=[*f["WD25NM"][:2], " ", *f["WD25NM"][3:]]), "boundary feature 3 has no ward name"),
    ],
)
def test_ingest_refuses_a_boundary_file_with_a_ward_code_missing_or_shared(capsys, tmp_path, change, message):
    import geopandas as gpd

    wards = gpd.read_file(ROOT / "data" / "medway" / "boundaries" / "wards_2023.geojson")
    area = _medway_with_boundaries(tmp_path, change(wards))
    lon, lat = ward_points()["All Saints"]
    police = tmp_path / "2025-01-kent-street.csv"
    police.write_bytes(csv_bytes([street_row("2025-01", "Burglary", lon, lat)]))
    assert cli.main(["ingest", "--area", area, str(police)]) == 2
    err = capsys.readouterr().err
    assert message in err and "unexpected" not in err
    assert not any((tmp_path / "store").iterdir())  # nothing written


def test_a_ward_drawn_as_two_features_is_one_ward(tmp_path):
    import geopandas as gpd
    import pandas as pd
    import shapely

    from csp_data.config import load_area
    from csp_data.store.geography import ward_boundaries

    wards = gpd.read_file(ROOT / "data" / "medway" / "boundaries" / "wards_2023.geojson")
    whole = wards.geometry[0]
    west, south, east, north = whole.bounds
    middle = (west + east) / 2
    halves = wards.iloc[[0, 0]].copy()
    halves["geometry"] = [
        whole.intersection(shapely.box(west, south, middle, north)),
        whole.intersection(shapely.box(middle, south, east, north)),
    ]
    split = gpd.GeoDataFrame(pd.concat([halves, wards.iloc[1:]], ignore_index=True), crs=wards.crs)
    read = ward_boundaries(load_area(_medway_with_boundaries(tmp_path, split)).current_wards)
    assert len(read) == len(wards) and read["ward_code"].is_unique
    first = read.set_index("ward_code").loc[wards["WD25CD"][0]]
    assert first["ward_name"] == wards["WD25NM"][0]
    assert abs(first.geometry.area - whole.area) < 1e-6 * whole.area


def test_ctrl_c_while_the_libraries_load_is_one_line_not_a_traceback(tmp_path):
    # A SIGINT 1.5 s after `python -m csp_data ingest` started (the imports) printed a KeyboardInterrupt traceback.
    slow = tmp_path / "sitecustomize.py"
    slow.write_text(
        "import builtins, os, signal\n_real = builtins.__import__\n"
        "def _slow(name, *a, **k):\n"
        "    if name == 'csp_data.cli':\n        os.kill(os.getpid(), signal.SIGINT)\n"
        "    return _real(name, *a, **k)\nbuiltins.__import__ = _slow\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "csp_data", "status"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**__import__("os").environ, "PYTHONPATH": f"{tmp_path}:{ROOT}"},
        timeout=120,
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr == "error: interrupted while starting; nothing was read or written\n"


def test_a_ctrl_c_while_the_load_is_reported_says_the_load_landed(capsys, tmp_path, monkeypatch):
    """A second Ctrl-C as the table printed reached the catch-all: "interrupted; the store is as it was", exit
    130, while the months were in the store."""
    folder = tmp_path / "load"
    folder.mkdir()
    point = ward_points()["Luton"]
    (folder / "2025-03-kent-street.csv").write_bytes(csv_bytes([street_row("2025-03", "Robbery", *point)]))

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_print_table", interrupted)
    code = cli.main(["ingest", "--quiet", "--store", str(tmp_path / "store"), str(folder)])
    err = capsys.readouterr().err
    assert code == 130
    assert "interrupted after the load had landed; the new months are in the store" in err
    assert "as it was" not in err
    from csp_data.store import Store

    assert [str(m) for m in Store(tmp_path / "store").loaded_months()] == ["2025-03-01"]
