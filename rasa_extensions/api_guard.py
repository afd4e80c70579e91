"""The HTTP API's door: a token on every API request, then a 400 instead of a 500 for bad bodies.

`rasa_extensions.install(app)` adds `api_body_guard` to the Rasa server's web app as a
request middleware, so it sees every request before Rasa's routes do.

The token (SECURITY-REVIEW F1). The HTTP API (/conversations/..., /model, /status, ...) reads
and changes every conversation and can swap the model. It is served only when asked for
(`ENABLE_API=1` for make run; `--enable-api`), and then every API request needs
RASA_API_TOKEN, on any interface: a reverse proxy on the same host would otherwise make a
loopback-only API public. The token comes from the environment only (not the command line,
where `ps` shows it), is best sent as `Authorization: Bearer <token>` (a `?token=` lands in
access logs), and is compared in constant time. With no token set the API answers 403. Rasa's
JWT (`--jwt-secret`) is left to Rasa. Only "/" (a health check) and the channels
(/webhooks/..., /socket.io/) are outside the API.

Bad bodies. Rasa 3.6 answers POST /model/parse with a 500 when the body is not JSON, not an
object, has no "text", or "text" is not a string, and POST /conversations/<id>/messages
likewise; deeply nested JSON raises RecursionError. These are checked after the token and
answered with Rasa's own 400 error shape; a good body goes on to Rasa untouched.
"""

import os
import re
from typing import Optional, Text

import rasa
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant import security

API_TOKEN_VARIABLE = "RASA_API_TOKEN"
# Not the API: the health check and the channels, which check their own input.
PUBLIC_PATHS = re.compile(r"^/$|^/webhooks/|^/socket\.io/")

# path pattern -> the body fields that must be strings
CHECKED_BODIES = {
    re.compile(r"^/model/parse/?$"): ("text",),
    re.compile(r"^/conversations/[^/]+/messages/?$"): ("text", "sender"),
}


def _error(message: Text, status: int = 400, reason: Text = "BadRequest") -> HTTPResponse:
    return response.json(
        {
            "version": rasa.__version__,
            "status": "failure",
            "message": message,
            "reason": reason,
            "details": {},
            "help": None,
            "code": status,
        },
        status=status,
    )


def provided_token(request: Request) -> Optional[Text]:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.args.get("token")


def check_token(request: Request) -> Optional[HTTPResponse]:
    """A 401/403 for an API request without the right token, else None."""
    if PUBLIC_PATHS.match(request.path) or request.method == "OPTIONS":
        return None
    if request.app.config.get("USE_JWT") and request.headers.get("authorization", "")[:7].lower() == "bearer ":
        return None  # a JWT: Rasa checks it
    expected = os.environ.get(API_TOKEN_VARIABLE, "")
    if not expected:
        return _error(
            f"The HTTP API needs a token: start the server with {API_TOKEN_VARIABLE} set "
            "(make run: ENABLE_API=1 RASA_API_TOKEN=...).",
            403,
            "Forbidden",
        )
    if not security.secret_matches(provided_token(request), expected):
        return _error("This route needs the API token (Authorization: Bearer <token>).", 401, "NotAuthenticated")
    return None


def check_body(request: Request) -> Optional[HTTPResponse]:
    """A 400 response for a malformed body on a checked endpoint, else None."""
    if request.method != "POST" or request.args.get("emulation_mode"):
        return None
    fields = next((f for pattern, f in CHECKED_BODIES.items() if pattern.match(request.path)), None)
    if fields is None:
        return None
    try:
        security.read_body(request.body, required=fields)
    except security.BodyError as error:
        return _error(str(error))
    return None


async def api_body_guard(request: Request) -> Optional[HTTPResponse]:
    """The request middleware: a response stops the request; None lets it go on."""
    return check_token(request) or check_body(request)
