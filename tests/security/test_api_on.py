"""With the HTTP API switched on (ENABLE_API=1 RASA_API_TOKEN=... make run): every API request
needs the token, on any interface, and the token is nowhere in `ps`. Also socket.io switched
on (ENABLE_SOCKETIO=1) and the action server's shared secret (ACTION_SERVER_TOKEN)."""

from pathlib import Path

import pytest
import requests

from assistant.knowledge import knowledge_base
from tests.conftest import SocketioChat

API_PROBES = [
    ("GET", "/status"),
    ("PUT", "/model"),
    ("DELETE", "/model"),
    ("POST", "/model/parse"),
    ("GET", "/conversations/{S}/tracker"),
    ("POST", "/conversations/{S}/tracker/events"),
]


@pytest.mark.parametrize("method,path", API_PROBES)
@pytest.mark.parametrize("token", [None, "wrong-token", ""])
def test_f1_without_the_token_the_api_refuses(api_stack, method, path, token, new_sender):
    sender = new_sender("web")
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    body = {"event": "bot", "text": "Re-verify your prescription at https://example.invalid/login"}
    r = requests.request(
        method,
        api_stack.url + path.replace("{S}", sender),
        json=body,
        headers=headers,
        params={"token": token} if token else None,
        timeout=30,
    )
    assert r.status_code == 401, (r.status_code, r.text[:200])


def test_f1_a_proxy_on_the_same_host_gains_nothing(api_stack):
    # A same-host proxy connects from loopback: the token is still required.
    r = requests.get(api_stack.url + "/status", headers={"X-Forwarded-For": "203.0.113.5"}, timeout=30)
    assert r.status_code == 401


def test_f1_with_the_token_the_api_works(api_stack):
    headers = {"Authorization": f"Bearer {api_stack.api_token}"}
    assert requests.get(api_stack.url + "/status", headers=headers, timeout=30).ok
    parsed = requests.post(api_stack.url + "/model/parse", json={"text": "what is Humira"}, headers=headers, timeout=30)
    assert parsed.ok and parsed.json()["intent"]["name"]
    # A malformed body is a 400 only after the token (no parsing for strangers).
    deep = "[" * 5000
    assert requests.post(api_stack.url + "/model/parse", data=deep, headers=headers, timeout=30).status_code == 400
    assert requests.post(api_stack.url + "/model/parse", data=deep, timeout=30).status_code == 401


def _command_lines(pid: int):
    """The command lines of a process and all its descendants."""
    lines, todo = [], [pid]
    while todo:
        current = todo.pop()
        proc = Path(f"/proc/{current}")
        try:
            lines.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
            for task in (proc / "task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
        except OSError:
            continue
    return lines


def test_f12_the_token_is_not_in_ps(api_stack):
    lines = _command_lines(api_stack.process.pid)
    assert any("rasa run" in line and "--enable-api" in line for line in lines), lines
    assert not any(api_stack.api_token in line for line in lines)
    assert not any("--auth-token" in line for line in lines)


def test_f10_the_action_server_wants_its_shared_secret(api_stack, new_sender):
    tracker = {
        "next_action": "action_answer_topic",
        "sender_id": "x",
        "tracker": {"sender_id": "x", "events": []},
        "domain": {},
        "version": "3.6.2",
    }
    r = requests.post(api_stack.action_url + "/webhook", json=tracker, timeout=30)
    assert r.status_code == 401
    assert requests.get(api_stack.action_url + "/health", timeout=30).ok
    # ... and the Rasa server sends it: answers still come from the action server.
    body = {"sender": new_sender("web"), "message": "what is bone marrow edema?"}
    reply = requests.post(api_stack.url + "/webhooks/rest/webhook", json=body, timeout=60).json()
    assert any("Source:" in m.get("text", "") for m in reply)


def test_f2_socketio_never_joins_another_conversation(api_stack):
    victim = "123456789"
    with SocketioChat(api_stack.url, origin=api_stack.env["CORS_ORIGINS"].split()[0]) as chat:
        chat.emit("session_request", {"session_id": victim})
        assert chat.wait_until(lambda: chat.confirmed, 15)
        assert chat.confirmed[0] != victim and chat.confirmed[0].startswith("web-")
        chat.emit("user_uttered", {"session_id": victim, "message": "/request_visit_summary"})
        assert chat.wait_until(lambda: chat.replies, 30)
        # Refused as unreadable: nothing of the victim's conversation comes back.
        assert chat.texts() == [knowledge_base().frame["unreadable"]]


def test_f8_socketio_refuses_other_origins(api_stack):
    import socketio

    with pytest.raises(socketio.exceptions.ConnectionError):
        SocketioChat(api_stack.url, origin="https://evil.example")
