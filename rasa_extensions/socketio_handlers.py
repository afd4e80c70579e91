"""A kind reply instead of a crash for malformed socket.io events (channels/socketio_channel.py).

Rasa's handlers assume well-formed events: a `user_uttered` whose data is not an object, or
whose message is not a string, raised inside the handler and the sender heard nothing. Rasa
registers its handlers on the python-socketio server it keeps in `channel.sio`; `guard()`
puts a check in front of two of them in that server's handler table. Such an event gets the
`unreadable` reply instead (and a line in the log, without the text); a malformed
`session_request` gets a fresh session, as one without data does.
"""
import inspect
import logging
import uuid
from typing import Any, Callable, Dict, Optional, Text

import rasa_extensions
from assistant import security

logger = logging.getLogger(__name__)


def guard(channel: Any, problem: Callable[[Any, bool, bool], Optional[Text]], unreadable: Text,
          session_allowed: Callable[[Any, bool], bool]) -> None:
    """Wrap the `connect`, `disconnect`, `user_uttered` and `session_request` handlers of a
    SocketIOInput whose blueprint has been built; `problem(data, session_persistence, any_id)`
    says what is wrong with a message, `session_allowed(session_id, any_id)` whether a session
    id may be joined. `any_id` holds for a direct loopback client with ALLOW_TEST_SENDER_IDS=1."""
    handlers: Dict[Text, Any] = channel.sio.handlers[channel.namespace or "/"]
    rasa_message = handlers[channel.user_message_evt]
    rasa_connect, rasa_disconnect = handlers["connect"], handlers["disconnect"]
    any_id: Dict[Text, bool] = {}

    async def connect(sid: Text, environ: Dict, auth: Any = None) -> Any:
        request = environ.get("sanic.request")
        any_id[sid] = bool(security.env_flag(security.ALLOW_TEST_SENDER_IDS) and request is not None
                           and security.is_direct_loopback(request.ip, request.headers))
        return await rasa_connect(sid, environ, auth)

    async def disconnect(sid: Text) -> Any:
        any_id.pop(sid, None)
        return await rasa_disconnect(sid)

    async def user_message(sid: Text, data: Any = None) -> None:
        found = problem(data, channel.session_persistence, any_id.get(sid, False))
        if found:
            logger.warning("A socket.io message was not read: %s.", found)
            await channel.sio.emit(channel.bot_message_evt, {"text": unreadable}, room=sid)
            return
        await rasa_message(sid, data)

    async def session_request(sid: Text, data: Any = None) -> None:
        # Any other id could be someone else's conversation: a fresh widget id instead.
        if not isinstance(data, dict) or not session_allowed(data.get("session_id"), any_id.get(sid, False)):
            data = {"session_id": f"web-{uuid.uuid4()}"}
        # Rasa's own handler calls enter_room without `await`, which python-socketio >= 5.10
        # needs (RasaHQ/rasa#13027): the room is joined here, as Rasa means to.
        if channel.session_persistence:
            joined = channel.sio.enter_room(sid, data["session_id"], namespace=channel.namespace or "/")
            if inspect.isawaitable(joined):
                await joined
        await channel.sio.emit("session_confirm", data["session_id"], room=sid)

    handlers["connect"], handlers["disconnect"] = connect, disconnect
    handlers[channel.user_message_evt] = user_message
    handlers["session_request"] = session_request
    rasa_extensions.mark_active("socket.io payload check")
