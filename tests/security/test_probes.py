"""The review's live probes, each run straight at the Rasa server and through the proxy: the
attack is reproduced and shown refused. F-numbers are the review's findings."""

import json
import stat
import uuid

import pytest

from assistant.security import RATE_LIMITED_TEXT


# ---------------------------------------------------------------- F1: the HTTP API is closed


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/status"),
        ("GET", "/version"),
        ("PUT", "/model"),
        ("DELETE", "/model"),
        ("POST", "/model/parse"),
        ("GET", "/conversations/{S}/tracker"),
        ("POST", "/conversations/{S}/tracker/events"),
        ("GET", "/domain"),
    ],
)
def test_f1_the_http_api_is_not_served(via, method, path, new_sender):
    sender = new_sender("web")
    via.say(sender, "is prednisone bad for my bones")
    body = {"event": "bot", "text": "Re-verify your prescription at https://example.invalid/login"}
    r = via.request(method, path.replace("{S}", sender), json=body)
    # The proxy forwards no API route (404); the server itself refuses it without a token (403).
    assert r.status_code == (404 if via.through_proxy else 403), (r.status_code, r.text[:200])
    assert "prednisone" not in r.text and "events" not in r.text
    history = via.history(sender).json()["messages"]
    assert "example.invalid" not in json.dumps(history)


# ---------------------------------------------------------------- F2: one conversation per person


@pytest.mark.parametrize(
    "victim", ["123456789", "U024BE7LH", "telegram:123456789", "me", "web-not-a-uuid", f"WEB-{uuid.uuid4()}"]
)
def test_f2_rest_refuses_any_id_but_the_widgets(via, victim):
    for message in ("what are the side effects of Humira", "/request_visit_summary"):
        r = via.say(victim, message)
        assert r.status_code == 400 and "widget" in r.json()["message"]
        assert "Humira" not in r.text
    assert via.history(victim).status_code == 400
    assert via.request("POST", "/webhooks/rest/forget", json={"sender": victim}).status_code == 400


def test_f2_a_widget_id_reads_only_its_own_conversation(via, new_sender):
    mine, other = new_sender("web"), new_sender("web")
    assert via.say(mine, "what are the side effects of Humira").ok
    assert via.history(other).json() == {"messages": []}
    assert "Humira" in json.dumps(via.history(mine).json())


def test_f2_socketio_is_off(via):
    r = via.request("GET", "/socket.io/?EIO=4&transport=polling")
    assert r.status_code == 404


# ---------------------------------------------------------------- F4: the id stays out of URLs


def test_f4_history_is_not_served_from_a_url_path(via, new_sender):
    sender = new_sender("web")
    via.say(sender, "what is bone marrow edema?")
    r = via.request("GET", f"/webhooks/rest/history/{sender}")
    assert r.status_code in (403, 404, 405) and "edema" not in r.text


def test_f4_proxy_access_log_has_no_ids_or_query_strings(stack, proxy, new_sender):
    sender = new_sender("web")
    client_ca = str(proxy.ca)
    import requests

    requests.post(
        f"{proxy.url}/webhooks/rest/webhook?token=should-not-be-logged",
        verify=client_ca,
        timeout=60,
        json={"sender": sender, "message": "hello"},
    )
    log = (proxy.workdir / "access.log").read_text()
    assert "/webhooks/rest/webhook" in log
    assert sender not in log and "should-not-be-logged" not in log


# ---------------------------------------------------------------- F7: limits


def test_f7_an_oversized_body_gets_413(via, new_sender):
    r = via.say(new_sender("web"), "x" * 70_000)
    assert r.status_code == 413


def test_f7_deeply_nested_json_gets_400_not_500(via, new_sender):
    r = via.request(
        "POST", "/webhooks/rest/webhook", data="[" * 5000 + "]" * 5000, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400
    nested = {"sender": new_sender("web"), "message": "hi", "metadata": json.loads("[" * 50 + "]" * 50)}
    assert via.request("POST", "/webhooks/rest/webhook", json=nested).status_code == 400


def test_f7_metadata_is_bounded(via, new_sender):
    body = {"sender": new_sender("web"), "message": "hello", "metadata": {"blob": "x" * 5000}}
    r = via.request("POST", "/webhooks/rest/webhook", json=body)
    assert r.status_code == 400 and "metadata" in r.json()["message"]


def test_f7_stored_text_is_capped_at_what_is_read(via, new_sender):
    sender, long_text = new_sender("web"), "what is bone marrow edema? " + "y" * 8000
    assert via.say(sender, long_text).ok
    users = [m["text"] for m in via.history(sender).json()["messages"] if m["from"] == "user"]
    assert users and all(len(text) <= 2000 for text in users)


def test_f7_one_person_sending_too_fast_gets_429_with_a_kind_message(stack, new_sender):
    import requests

    sender, statuses = new_sender("web"), []
    for _ in range(40):  # 30 a minute by default; the history route counts like a message
        r = requests.post(f"{stack.url}/webhooks/rest/history", json={"sender": sender}, timeout=30)
        statuses.append(r.status_code)
        if r.status_code == 429:
            break
    assert statuses[-1] == 429 and statuses.count(200) >= 25
    assert r.json()["message"] == RATE_LIMITED_TEXT
    assert requests.post(f"{stack.url}/webhooks/rest/history", json={"sender": new_sender("web")}, timeout=30).ok


def test_f7_one_client_sending_too_fast_gets_429(stack, new_sender):
    import requests

    # From the proxy (a loopback peer with X-Forwarded-For), one client address, many ids.
    headers, statuses = {"X-Forwarded-For": "203.0.113.7"}, []
    for _ in range(130):  # 120 a minute by default
        r = requests.post(
            f"{stack.url}/webhooks/rest/history", json={"sender": new_sender("web")}, headers=headers, timeout=30
        )
        statuses.append(r.status_code)
        if r.status_code == 429:
            break
    assert statuses[-1] == 429 and statuses.count(200) >= 100


# ---------------------------------------------------------------- F9: erasure and files


def test_f9_forget_erases_every_event_and_vote(via, stack, new_sender):
    import sqlite3

    sender = new_sender("web")
    answer = via.say(sender, "what is a flare?").json()
    vote = next(b["payload"] for m in answer for b in m.get("buttons", []) if b["payload"].startswith("/feedback"))
    assert via.say(sender, vote).ok
    with sqlite3.connect(stack.database) as db:
        assert db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0] > 0
    r = via.request("POST", "/webhooks/rest/forget", json={"sender": sender})
    assert r.status_code == 200 and r.json() == {"erased": True}
    with sqlite3.connect(stack.database) as db:
        assert db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0] == 0
    assert via.history(sender).json() == {"messages": []}


def test_f9_the_database_and_logs_are_owner_only(stack):
    stack_files = [stack.database] + list(stack.database.parent.glob("conversations.db-*"))
    assert len(stack_files) >= 2  # the write-ahead log too
    for path in stack_files:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path}: {oct(mode)}"


def test_f9_the_server_purges_on_a_schedule(stack):
    log = stack.log.read_text(errors="replace")
    assert "Retention: conversations idle for more than 30 days are deleted every 24 hours" in log


# ---------------------------------------------------------------- F12 and the proxy's headers

SECURITY_HEADERS = {
    "strict-transport-security": "max-age=",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "content-security-policy": "script-src 'self'",
}


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("GET", "/", None),
        ("GET", "/widget.js", None),
        ("POST", "/webhooks/rest/webhook", {"sender": "web-x", "message": "hi"}),
        ("GET", "/status", None),
        ("POST", "/webhooks/rest/webhook", {"sender": "web-x", "message": "x" * 70_000}),
    ],
)
def test_the_proxy_sends_the_security_headers_on_every_answer(proxy, method, path, body):
    import requests

    r = requests.request(method, proxy.url + path, json=body, verify=str(proxy.ca), timeout=60)
    for header, value in SECURITY_HEADERS.items():
        assert value in r.headers.get(header, ""), (path, r.status_code, header)
    assert "nginx/" not in r.headers.get("server", "")


def test_the_proxy_redirects_plain_http_to_https(proxy):
    import requests

    r = requests.get(proxy.http_url + "/", allow_redirects=False, timeout=30)
    assert r.status_code == 301 and r.headers["location"].startswith("https://")


def test_f12_sender_ids_are_not_in_the_logs(stack, new_sender):
    sender = new_sender("web")
    import requests

    requests.post(f"{stack.url}/webhooks/rest/webhook", json={"sender": sender, "message": "/restart"}, timeout=60)
    requests.post(f"{stack.url}/webhooks/rest/webhook", json={"sender": sender, "message": "hello"}, timeout=60)
    assert sender not in stack.log.read_text(errors="replace")


# ---------------------------------------------------------------- F7 at the proxy


def test_f7_the_proxy_rate_limits_per_client_address(proxy):
    import requests

    # Last in this file: the proxy's bucket is empty for a moment afterwards.
    statuses, session = [], requests.Session()
    for _ in range(1000):
        r = session.post(
            f"{proxy.url}/webhooks/rest/history", json={"sender": "not-valid"}, verify=str(proxy.ca), timeout=30
        )
        statuses.append(r.status_code)
        if r.status_code == 429:
            break
    assert statuses[-1] == 429 and "wait a few seconds" in r.json()["message"]
