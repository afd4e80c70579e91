"""The layering, as rules a commit cannot break unnoticed (`make lint` runs this file).

assistant/ is plain Python; actions/ talks to Rasa only through rasa-sdk; the adapters do not
import each other; tools and scripts never import the tests. Every import counts, also one
inside a function.
"""

import ast
from pathlib import Path
from typing import Dict, Iterator, Set, Tuple

import pytest

from tests.conftest import ROOT

RASA_SERVER_SIDE = {"rasa", "sanic", "sanic_cors", "structlog", "socketio", "engineio", "rasa_extensions"}

# package -> top-level modules it must not import
FORBIDDEN: Dict[str, Set[str]] = {
    "assistant": RASA_SERVER_SIDE
    | {"rasa_sdk", "aiohttp", "actions", "components", "channels", "tests", "scripts", "devtools"},
    "actions": RASA_SERVER_SIDE | {"components", "channels", "tests", "scripts", "devtools"},
    "components": {"rasa_sdk", "actions", "channels", "rasa_extensions", "tests", "scripts", "devtools"},
    "channels": {"rasa_sdk", "actions", "components", "tests", "scripts", "devtools"},
    "rasa_extensions": {"actions", "components", "channels", "tests", "scripts", "devtools"},
    "rasa_sdk_plugins": {"rasa", "actions", "components", "channels", "tests"},
    "scripts": {"tests"},
    "devtools": {"tests"},
    # The benchmark is a client: it reads answers over HTTP, never the Rasa server's code.
    "benchmark": RASA_SERVER_SIDE | {"rasa_sdk", "actions", "components", "channels", "tests"},
}


def imports(path: Path) -> Iterator[Tuple[int, str]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_keeps_to_its_layer(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no Python files"
    broken = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in files
        for line, name in imports(path)
        if name.split(".")[0] in FORBIDDEN[package]
    ]
    assert not broken, "\n".join(broken)


def test_the_checker_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from rasa.core import run\n    import sanic\n")
    assert [name for _, name in imports(sample)] == ["rasa.core", "sanic"]
