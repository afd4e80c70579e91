"""Read defaults.env (KEY=value lines) the way the Makefile does: a value already in the
environment wins, and ${KEY} refers to another key."""

import os
import re
from pathlib import Path
from typing import Dict

DEFAULTS_FILE = Path(__file__).resolve().parent.parent / "defaults.env"
_LINE = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"]*)"|(.*))$')
_REFERENCE = re.compile(r"\$\{(\w+)\}")


def defaults() -> Dict[str, str]:
    """The file's values as written (references not yet filled in), in the file's order."""
    values = {}
    for line in DEFAULTS_FILE.read_text().splitlines():
        match = _LINE.match(line.strip())
        if match and not line.lstrip().startswith("#"):
            key, quoted, plain = match.groups()
            values[key] = quoted if quoted is not None else plain.strip()
    return values


def environment(**overrides: str) -> Dict[str, str]:
    """os.environ with the defaults filled in, then the given overrides; ${KEY} in a default
    is filled from the result, in the file's order (ACTION_ENDPOINT_URL uses ACTION_PORT)."""
    file_values = defaults()
    env = {**file_values, **os.environ, **overrides}
    for key, value in file_values.items():
        if key not in os.environ and key not in overrides:
            env[key] = _REFERENCE.sub(lambda m: env.get(m.group(1), ""), value)
    return env
