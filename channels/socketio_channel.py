"""Rasa's socket.io channel (the chat widget's), with the guard and a payload check.

Same path (/socket.io), events and settings as `socketio:` in credentials.yml; every message
goes through the guard (length limit, a reply instead of silence; see guard.py).

Rasa's handlers assume well-formed events; `message_problem` says what is wrong with one, and
rasa_extensions/socketio_handlers.py puts it in front of Rasa's handlers: a malformed
`user_uttered` gets the `unreadable` reply, a malformed `session_request` a fresh session.
"""
from typing import Any, Optional, Text

from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from assistant.knowledge import knowledge_base
from channels.guard import GuardedChannel, Handler
from channels.rest_channel import is_valid_sender_id
from rasa_extensions import socketio_handlers


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
        socketio_handlers.guard(self, message_problem, knowledge_base().frame["unreadable"])
        return blueprint
