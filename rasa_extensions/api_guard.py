"""A 400 instead of a 500 for malformed bodies sent to the HTTP API's text endpoints.

`rasa_extensions.install(app)` adds `api_body_guard` to the Rasa server's web app as a
request middleware, so it sees every request before Rasa's routes do.

Rasa 3.6 answers POST /model/parse with a 500 when the body is not JSON, not an object, has
no "text", or "text" is not a string (its 400 for a parse error is re-raised as a 500), and
POST /conversations/<id>/messages likewise. The middleware checks those bodies first and
answers with Rasa's own 400 error shape; a good body goes on to Rasa untouched. It runs before
Rasa's token check, so a bad body gets a 400 even without a token: the 400 says nothing about
the server beyond what the API documentation does.
"""
import json
import re
from typing import Optional, Text

import rasa
from sanic import response
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


async def api_body_guard(request: Request) -> Optional[HTTPResponse]:
    """The request middleware: a 400 response stops the request; None lets it go on."""
    return check_body(request)
