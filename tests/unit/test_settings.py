"""The one-machine defaults are one set: defaults.env, as make and Python read it, and
endpoints.yml's literal values (for plain Rasa commands) agree with endpoints.env.yml filled in."""

import os
import re
import subprocess

import yaml

from scripts.defaults_env import defaults, environment
from tests.conftest import ROOT


def clean_environment():
    return {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root")}


def test_make_and_python_read_defaults_env_alike(monkeypatch):
    for key in defaults():
        monkeypatch.delenv(key, raising=False)
    python = environment()
    keys = list(defaults())
    recipe = "; ".join(f"echo '{k}=$({k})'" for k in keys)
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval", f"print-defaults: ; @{recipe}", "print-defaults"],
        cwd=ROOT,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    make = dict(line.split("=", 1) for line in done.stdout.splitlines())
    assert make == {k: python[k] for k in keys}
    assert python["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:5055/webhook"
    assert python["CORS_ORIGINS"] == "http://localhost:8080 http://127.0.0.1:8080"


def test_the_environment_wins_and_references_follow_it(monkeypatch):
    for key in defaults():  # `make` exports them all; here only ACTION_PORT is set
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("ACTION_PORT", "6000")
    assert environment()["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:6000/webhook"
    assert environment(ACTION_PORT="7000")["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:7000/webhook"


def test_a_shell_can_source_defaults_env():
    script = 'set -a; . ./defaults.env; set +a; echo "$ACTION_ENDPOINT_URL|$CORS_ORIGINS"'
    done = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env=clean_environment(), capture_output=True, text=True, timeout=30
    )
    assert done.stdout.strip() == "http://127.0.0.1:5055/webhook|http://localhost:8080 http://127.0.0.1:8080"


def test_literal_endpoints_are_the_defaults(monkeypatch):
    for key in defaults():
        monkeypatch.delenv(key, raising=False)
    env = environment()
    templated = re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], (ROOT / "endpoints.env.yml").read_text())
    from_env, literal = yaml.safe_load(templated), yaml.safe_load((ROOT / "endpoints.yml").read_text())
    # An in-memory lock has no server to name, and one machine needs no secrets.
    for key in ("url", "port", "password", "use_ssl"):
        from_env["lock_store"].pop(key)
    from_env["action_endpoint"].pop("headers")
    assert literal == from_env
    assert env["ENDPOINTS"] == "endpoints.env.yml"
