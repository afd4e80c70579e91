"""The action server's start-up (`rasa run actions`), attached through rasa-sdk's plugin hook.

rasa-sdk 3.6 imports a top-level `rasa_sdk_plugins` package, if there is one, and calls its
`attach_sanic_app_extensions(app)` hook once the action package is imported and before the
server runs (rasa_sdk/endpoint.py). rasa_sdk_plugins/ hands that app to `attach()` here, so
importing `actions` does no work:

- before the server starts (in the hook itself), the knowledge base is loaded and validated:
  a broken knowledge file stops the action server with a message naming the file and entry;
- once it runs, what was loaded lives as long as the server, so it is moved out of the
  garbage collector's sight (see rasa_extensions.freeze_startup_objects);
- it listens on ACTION_INTERFACE, 127.0.0.1 by default (rasa-sdk reads SANIC_HOST, after
  this hook, and would otherwise listen on every interface);
- with ACTION_SERVER_TOKEN set (scale-out, where it listens beyond loopback), every request
  but /health needs the same value in X-Action-Token, which endpoints.env.yml makes the Rasa
  server send (SECURITY-REVIEW F10).
"""

import logging
import os
import sys
from typing import Any

import rasa_extensions
from assistant import security

TOKEN_HEADER = "X-Action-Token"

logger = logging.getLogger(__name__)


def attach(app: Any) -> None:
    os.environ.setdefault("SANIC_HOST", os.environ.get("ACTION_INTERFACE") or "127.0.0.1")
    check_knowledge()
    from rasa_extensions import privacy

    privacy.filter_root_handlers()  # conversation ids out of this server's logs too
    if os.environ.get("ACTION_SERVER_TOKEN"):
        app.register_middleware(require_token, "request")

    async def freeze(_app: Any, _loop: Any) -> None:
        rasa_extensions.freeze_startup_objects()
        found = rasa_extensions.versions()
        logger.info(
            "Action server extensions on (rasa-sdk %s): knowledge base checked at start; "
            "garbage-collector freeze after start.",
            found["rasa_sdk"],
        )

    app.register_listener(freeze, "after_server_start")


async def require_token(request: Any) -> Any:
    from sanic import response

    if request.path.rstrip("/") == "/health":
        return None
    if not security.secret_matches(request.headers.get(TOKEN_HEADER), os.environ.get("ACTION_SERVER_TOKEN")):
        return response.json({"error": f"{TOKEN_HEADER} is missing or wrong."}, status=401)
    return None


def check_knowledge() -> None:
    """Load and validate the knowledge base, its routing and the clinic's details (clinic.yml and
    its CLINIC_* overrides), or stop with the loader's message."""
    from assistant.knowledge import KnowledgeBaseError, knowledge_base
    from assistant.red_flags import red_flag_detector

    try:
        knowledge_base()
        red_flag_detector()  # built now, not on a patient's first message
    except KnowledgeBaseError as error:
        sys.exit(f"The action server cannot start. {error}")
