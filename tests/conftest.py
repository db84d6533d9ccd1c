"""Fixtures shared by every test folder (helpers live in ``tests/helpers.py``)."""

import pytest

from helpers import MEDWAY_AREA_FILE, ward_points


@pytest.fixture(scope="session")
def medway_points() -> dict[str, tuple[float, float]]:
    return ward_points()


@pytest.fixture
def medway_area():
    from csp_data.config import load_area

    return load_area(MEDWAY_AREA_FILE)
