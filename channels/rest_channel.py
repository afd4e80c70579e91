"""Rasa's REST channel, same URL (/webhooks/rest/webhook) and replies, with checked input.

What Rasa 3.6's RestInput does with bad input, and what this channel does instead:

| request                                     | RestInput                         | here        |
| ------------------------------------------- | --------------------------------- | ----------- |
| body not JSON, or empty                     | 400, or 500 for an empty body     | 400         |
| body JSON but not an object (list, string)  | 500                               | 400         |
| message missing, null, number, list, object | 200 and [] (the error is logged   | 400         |
|                                             | with the message text)            |             |
| sender missing                              | joins one shared "default"        | 400         |
|                                             | conversation with every other one |             |
| sender a number, empty, too long (> 255,    | stored as given, or a 500 from    | 400         |
| the tracker store's column) or with control | the database                      |             |
| characters                                  |                                   |             |
| metadata not an object                      | passed on                         | 400         |
| a message over MAX_MESSAGE_CHARS            | all of it goes to NLU             | cut (guard) |
| processing fails or sends nothing           | 200 and []                        | a reply     |
|                                             |                                   | (guard)     |

Text that is odd but valid (empty, emoji, other scripts, control characters, HTML, SQL) is a
message like any other: NLU and the rules answer it, and it is stored as JSON text.
A 400 body has Rasa's HTTP API error shape: {"status": "failure", "reason": "BadRequest",
"message": <what is wrong>, "code": 400}.

Only the chat widget's own ids are accepted ("web-" and a random UUID): any other id could be a
messaging app's chat number or a guessable name, and would read or write someone else's
conversation (SECURITY-REVIEW F2). ALLOW_TEST_SENDER_IDS=1 lets the tests use other valid ids,
and only for a client on this machine that did not come through the proxy.

POST /webhooks/rest/history {"sender"} gives the chat widget its conversation back after a
reload (texts and buttons only), and POST /webhooks/rest/forget {"sender"} erases it: every
event, vote and comment (the person's right to erasure). The id is in the body, never in a URL
that logs keep. Each person and each client may send only so many requests a minute
(RATE_LIMIT_PER_SENDER, RATE_LIMIT_PER_CLIENT; 0 = off): more get a 429 with a kind message.
"""

import logging
from typing import Any, Dict, Optional, Text, Union

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from assistant import security
from assistant.history import conversation_history
from channels.guard import GuardedChannel, Handler

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = security.MAX_SENDER_CHARS
MAX_BODY_BYTES = security.MAX_REQUEST_BYTES  # Sanic refuses more before reading it (rasa_extensions)
WIDGET_SENDER_ID = security.WIDGET_SENDER_ID


BadRequest = security.BodyError
EXAMPLE = ', e.g. {"sender": "web-<uuid>", "message": "hello"}'


def bad_request(reason: Text, status: int = 400, kind: Text = "BadRequest") -> HTTPResponse:
    return response.json(
        {"status": "failure", "reason": kind, "message": reason, "code": status},
        status=status,
        headers={"Cache-Control": "no-store"},
    )


def is_widget_sender_id(value: Text) -> bool:
    """The chat widget's conversation ids: "web-" and a random UUID. Anyone holding one may
    read and write that conversation, and they cannot be guessed, unlike a tester's "me" or a
    messaging app's chat number."""
    return security.is_widget_sender_id(value)


def sender_allowed(sender: Text, request: Request) -> bool:
    """The widget's ids; any valid id only with the loopback-only test setting."""
    if is_widget_sender_id(sender):
        return True
    return security.env_flag(security.ALLOW_TEST_SENDER_IDS) and security.is_direct_loopback(
        request.ip, request.headers
    )


def read_sender(request: Request) -> Dict[Text, Any]:
    """The checked body of any of the routes: a JSON object with a "sender" this channel serves."""
    return _checked_sender(request, security.read_body(request.body or b"", required=("sender",), example=EXAMPLE))


def _checked_sender(request: Request, body: Dict[Text, Any]) -> Dict[Text, Any]:
    sender = body["sender"]
    if not security.is_valid_sender_id(sender):
        raise BadRequest(f'"sender" must be 1 to {MAX_SENDER_CHARS} characters, without control characters.')
    if not sender_allowed(sender, request):
        raise BadRequest('"sender" must be the chat widget\'s own id: "web-" and a random UUID.')
    return body


def read_body(request: Request) -> Dict[Text, Any]:
    """The checked request body: {"sender": str, "message": str, "metadata": dict | None, ...}."""
    return _checked_sender(
        request,
        security.read_body(
            request.body or b"",
            required=("sender", "message"),
            optional=("input_channel",),
            metadata=True,
            example=EXAMPLE,
        ),
    )


class RestChannel(GuardedChannel, RestInput):
    """`rest` in the URL and in the stored events, as before."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        on_new_message = self.guarded(on_new_message)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        per_sender = security.limiter_from_env("RATE_LIMIT_PER_SENDER", 30)
        per_client = security.limiter_from_env("RATE_LIMIT_PER_CLIENT", 120)

        def too_many(request: Request, sender: Text) -> Optional[HTTPResponse]:
            client = security.client_key(request.ip, request.headers)
            if per_client.allow(client) and per_sender.allow(sender):
                return None
            return bad_request(security.RATE_LIMITED_TEXT, status=429, kind="TooManyRequests")

        def checked(request: Request, reader: Any) -> Union[Dict[Text, Any], HTTPResponse]:
            if len(request.body or b"") > MAX_BODY_BYTES:
                return bad_request(f"The body is larger than {MAX_BODY_BYTES:,} bytes.", status=413)
            try:
                body = reader(request)
            except BadRequest as error:
                return bad_request(str(error))
            return too_many(request, body["sender"]) or body

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Union[ResponseStream, HTTPResponse]:
            body = checked(request, read_body)
            if isinstance(body, HTTPResponse):
                return body
            sender_id, text = body["sender"], body["message"]
            input_channel = body.get("input_channel") or self.name()
            metadata = body.get("metadata")
            if bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, text, sender_id, input_channel, metadata),
                    content_type="text/event-stream",
                )
            collector = CollectingOutputChannel()
            # The guard answers whatever happens in processing; it never raises.
            await on_new_message(
                UserMessage(text, collector, sender_id, input_channel=input_channel, metadata=metadata)
            )
            return response.json(collector.messages)

        @webhook.route("/history", methods=["POST"])
        async def history(request: Request) -> HTTPResponse:
            """The widget's conversation after a reload, read-only: see assistant/history.py."""
            body = checked(request, read_sender)
            if isinstance(body, HTTPResponse):
                return body
            tracker = await self.agent.tracker_store.retrieve_full_tracker(body["sender"])
            events = [event.as_dict() for event in tracker.events] if tracker else []
            return response.json({"messages": conversation_history(events)}, headers={"Cache-Control": "no-store"})

        @webhook.route("/forget", methods=["POST"])
        async def forget(request: Request) -> HTTPResponse:
            """Erase the conversation: every event, vote and comment (Start over, Delete)."""
            body = checked(request, read_sender)
            if isinstance(body, HTTPResponse):
                return body
            # Rasa wraps the configured store in a FailSafeTrackerStore (tests/unit/test_rasa_contract.py P10).
            store = getattr(self.agent.tracker_store, "_tracker_store", self.agent.tracker_store)
            if not hasattr(store, "erase"):
                return bad_request("This tracker store cannot erase conversations.", status=501)
            async with self.agent.lock_store.lock(body["sender"]):
                erased = await store.erase(body["sender"])
            return response.json({"erased": erased > 0}, headers={"Cache-Control": "no-store"})

        return self.remember_app(webhook)
