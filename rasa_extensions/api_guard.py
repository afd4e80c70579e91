"""A 400 instead of a 500 for malformed bodies sent to the HTTP API's text endpoints.

Not a chat channel: credentials.yml lists it because a channel is the one piece of our code
Rasa plugs into its web server. Its blueprint has no routes; registering it adds a request
middleware to the app, as Rasa's own socket.io blueprint attaches its server there.

Rasa 3.6 answers POST /model/parse with a 500 when the body is not JSON, not an object, has
no "text", or "text" is not a string (its 400 for a parse error is re-raised as a 500), and
POST /conversations/<id>/messages likewise. The middleware checks those bodies first and
answers with Rasa's own 400 error shape; a good body goes on to Rasa untouched. It runs before
Rasa's token check, so a bad body gets a 400 even without a token: the 400 says nothing about
the server beyond what the API documentation does.
"""
import json
import re
from typing import Any, Callable, Dict, Optional, Text

import rasa
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

# path pattern -> the body fields that must be strings
CHECKED_BODIES = {
    re.compile(r"^/model/parse/?$"): ("text",),
    re.compile(r"^/conversations/[^/]+/messages/?$"): ("text", "sender"),
}


def _error(message: Text) -> HTTPResponse:
    return response.json(
        {"version": rasa.__version__, "status": "failure", "message": message, "reason": "BadRequest",
         "details": {}, "help": None, "code": 400},
        status=400,
    )


def check_body(request: Request) -> Optional[HTTPResponse]:
    """A 400 response for a malformed body on a checked endpoint, else None."""
    if request.method != "POST" or request.args.get("emulation_mode"):
        return None
    fields = next((f for pattern, f in CHECKED_BODIES.items() if pattern.match(request.path)), None)
    if fields is None:
        return None
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        return _error("The request body must be JSON.")
    if not isinstance(body, dict):
        return _error("The request body must be a JSON object.")
    for field in fields:
        if not isinstance(body.get(field), str):
            return _error(f'"{field}" must be given, as a string.')
    return None


class _GuardBlueprint(Blueprint):
    def register(self, app: Any, options: Dict[Text, Any]) -> None:
        async def api_body_guard(request: Request) -> Optional[HTTPResponse]:
            return check_body(request)

        app.register_middleware(api_body_guard, "request")
        super().register(app, options)


class HttpApiGuard(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "api_guard"

    def blueprint(self, on_new_message: Callable[[UserMessage], Any]) -> Blueprint:
        return _GuardBlueprint("api_guard", __name__)
