import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.knowledge import load_knowledge_base  # noqa: E402


@pytest.fixture(scope="session")
def kb():
    return load_knowledge_base()


@pytest.fixture(scope="session")
def domain():
    import yaml

    return yaml.safe_load((ROOT / "domain.yml").read_text())
