"""Privacy: no message text in either server's log at the default log level, and the HTTP API
only on loopback or with a token."""

import os
import signal
import subprocess
import uuid

import pytest
import requests

from scripts.defaults_env import environment
from devtools.servers import ROOT, free_port
from tests.reliability.helpers import post_webhook, socketio_say

# A pair of its own, logging at INFO: the test reads both logs after stopping it.
OWN_SERVERS = {"env": {"LOG_LEVEL": "INFO"}}


def test_no_message_text_in_the_logs(own_servers, new_sender):
    marker = f"zqmarker{uuid.uuid4().hex[:10]}"
    sender = new_sender("privacy")
    said = [
        f"hello, I am {marker}",
        f"what is bone marrow edema? my name is {marker}",
        f"tell me about Enbrel {marker}",
        f"I suddenly have a painful red eye {marker}",
        f"/{marker}",  # a typed "/..." that is no intent: Rasa warns, quoting it
        f'/greet{{"name": "{marker}',  # broken entities: another warning that quotes it
        f'/ask_drug_info{{"{marker}": 1}}',  # an unknown entity
        f"what is AS? {marker} " + "and more " * 400 + marker,  # cut at the limit
        marker * 5,
    ]
    for text in said:
        assert post_webhook(own_servers, {"sender": sender, "message": text}).status_code == 200
    # Rejected bodies, an API parse, socket.io, and a failure path.
    post_webhook(own_servers, {"sender": sender, "message": [marker]})
    post_webhook(own_servers, raw=f'{{"sender": "x", "message": "{marker}'.encode())
    requests.post(f"{own_servers.url}/model/parse", json={"text": f"/{marker}"}, timeout=30)
    socketio_say(own_servers, new_sender("privacy-sio"), f"what are biologics {marker}")
    own_servers.stop_actions()
    try:
        post_webhook(own_servers, {"sender": sender, "message": f"what are NSAIDs {marker}"})
    finally:
        own_servers.start_actions()

    # The marker did reach the server and the conversation record ...
    assert any(marker in e.get("text", "") for e in own_servers.tracker_events(sender) if e["event"] == "user")
    own_servers.stop()  # flush and close both logs
    for name in ("rasa.log", "actions.log"):
        log = (own_servers.workdir / name).read_text(errors="replace")
        assert "INFO" in log, f"{name} has no log lines: the test would prove nothing"
        # ... but no log line.
        assert marker not in log, f"message text in {name}"


def test_run_script_refuses_the_api_without_a_token():
    env = environment(
        ENABLE_API="1", RASA_PORT=str(free_port()), ACTION_PORT=str(free_port()), WEB_PORT=str(free_port())
    )
    env.pop("RASA_API_TOKEN", None)
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "run_servers.sh")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:  # it started something after all: stop all of it
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()
    assert process.returncode == 2
    assert "RASA_API_TOKEN" in stderr


def test_the_action_server_listens_on_loopback_only(servers):
    import socket

    port = servers.action_port
    assert requests.get(f"http://127.0.0.1:{port}/health", timeout=10).ok
    # This machine's own address on its network (a UDP "connect" sends nothing).
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))
        own_address = probe.getsockname()[0]
    except OSError:
        own_address = "127.0.0.1"
    finally:
        probe.close()
    if own_address.startswith("127."):
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://{own_address}:{port}/health", timeout=10)
