"""Plain Rasa commands, run in the project root with no project variables set, start with the
one-machine defaults and answer (README, "Plain Rasa commands"): `rasa run actions`,
`rasa run --enable-api` and `rasa shell` read endpoints.yml, credentials.yml and models/.

They use Rasa's default ports, 5005 and 5055, so the tests skip when something (`make run`)
already holds them; in CI nothing does.
"""

import os
import pty
import select
import socket
import subprocess
import time
import uuid
from typing import Dict, Iterator, List

import pytest
import requests

from assistant.knowledge import knowledge_base
from devtools.servers import BIN, ROOT, stop_process, wait_until_up

RASA_PORT, ACTION_PORT = 5005, 5055
QUESTION = "what is bone marrow edema?"


def plain_environment() -> Dict[str, str]:
    """The environment of a fresh shell: none of defaults.env's variables."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env["RASA_TELEMETRY_ENABLED"] = "false"  # no first-run prompt in a test
    return env


def port_taken(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def start(args: List[str], log_path, **env: str) -> subprocess.Popen:
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [str(BIN / "rasa"), *args],
            cwd=ROOT,
            env={**plain_environment(), **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@pytest.fixture(scope="module")
def plain_actions(model, tmp_path_factory) -> Iterator[subprocess.Popen]:
    if port_taken(RASA_PORT) or port_taken(ACTION_PORT):
        pytest.skip("ports 5005/5055 are in use (make run?): the plain commands need Rasa's defaults")
    process = start(["run", "actions"], tmp_path_factory.mktemp("plain") / "actions.log")
    try:
        wait_until_up(f"http://127.0.0.1:{ACTION_PORT}/health", process)
        yield process
    finally:
        stop_process(process)


def test_plain_rasa_run_with_the_api_answers_through_the_plain_action_server(plain_actions, tmp_path, new_sender):
    token = f"plain-{uuid.uuid4().hex}"  # the API always needs one, from the environment
    rasa = start(["run", "--enable-api"], tmp_path / "rasa.log", RASA_API_TOKEN=token)
    auth = {"Authorization": f"Bearer {token}"}
    try:
        wait_until_up(f"http://127.0.0.1:{RASA_PORT}/", rasa)
        reply = requests.post(
            f"http://127.0.0.1:{RASA_PORT}/webhooks/rest/webhook",
            json={"sender": new_sender("web"), "message": QUESTION},
            timeout=60,
        )
        reply.raise_for_status()
        text = "\n".join(m.get("text", "") for m in reply.json())
        assert knowledge_base().topics["ask_bme_definition"].answer in text  # answered by the actions
        parse = f"http://127.0.0.1:{RASA_PORT}/model/parse"
        parsed = requests.post(parse, json={"text": QUESTION}, headers=auth, timeout=30)
        assert parsed.json()["intent"]["name"] == "ask_bme_definition"
        assert requests.post(parse, data=b"{", headers=auth, timeout=30).status_code == 400
        assert requests.post(parse, json={"text": QUESTION}, timeout=30).status_code == 401
    finally:
        stop_process(rasa)
    log = (tmp_path / "rasa.log").read_text(errors="replace")
    assert "Rasa extensions on (rasa 3.6" in log  # the door was used: one line, every extension
    assert "cached SQL tracker store" in log and "HTTP API token and body check" in log


def test_plain_rasa_shell_answers_in_the_terminal(plain_actions, tmp_path):
    """`rasa shell` in a terminal (a pseudo-terminal here), typing one question."""
    controller, terminal = pty.openpty()
    shell = subprocess.Popen(
        [str(BIN / "rasa"), "shell"],
        cwd=ROOT,
        env={**plain_environment(), "TERM": "dumb"},
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        start_new_session=True,
    )
    os.close(terminal)
    seen = b""

    def read_until(marker: bytes, timeout: float) -> bool:
        nonlocal seen
        deadline = time.time() + timeout
        while time.time() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(controller, 65536)
                except OSError:
                    return False
                if marker in seen:
                    return True
            elif shell.poll() is not None:
                return False
        return False

    try:
        assert read_until(b"Your input", 240), seen.decode(errors="replace")[-3000:]
        os.write(controller, QUESTION.encode() + b"\r")
        # The answer's first words, as the terminal shows them (it wraps long lines).
        first_words = " ".join(knowledge_base().topics["ask_bme_definition"].answer.split()[:4]).encode()
        assert read_until(first_words, 120), seen.decode(errors="replace")[-3000:]
        assert b"Rasa extensions on (rasa 3.6" in seen
    finally:
        stop_process(shell)
        os.close(controller)
