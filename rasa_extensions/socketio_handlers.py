"""A kind reply instead of a crash for malformed socket.io events (channels/socketio_channel.py).

Rasa's handlers assume well-formed events: a `user_uttered` whose data is not an object, or
whose message is not a string, raised inside the handler and the sender heard nothing. Rasa
registers its handlers on the python-socketio server it keeps in `channel.sio`; `guard()`
puts a check in front of two of them in that server's handler table. Such an event gets the
`unreadable` reply instead (and a line in the log, without the text); a malformed
`session_request` gets a fresh session, as one without data does.
"""
import logging
from typing import Any, Callable, Dict, Optional, Text

import rasa_extensions

logger = logging.getLogger(__name__)


def guard(channel: Any, problem: Callable[[Any, bool], Optional[Text]], unreadable: Text) -> None:
    """Wrap the `user_uttered` and `session_request` handlers of a SocketIOInput whose
    blueprint has been built; `problem(data, session_persistence)` says what is wrong."""
    handlers: Dict[Text, Any] = channel.sio.handlers[channel.namespace or "/"]
    rasa_message, rasa_session = handlers[channel.user_message_evt], handlers["session_request"]

    async def user_message(sid: Text, data: Any = None) -> None:
        found = problem(data, channel.session_persistence)
        if found:
            logger.warning("A socket.io message was not read: %s.", found)
            await channel.sio.emit(channel.bot_message_evt, {"text": unreadable}, room=sid)
            return
        await rasa_message(sid, data)

    async def session_request(sid: Text, data: Any = None) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("session_id"), (str, type(None))):
            data = None
        await rasa_session(sid, data)

    handlers[channel.user_message_evt] = user_message
    handlers["session_request"] = session_request
    rasa_extensions.mark_active("socket.io payload check")
