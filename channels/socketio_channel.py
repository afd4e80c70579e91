"""Rasa's socket.io channel (the chat widget's), with the guard and a payload check.

Same path (/socket.io), events and settings as `socketio:` in credentials.yml; every message
goes through the guard (length limit, a reply instead of silence; see guard.py).

Rasa's handlers assume well-formed events: a `user_uttered` whose data is not an object, or
whose message is not a string, raised inside the handler and the sender heard nothing. Here
such an event gets the `unreadable` reply instead (and a line in the log, without the text);
a malformed `session_request` gets a fresh session, as one without data does.
"""
import logging
from typing import Any, Dict, Optional, Text

from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from assistant.knowledge import knowledge_base
from channels.guard import GuardedChannel, Handler
from channels.rest_channel import is_valid_sender_id

logger = logging.getLogger(__name__)


def message_problem(data: Any, session_persistence: bool) -> Optional[Text]:
    """What is wrong with a `user_uttered` event's data, or None when Rasa can take it."""
    if not isinstance(data, dict):
        return "the data is not an object"
    if not isinstance(data.get("message", ""), str):
        return "the message is not a string"
    if session_persistence and not is_valid_sender_id(data.get("session_id")):
        return "the session_id is missing or not a valid conversation id"
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, (dict, str)):
        return "the metadata is not an object"
    return None


class SocketIOChannel(GuardedChannel, SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        blueprint = self.remember_app(super().blueprint(self.guarded(on_new_message)))
        handlers: Dict[Text, Any] = self.sio.handlers[self.namespace or "/"]
        rasa_message, rasa_session = handlers[self.user_message_evt], handlers["session_request"]
        unreadable = knowledge_base().frame["unreadable"]

        async def user_message(sid: Text, data: Any = None) -> None:
            problem = message_problem(data, self.session_persistence)
            if problem:
                logger.warning("A socket.io message was not read: %s.", problem)
                await self.sio.emit(self.bot_message_evt, {"text": unreadable}, room=sid)
                return
            await rasa_message(sid, data)

        async def session_request(sid: Text, data: Any = None) -> None:
            if not isinstance(data, dict) or not isinstance(data.get("session_id"), (str, type(None))):
                data = None
            await rasa_session(sid, data)

        handlers[self.user_message_evt] = user_message
        handlers["session_request"] = session_request
        return blueprint
