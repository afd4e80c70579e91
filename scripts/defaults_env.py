"""Read defaults.env the way the Makefile does: a value already in the environment wins."""
import os
import re
from pathlib import Path
from typing import Dict

DEFAULTS_FILE = Path(__file__).resolve().parent.parent / "defaults.env"


def defaults() -> Dict[str, str]:
    values = {}
    for line in DEFAULTS_FILE.read_text().splitlines():
        if "?=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("?=", 1)
            values[key.strip()] = value.strip()
    return values


def environment(**overrides: str) -> Dict[str, str]:
    """os.environ with the defaults filled in, then the given overrides."""
    env = {**defaults(), **os.environ}
    env.update(overrides)
    # $(VAR) references, as make expands them: ACTION_ENDPOINT_URL uses ACTION_PORT.
    for key, value in env.items():
        env[key] = re.sub(r"\$\((\w+)\)", lambda m: env.get(m.group(1), ""), value)
    return env
