from pathlib import Path
from typing import Iterator

import pytest

from tests.servers import MODEL, Servers, running_servers


@pytest.fixture(scope="session")
def servers(tmp_path_factory) -> Iterator[Servers]:
    """Shared by the tests that leave both servers running as they found them."""
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` first (make test does).")
    with running_servers(tmp_path_factory.mktemp("servers")) as s:
        yield s


@pytest.fixture(scope="module")
def own_servers(tmp_path_factory) -> Iterator[Servers]:
    """A module's own pair, for tests that stop servers or read the logs."""
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` first (make test does).")
    workdir: Path = tmp_path_factory.mktemp("own-servers")
    with running_servers(workdir, env={"LOG_LEVEL": "INFO"}) as s:
        yield s
