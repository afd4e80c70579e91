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

GET /webhooks/rest/history/<sender> gives the chat widget its conversation back after a reload
(texts and buttons only), without the HTTP API's token, for the widget's own random ids only.
"""
import json
import logging
import re
import unicodedata
from typing import Any, Dict, Text, Union

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from assistant.history import conversation_history
from channels.guard import GuardedChannel, Handler

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 255  # the tracker store's sender_id column
MAX_BODY_BYTES = 1_000_000  # about 500 pages of text; more is not a chat message
WIDGET_SENDER_ID = re.compile(r"web-(?:[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}|[0-9a-f]{32})")


class BadRequest(ValueError):
    pass


def bad_request(reason: Text, status: int = 400) -> HTTPResponse:
    return response.json({"status": "failure", "reason": "BadRequest", "message": reason, "code": status},
                         status=status)


def is_valid_sender_id(value: Any) -> bool:
    """A conversation id the tracker store can keep: 1 to 255 characters, no control ones."""
    return (isinstance(value, str) and bool(value.strip()) and len(value) <= MAX_SENDER_CHARS
            and not any(unicodedata.category(c) == "Cc" for c in value))


def is_widget_sender_id(value: Text) -> bool:
    """The chat widget's conversation ids: "web-" and a random UUID. The history route serves
    only these: anyone holding one may read it back, as anyone holding it may write to it, and
    they cannot be guessed, unlike a tester's "me" or a messaging app's chat number."""
    return bool(WIDGET_SENDER_ID.fullmatch(value))


def read_body(request: Request) -> Dict[Text, Any]:
    """The checked request body: {"sender": str, "message": str, "metadata": dict | None, ...}."""
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest('The body must be JSON, e.g. {"sender": "someone", "message": "hello"}.') from error
    if not isinstance(body, dict):
        raise BadRequest('The body must be a JSON object, e.g. {"sender": "someone", "message": "hello"}.')
    sender, message = body.get("sender"), body.get("message")
    if sender is None:
        raise BadRequest('"sender" is missing: give each conversation its own id.')
    if not isinstance(sender, str):
        raise BadRequest('"sender" must be a string.')
    if not is_valid_sender_id(sender):
        raise BadRequest(f'"sender" must be 1 to {MAX_SENDER_CHARS} characters, without control characters.')
    if message is None:
        raise BadRequest('"message" is missing.')
    if not isinstance(message, str):
        raise BadRequest('"message" must be a string.')
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest('"metadata" must be a JSON object.')
    input_channel = body.get("input_channel")
    if input_channel is not None and not isinstance(input_channel, str):
        raise BadRequest('"input_channel" must be a string.')
    return body


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

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Union[ResponseStream, HTTPResponse]:
            if len(request.body or b"") > MAX_BODY_BYTES:
                return bad_request(f"The body is larger than {MAX_BODY_BYTES:,} bytes.", status=413)
            try:
                body = read_body(request)
            except BadRequest as error:
                return bad_request(str(error))
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
            await on_new_message(UserMessage(text, collector, sender_id, input_channel=input_channel,
                                             metadata=metadata))
            return response.json(collector.messages)

        @webhook.route("/history/<sender_id>", methods=["GET"])
        async def history(_: Request, sender_id: Text) -> HTTPResponse:
            """The widget's conversation after a reload, read-only: see assistant/history.py."""
            if not is_widget_sender_id(sender_id):
                return bad_request("Only a conversation the chat widget started can be read here.")
            tracker = await self.agent.tracker_store.retrieve_full_tracker(sender_id)
            events = [event.as_dict() for event in tracker.events] if tracker else []
            return response.json({"messages": conversation_history(events)}, headers={"Cache-Control": "no-store"})

        return self.remember_app(webhook)
