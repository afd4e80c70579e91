"""Measured speed fixes for Rasa 3.6, installed by `rasa_extensions.install()`.

1. Rasa checks every action server reply against a JSON schema with `jsonschema.validate`,
which first re-validates the schema itself, on every call. In a py-spy profile under load
(20 conversations) that was about half of the Rasa server's time per message. Here the
schema is checked once and the compiled validator reused: the same replies pass and fail.
2. Rasa opens a new connection to the action server for every action: see _shared_session.
3. Python's full garbage collections stall the server: see rasa_extensions.freeze_startup_objects.
"""

import asyncio
from typing import Any, Dict

import aiohttp
import jsonschema
from rasa.core.actions.action import RemoteAction
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.utils.endpoints import EndpointConfig

_original = RemoteAction._validate_action_result
_original_session = EndpointConfig.session


def install() -> None:
    if RemoteAction._validate_action_result is not _original:
        return
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
        try:
            validator.validate(result)
        except jsonschema.ValidationError:
            return _original(self, result)  # Rasa's own path, for its error message
        return True

    RemoteAction._validate_action_result = validate_action_result
    EndpointConfig.session = _shared_session


def uninstall() -> None:
    """Rasa's own methods again (unit tests)."""
    RemoteAction._validate_action_result = _original
    EndpointConfig.session = _original_session


# ---------------------------------------------------------------------------------------------
# A warm connection to the action server.
#
# Rasa opens a new aiohttp ClientSession (a new connection pool, so a new TCP connection) for
# every call to an endpoint, which is every custom action of every message; in the profile,
# setting that up cost about 6% of the Rasa server's time. Here each endpoint gets one
# session per event loop, and connections are kept for a few seconds between calls: less than
# the action server (Sanic) keeps an idle connection open (5 s), so Rasa never sends on a
# connection the action server has just closed.
KEEPALIVE_SECONDS = 3

_shared_sessions: Dict[Any, aiohttp.ClientSession] = {}


class _KeptOpen:
    """`async with` a shared session without closing it at the end."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *exc: Any) -> None:
        return None


def _shared_session(self: EndpointConfig) -> _KeptOpen:
    loop = asyncio.get_running_loop()
    auth = tuple(sorted((self.basic_auth or {}).items()))
    key = (loop, self.url, tuple(sorted((self.headers or {}).items())), auth)
    session = _shared_sessions.get(key)
    if session is None or session.closed:
        for other in [k for k in _shared_sessions if k[0].is_closed()]:
            del _shared_sessions[other]  # sessions of event loops that have ended
        # As Rasa's EndpointConfig.session() builds it, with a connection pool that is kept.
        session = aiohttp.ClientSession(
            headers=self.headers,
            auth=aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
            if self.basic_auth
            else None,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
        )
        _shared_sessions[key] = session
    return _KeptOpen(session)


async def close_shared_sessions() -> None:
    """When the server stops: close this loop's connection pools (else aiohttp logs errors)."""
    loop = asyncio.get_running_loop()
    for key in [k for k in _shared_sessions if k[0] is loop]:
        await _shared_sessions.pop(key).close()
