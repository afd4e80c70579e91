"""The door for `rasa run`: the first entry in credentials.yml.

Not a chat channel. A channel is the one piece of our code that Rasa mounts on its web server
before the server starts, whichever channels follow, so this one has no routes: mounting it
runs `rasa_extensions.install(app)`. Keep it first in credentials.yml, also with Rasa's own
channels.
"""

from typing import Any, Awaitable, Callable, Dict, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint

import rasa_extensions


class _InstallingBlueprint(Blueprint):
    def register(self, app: Any, options: Dict[Text, Any]) -> None:
        rasa_extensions.install(app)
        super().register(app, options)


class RasaExtensions(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "rasa_extensions"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return _InstallingBlueprint("rasa_extensions", __name__)
