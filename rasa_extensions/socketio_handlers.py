"""A kind reply instead of a crash for malformed socket.io events (channels/socketio_channel.py).

Rasa's handlers assume well-formed events: a `user_uttered` whose data is not an object, or
whose message is not a string, raised inside the handler and the sender heard nothing. Rasa
registers its handlers on the python-socketio server it keeps in `channel.sio`; `guard()`
puts the check (`message_problem`, `session_id_allowed`: the whole socket.io check is here) in
front of two of them in that server's handler table. Such an event gets the
`unreadable` reply instead (and a line in the log, without the text); a malformed
`session_request` gets a fresh session, as one without data does.
"""

import inspect
import logging
import uuid
from typing import Any, Dict, Optional, Text

import rasa_extensions
from assistant import security

logger = logging.getLogger(__name__)


def message_problem(data: Any, session_persistence: bool, any_id: bool = False) -> Optional[Text]:
    """What is wrong with a `user_uttered` event's data, or None when Rasa can take it."""
    try:
        data = security.check_body(data, optional=("message",))
        metadata = data.get("metadata")
        if isinstance(metadata, str):  # Rasa json.loads a string: bounded here first
            if len(metadata) > security.MAX_METADATA_BYTES:
                return "the metadata is not a small object"
            data = {**data, "metadata": security.read_body(metadata)}
        security.check_body(data, metadata=True)
    except security.BodyError as error:
        return str(error)
    if session_persistence and not session_id_allowed(data.get("session_id"), any_id):
        return "the session_id is missing or not the chat widget's id"
    return None


def session_id_allowed(session_id: Any, any_id: bool) -> bool:
    if any_id:
        return security.is_valid_sender_id(session_id)
    return security.is_widget_sender_id(session_id)


def guard(channel: Any, unreadable: Text) -> None:
    """Wrap the `connect`, `disconnect`, `user_uttered` and `session_request` handlers of a
    SocketIOInput whose blueprint has been built. `any_id` holds for a direct loopback client
    with ALLOW_TEST_SENDER_IDS=1."""
    handlers: Dict[Text, Any] = channel.sio.handlers[channel.namespace or "/"]
    rasa_message = handlers[channel.user_message_evt]
    rasa_connect, rasa_disconnect = handlers["connect"], handlers["disconnect"]
    any_id: Dict[Text, bool] = {}

    async def connect(sid: Text, environ: Dict, auth: Any = None) -> Any:
        request = environ.get("sanic.request")
        any_id[sid] = bool(
            security.env_flag(security.ALLOW_TEST_SENDER_IDS)
            and request is not None
            and security.is_direct_loopback(request.ip, request.headers)
        )
        return await rasa_connect(sid, environ, auth)

    async def disconnect(sid: Text) -> Any:
        any_id.pop(sid, None)
        return await rasa_disconnect(sid)

    async def user_message(sid: Text, data: Any = None) -> None:
        found = message_problem(data, channel.session_persistence, any_id.get(sid, False))
        if found:
            logger.warning("A socket.io message was not read: %s.", found)
            await channel.sio.emit(channel.bot_message_evt, {"text": unreadable}, room=sid)
            return
        await rasa_message(sid, data)

    async def session_request(sid: Text, data: Any = None) -> None:
        # Any other id could be someone else's conversation: a fresh widget id instead.
        if not isinstance(data, dict) or not session_id_allowed(data.get("session_id"), any_id.get(sid, False)):
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
