import pytest

from tests.servers import MODEL, running_servers


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` first (make test does).")
    with running_servers(tmp_path_factory.mktemp("servers")) as s:
        yield s
