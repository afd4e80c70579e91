"""Rasa's socket.io channel, with the guard and a payload check: off unless ENABLE_SOCKETIO=1.

The chat widget uses the REST channel, so socket.io is off by default: one less public parser
(SECURITY-REVIEW F8). When it is on, it keeps Rasa's path (/socket.io), events and settings
(`socketio:` in credentials.yml), every message goes through the guard (length limit, a reply
instead of silence; see guard.py), and:

- only browsers from CORS_ORIGINS may connect (Rasa switches engine.io's origin check off);
- a session is the widget's own id ("web-" and a random UUID), as on the REST channel: any
  other id could be someone else's conversation, and `session_request` would join its room
  (F2). ALLOW_TEST_SENDER_IDS=1 lets a direct loopback client (the tests) use other ids.

Rasa's handlers assume well-formed events: rasa_extensions/socketio_handlers.py checks each
one in front of Rasa's handlers (a malformed `user_uttered` gets the `unreadable` reply, a
malformed `session_request` a fresh session).
"""

import os
from typing import Any, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from assistant import security
from assistant.knowledge import knowledge_base
from channels.guard import GuardedChannel, Handler
from channels.messaging import _Disabled
from rasa_extensions import socketio_handlers


def allowed_origins(environ: Optional[Dict[str, str]] = None) -> list:
    return (environ if environ is not None else os.environ).get("CORS_ORIGINS", "").split()


class SocketIOChannel(GuardedChannel, SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not security.env_flag("ENABLE_SOCKETIO"):
            return _Disabled(cls.name())
        return super().from_credentials(credentials)

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        blueprint = self.remember_app(super().blueprint(self.guarded(on_new_message)))
        # Rasa passes [] (no origin check at all); the same origins as the REST channel's CORS.
        self.sio.eio.cors_allowed_origins = allowed_origins()
        self.sio.eio.max_http_buffer_size = security.MAX_REQUEST_BYTES  # engine.io's default: 1 MB
        socketio_handlers.guard(self, knowledge_base().frame["unreadable"])
        return blueprint
