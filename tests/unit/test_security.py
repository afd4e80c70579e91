"""The security rules as plain functions (assistant/security.py and the thin layers over it):
the cheap half of tests/security/, which reproduces each attack against the real servers."""

import asyncio
import json
import sqlite3
import stat
import time
import uuid

import pytest

from assistant import security


@pytest.fixture(autouse=True)
def no_patches_left_behind():
    """Stores built here switch rasa_extensions on (process-wide patches): off again after."""
    yield
    import rasa_extensions

    rasa_extensions.uninstall_for_tests()


def test_only_the_widgets_ids_are_widget_ids():
    assert security.is_widget_sender_id(f"web-{uuid.uuid4()}")
    assert security.is_widget_sender_id(f"web-{uuid.uuid4().hex}")
    for other in ("123456789", "telegram:1", "me", "web-", f"web-{uuid.uuid4()}x", f"WEB-{uuid.uuid4()}", None, 5):
        assert not security.is_widget_sender_id(other)


def test_a_forwarded_request_is_never_a_direct_loopback_client():
    assert security.is_direct_loopback("127.0.0.1", {})
    assert security.is_direct_loopback("::1", {})
    assert not security.is_direct_loopback("127.0.0.1", {"x-forwarded-for": "203.0.113.1"})
    assert not security.is_direct_loopback("203.0.113.1", {})


def test_the_client_to_rate_limit():
    assert security.client_key("127.0.0.1", {}) is None  # the machine's own tools
    assert security.client_key("127.0.0.1", {"x-forwarded-for": "203.0.113.1"}) == "203.0.113.1"
    assert security.client_key("198.51.100.2", {"x-forwarded-for": "203.0.113.1"}) == "198.51.100.2"  # not trusted


def test_deep_json_is_a_value_error_not_a_recursion_error():
    with pytest.raises(ValueError):
        security.loads_bounded("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError):
        security.loads_bounded(json.dumps({"a": [[[[[[[[[[1]]]]]]]]]]}))
    assert security.loads_bounded('{"sender": "x", "message": "hi"}') == {"sender": "x", "message": "hi"}


def test_metadata_is_small_and_shallow():
    assert security.metadata_problem(None) is None
    assert security.metadata_problem({"page": "/contact"}) is None
    assert security.metadata_problem([1]) and security.metadata_problem({"x": "y" * 3000})
    assert security.metadata_problem({"a": {"b": {"c": {"d": {"e": 1}}}}})


def test_the_rate_limiter_allows_a_burst_then_the_rate():
    limiter = security.RateLimiter(per_minute=60, burst=3)
    assert [limiter.allow("a", now=0.0) for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b", now=0.0)  # per key
    assert limiter.allow("a", now=1.0) and not limiter.allow("a", now=1.0)
    assert security.RateLimiter(per_minute=0).allow("a")  # 0 = off
    assert security.RateLimiter(per_minute=5).allow(None)  # no key = not limited


def test_secrets_are_compared_in_constant_time_and_never_match_nothing():
    assert security.secret_matches("s3cret", "s3cret")
    assert not security.secret_matches("s3cret", "other")
    assert not security.secret_matches("", "")
    assert not security.secret_matches(None, "x")


def test_ids_in_log_lines_become_pseudonyms():
    sender = f"web-{uuid.uuid4()}"
    line = f"Circuit breaker tripped. Stopped predicting more actions for sender '{sender}' and telegram:4242."
    redacted = security.redact_ids(line)
    assert sender not in redacted and "telegram:4242" not in redacted
    assert security.pseudonym(sender) in redacted


def test_the_log_filter_redacts_ids_in_formatted_records():
    import logging

    from rasa_extensions.privacy import IdRedactingFilter

    sender = f"web-{uuid.uuid4()}"
    record = logging.LogRecord("rasa.core.processor", logging.WARNING, __file__, 1, "sender '%s'", (sender,), None)
    IdRedactingFilter().filter(record)
    assert sender not in record.getMessage()


# ---------------------------------------------------------------- channels


def test_messaging_ids_are_namespaced_and_replies_go_to_the_apps_id():
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    from channels.guard import GuardedChannel

    class Channel(GuardedChannel):
        sender_namespace = "telegram"

        def name(self):
            return "telegram"

    seen = {}

    async def handler(message):
        seen["sender"] = message.sender_id
        await message.output_channel.send_response(message.sender_id, {"text": "hello"})

    output = CollectingOutputChannel()
    asyncio.run(Channel().handle_guarded(UserMessage("hi", output, 4242), handler))
    assert seen["sender"] == "telegram:4242"
    assert [m["recipient_id"] for m in output.messages] == ["4242"]


def test_the_messaging_channels_use_their_namespace():
    from channels.messaging import FacebookChannel, SlackChannel, TelegramChannel

    for channel in (SlackChannel, FacebookChannel, TelegramChannel):
        assert channel.sender_namespace.fget(channel) == channel.name()


@pytest.mark.parametrize(
    "path,method,header,status",
    [
        ("/webhooks/telegram/webhook", "POST", None, 403),
        ("/webhooks/telegram/webhook", "POST", "guess", 403),
        ("/webhooks/telegram/webhook", "POST", "the-secret", None),
        ("/webhooks/telegram/webhook", "GET", "the-secret", 405),
        ("/webhooks/telegram/set_webhook", "POST", "the-secret", 404),
        ("/webhooks/telegram/set_webhook", "GET", None, 404),
        ("/webhooks/telegram/", "GET", None, None),
    ],
)
def test_telegram_accepts_only_updates_with_its_secret_token(path, method, header, status):
    from channels.messaging import TELEGRAM_SECRET_HEADER, telegram_request_problem

    headers = {TELEGRAM_SECRET_HEADER: header} if header is not None else {}
    assert telegram_request_problem(path, method, headers, "the-secret") == status


def test_telegram_registers_its_webhook_with_the_secret_token(monkeypatch):
    from rasa.core.channels import telegram

    from channels.messaging import TelegramChannel

    calls = []

    class FakeOutput:
        def __init__(self, token):
            self.token = token

        async def request(self, method, data):
            calls.append((method, data))
            return True

    monkeypatch.setattr("channels.messaging.TelegramOutput", FakeOutput)
    assert telegram  # the module Rasa's connector comes from
    channel = TelegramChannel("123:abc", "as_bot", "https://example.org/webhooks/telegram/webhook", "the-secret")
    channel.get_output_channel()
    assert calls == [
        ("setWebhook", {"url": "https://example.org/webhooks/telegram/webhook", "secret_token": "the-secret"})
    ]


def test_telegram_stays_off_without_its_secret_token(monkeypatch):
    from channels.messaging import TelegramChannel, _Disabled

    monkeypatch.setenv("TELEGRAM_ACCESS_TOKEN", "123:abc")
    monkeypatch.setenv("TELEGRAM_VERIFY", "as_info_bot")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://example.org/webhooks/telegram/webhook")
    monkeypatch.delenv("TELEGRAM_SECRET_TOKEN", raising=False)
    assert isinstance(TelegramChannel.from_credentials({}), _Disabled)


def test_socketio_is_off_unless_asked_for(monkeypatch):
    from channels.messaging import _Disabled
    from channels.socketio_channel import SocketIOChannel
    from rasa_extensions.socketio_handlers import message_problem

    monkeypatch.delenv("ENABLE_SOCKETIO", raising=False)
    assert isinstance(SocketIOChannel.from_credentials({}), _Disabled)
    assert message_problem({"message": "hi", "session_id": "123456789"}, True)
    assert message_problem({"message": "hi", "session_id": "123456789"}, True, any_id=True) is None
    assert message_problem({"message": "hi", "session_id": f"web-{uuid.uuid4()}"}, True) is None


# ---------------------------------------------------------------- the report


def test_the_report_escapes_what_people_typed():
    from scripts.unanswered_report import cell

    typed = "<img src=x onerror=alert(1)> ![x](https://attacker.example/p.png) a | b `code`"
    shown = cell(typed)
    for markup in ("<", ">", "![", "](", "|", "`", "https://"):
        assert markup not in shown


def test_the_report_counts_one_vote_per_person_and_topic():
    from scripts.unanswered_report import one_per_person

    records = [("a", {"topic": "ask_flare", "helpful": False})] * 50 + [
        ("a", {"topic": "ask_flare", "helpful": True}),
        ("b", {"topic": "ask_flare", "helpful": False}),
        ("a", {"topic": "ask_flare", "comment": "x"}),
        ("a", {"topic": "ask_flare", "comment": "y"}),
    ]
    kept = one_per_person(records)
    assert sorted(json.dumps(r, sort_keys=True) for r in kept) == sorted(
        json.dumps(r, sort_keys=True)
        for r in [
            {"topic": "ask_flare", "helpful": True},
            {"topic": "ask_flare", "helpful": False},
            {"topic": "ask_flare", "comment": "y"},
        ]
    )


# ---------------------------------------------------------------- retention


def _store(tmp_path):
    from rasa_extensions.tracker_store import CachedSQLTrackerStore

    return CachedSQLTrackerStore(dialect="sqlite", host=f"sqlite:///{tmp_path / 'var' / 'conversations.db'}")


def _save(store, sender, text, age_seconds=0.0):
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker(sender, slots=[])
    tracker.update(UserUttered(text, timestamp=time.time() - age_seconds))
    asyncio.run(store.save(tracker))


def test_the_database_is_owner_only_and_erasure_leaves_no_copy(tmp_path):
    store = _store(tmp_path)
    path = tmp_path / "var" / "conversations.db"
    marker = f"zqsecret{uuid.uuid4().hex}"
    _save(store, "web-a", marker)
    _save(store, "web-b", "kept")
    for file in [path, *path.parent.glob("conversations.db-*")]:
        assert stat.S_IMODE(file.stat().st_mode) & 0o077 == 0, file
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0
    assert asyncio.run(store.erase("web-a")) == 1
    store.engine.dispose()
    blobs = b"".join(f.read_bytes() for f in path.parent.glob("conversations.db*"))
    assert marker.encode() not in blobs
    assert b"kept" in blobs


def test_the_purge_overwrites_and_compacts(tmp_path):
    from rasa_extensions import retention

    store = _store(tmp_path)
    marker = f"zqold{uuid.uuid4().hex}"
    _save(store, "web-old", marker, age_seconds=3 * 86400)
    _save(store, "web-new", "recent")
    done = retention.purge(store.engine, older_than_days=1)
    assert (done["conversations"], done["events"]) == (1, 1)
    store.engine.dispose()
    path = tmp_path / "var" / "conversations.db"
    assert marker.encode() not in b"".join(f.read_bytes() for f in path.parent.glob("conversations.db*"))


def test_the_purge_runs_on_a_schedule(tmp_path):
    import threading

    from rasa_extensions import retention

    store = _store(tmp_path)
    _save(store, "web-old", "old", age_seconds=3 * 86400)
    thread = retention.purge_on_schedule(store, lambda s: s.engine, days=1, interval=0.05)
    assert isinstance(thread, threading.Thread)
    path = str(tmp_path / "var" / "conversations.db")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # a condition, polled
        with sqlite3.connect(path) as db:
            if db.execute("SELECT count(*) FROM events").fetchone()[0] == 0:
                break
        time.sleep(0.05)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    assert retention.purge_on_schedule(store, lambda s: s.engine, days=0) is None


def test_the_api_guard_needs_a_token_for_every_api_path(monkeypatch):
    from types import SimpleNamespace

    from rasa_extensions.api_guard import check_token

    def request(path, headers=None, args=None):
        app = SimpleNamespace(config={})
        return SimpleNamespace(path=path, method="GET", headers=headers or {}, args=args or {}, app=app)

    monkeypatch.delenv("RASA_API_TOKEN", raising=False)
    assert check_token(request("/status")).status == 403
    assert check_token(request("/webhooks/rest/webhook")) is None and check_token(request("/")) is None
    monkeypatch.setenv("RASA_API_TOKEN", "t0ken")
    assert check_token(request("/conversations/x/tracker")).status == 401
    assert check_token(request("/status", {"authorization": "Bearer t0ken"})) is None
    assert check_token(request("/status", args={"token": "t0ken"})) is None
    assert check_token(request("/status", {"authorization": "Bearer nope"})).status == 401


def test_nginx_config_renders_with_only_the_enabled_channels():
    from deploy.nginx_config import render

    plain = render({})
    assert "/webhooks/telegram" not in plain and "/webhooks/rest/(webhook|history|forget)" in plain
    assert "/conversations" not in plain.split("# Nothing else")[0].split("location")[-1]
    assert "location = /webhooks/telegram/webhook" in render({"TELEGRAM_ACCESS_TOKEN": "x"})


def test_locks_are_kept_under_a_pseudonym_not_the_conversation_id():
    from rasa.utils.endpoints import EndpointConfig

    from rasa_extensions.lock_store import TicketLockStore

    store = TicketLockStore(EndpointConfig(store="in_memory"))
    sender = f"web-{uuid.uuid4()}"

    async def hold():
        async with store.lock(sender):
            return list(store.conversation_locks), [lock.conversation_id for lock in store.conversation_locks.values()]

    keys, ids = asyncio.run(hold())
    assert keys == [security.pseudonym(sender)] and sender not in json.dumps(ids)


def test_socketio_metadata_is_bounded_also_as_a_string():
    from rasa_extensions.socketio_handlers import message_problem

    sender = f"web-{uuid.uuid4()}"
    assert message_problem({"message": "hi", "session_id": sender, "metadata": '{"page": "/"}'}, True) is None
    assert message_problem({"message": "hi", "session_id": sender, "metadata": "[" * 1000 + "]" * 1000}, True)
    assert message_problem({"message": "hi", "session_id": sender, "metadata": "{" * 5}, True)
    assert message_problem({"message": "hi", "session_id": sender, "metadata": json.dumps({"x": "y" * 5000})}, True)


@pytest.mark.parametrize(
    "raw, problem",
    [
        (b"", "must be JSON"),
        (b"[" * 100 + b"]" * 100, "must be JSON"),
        (b'["a"]', "must be a JSON object"),
        (b'{"message": "hi"}', '"sender" is missing'),
        (b'{"sender": 5, "message": "hi"}', '"sender" must be a string'),
        (b'{"sender": "s", "message": "hi", "input_channel": 1}', '"input_channel" must be a string'),
        (b'{"sender": "s", "message": "hi", "metadata": "x"}', '"metadata" must be a JSON object'),
        (b'{"sender": "s", "message": "hi", "metadata": {"page": "/"}}', None),
    ],
)
def test_one_body_check_serves_every_door(raw, problem):
    def read():
        return security.read_body(raw, required=("sender",), optional=("message", "input_channel"), metadata=True)

    if problem is None:
        assert read()["sender"] == "s"
    else:
        with pytest.raises(security.BodyError, match=problem):
            read()
    if raw.startswith(b"{"):  # the same check on parsed data (socket.io events)
        with pytest.raises(security.BodyError, match="JSON object"):
            security.check_body(raw.decode())
