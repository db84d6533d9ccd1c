import pytest

from deploy.serve import serve


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """``make serve``'s stack (nginx and two replicas of app.py) on free loopback ports, with limits small
    enough for the tests to reach: 6 WebSocket sessions per client address, uploads up to 2 MB."""
    with serve(tmp_path_factory.mktemp("stack"), sessions_per_client=6, upload_limit_mb=2) as running:
        yield running
