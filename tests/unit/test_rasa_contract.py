"""The Rasa, Sanic, structlog and python-socketio internals that rasa_extensions/ relies on.

One test per assumption, named by the review's number (CODE-REVIEW-2026-11-30, section 4):
after an upgrade this file fails in seconds and says what moved, long before the browser or
scale-out tests would. Each test reads the library as installed; none starts a server.
When one fails, adapt the extension it names, then rasa_extensions.SUPPORTED.
"""

import ast
import inspect
import re
import textwrap
from pathlib import Path
from typing import Callable, List, Set

import pytest

import rasa_extensions


def source(obj: object) -> str:
    return inspect.getsource(obj)  # type: ignore[arg-type]


def parameters(function: Callable) -> List[str]:
    return list(inspect.signature(function).parameters)


def keyword_names(function: Callable, callee: str) -> Set[str]:
    """The keyword arguments `function`'s source passes to calls of `callee` (a name or attribute)."""
    tree = ast.parse(textwrap.dedent(source(function)))
    found: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == callee:
                found.update(k.arg for k in node.keywords if k.arg)
    return found


# ------------------------------------------------------------------ the versions


def test_installed_versions_are_the_supported_ones():
    found = rasa_extensions.check_versions()
    assert found["rasa"].startswith("3.6.") and found["rasa_sdk"].startswith("3.6.")


def test_an_unsupported_rasa_is_refused(monkeypatch):
    import rasa

    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with pytest.raises(rasa_extensions.UnsupportedVersion, match="3.7.0"):
        rasa_extensions.install()


# ------------------------------------------------------------------ P1: the action-reply check


def test_p1_remote_action_validates_replies_in_a_private_method_we_can_replace():
    from rasa.core.actions.action import RemoteAction

    from rasa_extensions import speedups

    assert parameters(speedups._original) == ["self", "result"]
    assert "self._validate_action_result(" in source(RemoteAction.run)
    schema = RemoteAction.action_response_format_spec()
    assert isinstance(schema, dict) and schema.get("type") == "object"
    import jsonschema

    assert callable(jsonschema.validators.validator_for)
    assert "jsonschema" in source(speedups._original)  # Rasa still validates with jsonschema


# ------------------------------------------------------------------ P2: kept-alive connections


def test_p2_endpoint_session_builds_what_the_shared_session_copies():
    from rasa.utils.endpoints import EndpointConfig

    # The shared session is built with these; an option Rasa adds would be lost silently.
    assert keyword_names(EndpointConfig.session, "ClientSession") == {"headers", "auth", "timeout"}
    config = EndpointConfig(
        "http://127.0.0.1:1/webhook", headers={"a": "b"}, basic_auth={"username": "u", "password": "p"}
    )
    assert (config.url, config.headers, config.basic_auth) == (
        "http://127.0.0.1:1/webhook",
        {"a": "b"},
        {"username": "u", "password": "p"},
    )
    from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT

    assert DEFAULT_REQUEST_TIMEOUT > 0


def test_p2_every_caller_of_an_endpoint_session_uses_async_with():
    """The shared session is never closed by its caller: that only holds for `async with`."""
    import rasa

    root = Path(rasa.__file__).parent
    callers = []
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8", errors="replace")
        for line in text.splitlines():
            if re.search(r"(?<!requests)\.session\(\)", line) and "def session" not in line:
                callers.append((path.relative_to(root), line.strip()))
    assert callers, "Rasa no longer calls EndpointConfig.session(): re-check speedups.py"
    assert all(line.startswith("async with ") for _, line in callers), callers


def test_p2_the_action_server_keeps_idle_connections_longer_than_we_do():
    from sanic.config import DEFAULT_CONFIG

    from rasa_extensions.speedups import KEEPALIVE_SECONDS

    assert DEFAULT_CONFIG["KEEP_ALIVE_TIMEOUT"] > KEEPALIVE_SECONDS


# ------------------------------------------------------------------ P3, P6: app-level extensions


def test_p3_p6_sanic_takes_our_listeners_and_request_middleware():
    from sanic import Sanic

    app = Sanic("contract_test_app")
    try:
        rasa_extensions.install(app)
        assert any(m.__name__ == "api_body_guard" for m in app.request_middleware)
        from sanic.mixins.listeners import ListenerEvent

        assert {"AFTER_SERVER_START", "BEFORE_SERVER_STOP", "BEFORE_SERVER_START"} <= set(ListenerEvent.__members__)
    finally:
        Sanic._app_registry.pop("contract_test_app", None)


def test_p6_rasa_mounts_channel_blueprints_on_its_app_before_it_starts():
    from rasa.core.channels import channel
    from sanic import Blueprint

    assert "app.blueprint(channel.blueprint(handler)" in source(channel.register)
    assert parameters(Blueprint.register) == ["self", "app", "options"]


def test_p6_the_guarded_api_routes_are_still_rasas():
    import rasa.server

    from rasa_extensions.api_guard import CHECKED_BODIES

    text = source(rasa.server.create_app)
    for route in ('"/model/parse"', '"/conversations/<conversation_id:path>/messages"'):
        assert route in text
    assert any(p.match("/model/parse") for p in CHECKED_BODIES)
    assert any(p.match("/conversations/someone/messages") for p in CHECKED_BODIES)


# ------------------------------------------------------------------ P4: log redaction


def test_p4_structlog_hands_back_the_live_processor_list():
    import structlog

    assert structlog.get_config()["processors"] is structlog.get_config()["processors"]


def test_p4_rasa_caches_loggers_so_the_list_is_changed_in_place():
    from rasa.utils import log_utils

    assert "cache_logger_on_first_use=True" in source(log_utils.configure_structlog)


def test_p4_we_redact_every_field_rasa_itself_anonymises():
    from rasa.utils import log_utils

    from rasa_extensions.privacy import SENSITIVE_FIELDS

    listed = re.search(r"anonymizable_keys = \[(.*?)\]", source(log_utils._anonymizer), re.S)
    assert listed, "rasa.utils.log_utils._anonymizer no longer lists its keys"
    rasas = set(re.findall(r'"(\w+)"', listed.group(1)))
    assert rasas and rasas <= SENSITIVE_FIELDS, rasas - SENSITIVE_FIELDS


def test_p4_the_silenced_warning_is_still_the_one_that_quotes_a_message():
    from rasa.shared.core.training_data.story_reader import yaml_story_reader

    from rasa_extensions.privacy import PARSE_WARNING

    assert PARSE_WARNING in source(yaml_story_reader)


# ------------------------------------------------------------------ P5: socket.io handlers


def test_p5_socketio_input_keeps_its_handlers_in_the_servers_table():
    from rasa.core.channels.socketio import SocketIOInput

    channel = SocketIOInput(user_message_evt="user_uttered", bot_message_evt="bot_uttered", session_persistence=True)

    async def handler(_message):
        return None

    channel.blueprint(handler)
    handlers = channel.sio.handlers[channel.namespace or "/"]
    assert {"user_uttered", "session_request", "connect", "disconnect"} <= set(handlers)
    assert parameters(handlers["user_uttered"])[:2] == ["sid", "data"]
    assert parameters(handlers["session_request"])[:2] == ["sid", "data"]
    assert "room" in parameters(channel.sio.emit)


# ------------------------------------------------------------------ P7: the message guard


def test_p7_the_agent_and_what_the_guard_uses_of_it():
    from rasa.core import run
    from rasa.core.agent import Agent
    from rasa.core.lock_store import LockStore
    from rasa.core.processor import MessageProcessor

    assert "app.ctx.agent = " in source(run.load_agent_on_start)
    for name in ("parse_message", "handle_message"):
        assert hasattr(Agent, name), name
    assert "self.processor" in source(Agent.__init__) and "self.lock_store" in source(Agent.__init__)
    for name in ("get_tracker", "save_tracker"):
        assert hasattr(MessageProcessor, name), name
    assert inspect.isasyncgenfunction(inspect.unwrap(LockStore.lock))


def test_p7_rasa_parses_the_parse_data_a_channel_sets():
    from rasa.core.channels.channel import UserMessage
    from rasa.core.processor import MessageProcessor

    assert "parse_data" in parameters(UserMessage.__init__)
    assert "if message.parse_data:" in source(MessageProcessor._handle_message_with_tracker)


# ------------------------------------------------------------------ P8: the tracker store


def test_p8_sql_tracker_store_parts_the_cached_store_reuses(tmp_path):
    from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
    from rasa.shared.core.domain import Domain

    store = SQLTrackerStore(domain=Domain.empty(), dialect="sqlite", host=f"sqlite:///{tmp_path / 'p8.db'}")
    for name in ("engine", "sessionmaker", "SQLEvent", "session_scope", "stream_events", "_event_query"):
        assert hasattr(store, name), name
    assert isinstance(SQLTrackerStore.domain, property) and SQLTrackerStore.domain.fset
    assert "self._domain = domain" in source(TrackerStore.__init__)
    assert parameters(SQLTrackerStore._event_query)[1:] == ["session", "sender_id", "fetch_events_from_all_sessions"]


def test_p8_the_current_session_is_what_rasa_counts(tmp_path):
    """The cached store's one query must count the session as SQLTrackerStore reads it."""
    import asyncio

    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from rasa_extensions.tracker_store import CachedSQLTrackerStore

    url = f"sqlite:///{tmp_path / 'p8.db'}"
    store = CachedSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", host=url)
    events = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        UserUttered("one"),
        ActionExecuted("action_session_start"),
        SessionStarted(),
        UserUttered("two"),
        ActionExecuted("action_listen"),
    ]
    asyncio.run(store.save(DialogueStateTracker.from_events("ann", events)))
    plain = SQLTrackerStore(domain=Domain.empty(), dialect="sqlite", host=url)
    with plain.session_scope() as session:
        rasas = plain._event_query(session, "ann", fetch_events_from_all_sessions=False).count()
    with store.session_scope() as session:
        ours = store._stored_state(session, "ann")[0]
    assert ours == rasas == 3


# ------------------------------------------------------------------ P9: the lock store


def test_p9_redis_lock_store_attributes_and_ticket_lock_api():
    from rasa.core.lock import TicketLock
    from rasa.core.lock_store import LOCK_LIFETIME, LockStore, RedisLockStore

    store = RedisLockStore(host="127.0.0.1", port=1)  # connects lazily: nothing is sent
    assert hasattr(store, "red") and store.key_prefix
    for name in (
        "from_dict",
        "dumps",
        "issue_ticket",
        "remove_expired_tickets",
        "remove_ticket_for",
        "is_someone_waiting",
    ):
        assert hasattr(TicketLock, name), name
    text = source(LockStore.lock) + source(LockStore._acquire_lock)
    for name in ("self.issue_ticket(", "self.cleanup(", "self.update_lock("):
        assert name in text, name
    assert hasattr(LockStore, "finish_serving") and LOCK_LIFETIME > 0


# ------------------------------------------------------------------ the action server hook


def test_rasa_sdk_imports_our_plugin_package_and_calls_its_hook_before_it_listens():
    from rasa_sdk import endpoint, plugin

    assert "import rasa_sdk_plugins" in source(plugin._discover_plugins)
    assert hasattr(plugin, "attach_sanic_app_extensions")
    run = source(endpoint.run)
    assert run.index("attach_sanic_app_extensions") < run.index('os.environ.get("SANIC_HOST"')
    assert "app.run(" in run


def test_rasa_sdk_skips_abstract_action_classes():
    from rasa_sdk import executor

    assert "inspect.isabstract(action)" in source(executor.ActionExecutor._register_all_actions)


# ------------------------------------------------------------------ the components


def test_rasa_asks_graph_components_for_a_fingerprint_addon():
    from rasa.engine.graph import GraphComponent
    from rasa.engine.training import fingerprinting

    assert "fingerprint_addon" in source(fingerprinting.calculate_fingerprint_key)
    assert parameters(GraphComponent.fingerprint_addon) == ["config"]


# ------------------------------------------------------------------ P10: security (issue 25)


def test_p10_sanic_reads_the_request_size_cap_from_the_app_config_per_connection():
    from sanic.config import DEFAULT_CONFIG
    from sanic.server.protocols.http_protocol import HttpProtocol

    assert "REQUEST_MAX_SIZE" in DEFAULT_CONFIG
    assert "self.request_max_size = self.app.config.REQUEST_MAX_SIZE" in source(HttpProtocol)


def test_p10_rasa_wraps_the_tracker_store_and_keeps_ours_in_tracker_store():
    from rasa.core.tracker_store import FailSafeTrackerStore

    assert "self._tracker_store = tracker_store" in source(FailSafeTrackerStore.__init__)


def test_p10_rasa_api_auth_lets_a_request_through_when_no_token_and_no_jwt_are_set():
    """Our middleware is then the API's only door, so it must run before every route."""
    from rasa import server

    body = source(server.requires_auth)
    assert 'request.args.get("token", None)' in body and 'app.config.get(\n                "USE_JWT"' in body


def test_p10_socketio_input_switches_the_origin_check_off_and_engineio_reads_it_per_request():
    from engineio.async_server import AsyncServer
    from rasa.core.channels.socketio import SocketIOInput

    assert "cors_allowed_origins=[]" in source(SocketIOInput.blueprint)
    assert "self.cors_allowed_origins" in source(AsyncServer.handle_request)
    from engineio import async_socket

    assert "self.server.max_http_buffer_size" in source(async_socket.AsyncSocket)


def test_p10_the_socketio_environ_carries_the_sanic_request():
    from engineio.async_drivers import sanic as driver

    assert "'sanic.request': request" in source(driver)


def test_p10_telegram_connector_sets_no_secret_and_aiogram_sends_any_method():
    from aiogram.bot.base import BaseBot
    from rasa.core.channels.telegram import TelegramInput

    assert "X-Telegram-Bot-Api-Secret-Token" not in source(TelegramInput)  # hence our check
    assert parameters(BaseBot.request)[:3] == ["self", "method", "data"]
    assert "self.get_output_channel()" in source(TelegramInput.blueprint)
    assert parameters(TelegramInput.__init__)[:5] == ["self", "access_token", "verify", "webhook_url", "debug_mode"]


def test_p10_sanic_blueprint_middleware_runs_for_that_blueprints_routes():
    from sanic import Blueprint

    assert hasattr(Blueprint, "middleware")
