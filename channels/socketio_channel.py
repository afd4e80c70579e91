"""Rasa's socket.io channel (the chat widget's), unchanged except for the guard.

Same path (/socket.io), events and settings as `socketio:` in credentials.yml; every message
goes through the guard (length limit, a reply instead of silence; see guard.py).
"""
from typing import Text

from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from channels.guard import GuardedChannel, Handler


class SocketIOChannel(GuardedChannel, SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        return self.remember_app(super().blueprint(self.guarded(on_new_message)))
