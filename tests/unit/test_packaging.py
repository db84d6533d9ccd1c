"""A normal (non-editable) install carries the SQL files and runs the command line on the embedded data."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from helpers import ROOT


@pytest.mark.slow
def test_a_non_editable_install_runs_status_and_queries(tmp_path):
    target = tmp_path / "site"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    assert len(list((target / "csp_data" / "store" / "sql").glob("*.sql"))) >= 10
    env = dict(os.environ, PYTHONPATH=str(target))
    env.pop("CSP_AREA_FILE", None)
    # Run from the repository folder (where data/medway is), with the installed package, not the checkout's.
    probe = subprocess.run(
        [sys.executable, "-c", "import csp_data; print(csp_data.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert probe.stdout.strip().startswith(str(target))
    status = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {str(target)!r}); "
            "from csp_data.cli import main; sys.exit(main(['status']))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert status.returncode == 0, status.stderr
    assert "Months loaded: Jan 2022 to Nov 2022, Jan 2024 to Apr 2024, Jan 2025 to Dec 2025." in status.stdout


def test_the_curated_api_names_resolve():
    import csp_data

    area = csp_data.load_area()
    db = csp_data.Database(area, csp_data.Store(area.store_dir))
    assert len(db.loaded_months()) == 27  # Jan–Nov 2022, Jan–Apr 2024, 2025
    db.close()
    assert issubclass(csp_data.CspDataError, Exception) and callable(csp_data.ingest)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        csp_data.nothing  # noqa: B018
