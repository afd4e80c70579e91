"""What every chat channel does around Rasa's handling of one message.

`GuardedChannel.guarded(on_new_message)` wraps the handler Rasa gives a channel, so the REST
and socket.io channels share one implementation of:

- the length limit. A message longer than MAX_MESSAGE_CHARS is cut to its first
  MAX_MESSAGE_CHARS characters before NLU and before it is stored (what is not read is not
  kept: a flood of long messages cannot fill the disk), and the person is told so after the
  replies; the stored event's metadata `truncated_to_chars` says a cut happened.
- a namespace for messaging apps' ids (`sender_namespace`): Telegram's chat 12345 is the
  conversation "telegram:12345", so no id a website client may send names it; replies go out
  to the app's own id.
- never silence. If processing sent no message at all (the action server is down, or anything
  raised), the person gets the `no_reply` sentence; for a red flag, the reviewed urgent-care sentence
  instead. That reply is recorded in the conversation as a bot event, and a conversation
  the failure left stuck is repaired (see `_record_no_reply`), so the next message, once the
  action server is back, is answered normally.

Both need the agent, which the channel takes from the Sanic app when the server starts.
"""

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, Restarted, SessionStarted
from sanic import Blueprint

import rasa_extensions
from assistant import intents
from assistant.knowledge import knowledge_base
from channels.constants import MAX_MESSAGE_CHARS, NO_REPLY_METADATA

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]


def _frame(key: Text) -> Text:
    """A sentence from answer_frame.yml, where every sentence the assistant says lives."""
    return knowledge_base().frame[key]


class CountingOutputChannel(OutputChannel):
    """Passes every bot message on to the real output channel and counts them."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def name(self) -> Text:  # responses are chosen per channel name
        return self.inner.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)


_SEND_METHODS = (
    "send_response",
    "send_text_message",
    "send_image_url",
    "send_attachment",
    "send_text_with_buttons",
    "send_quick_replies",
    "send_elements",
    "send_custom_json",
)


class NamespacedOutputChannel(OutputChannel):
    """Sends to the messaging app's own id: "telegram:12345" goes out to 12345."""

    def __init__(self, inner: OutputChannel, prefix: Text) -> None:
        self.inner = inner
        self.prefix = prefix

    def name(self) -> Text:
        return self.inner.name()

    def app_id(self, recipient_id: Text) -> Text:
        return recipient_id[len(self.prefix) :] if str(recipient_id).startswith(self.prefix) else recipient_id

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)


def _forward(method: str) -> Callable[..., Awaitable[Any]]:
    async def send(self: NamespacedOutputChannel, recipient_id: Text, *args: Any, **kwargs: Any) -> Any:
        return await getattr(self.inner, method)(self.app_id(recipient_id), *args, **kwargs)

    send.__name__ = method
    return send


for _method in _SEND_METHODS:
    setattr(NamespacedOutputChannel, _method, _forward(_method))


class GuardedChannel:
    """Mixin for an InputChannel: wrap Rasa's handler with `guarded` in `blueprint`."""

    max_message_chars = MAX_MESSAGE_CHARS
    sender_namespace: Optional[Text] = None  # e.g. "telegram": ids are stored as "telegram:<id>"
    _app: Any = None

    def remember_app(self, blueprint: Blueprint) -> Blueprint:
        """The agent lives on the Sanic app, which a channel only meets when the server starts.

        The channel also goes through rasa_extensions' door, so the guard never runs without
        the log redaction and the speed fixes (a no-op when credentials.yml's RasaExtensions
        has already opened it, with the app-level extensions too).
        """
        rasa_extensions.mark_active(f"message guard ({self.name()})")  # type: ignore[attr-defined]
        rasa_extensions.install()

        @blueprint.listener("before_server_start")
        async def remember(app: Any, _loop: Any) -> None:
            self._app = app
            if not getattr(app.ctx, "rasa_extensions", False):
                logger.warning(
                    "credentials.yml does not start with rasa_extensions.server.RasaExtensions: "
                    "the HTTP API body check and the garbage-collector freeze are off."
                )

        return blueprint

    @property
    def agent(self) -> Any:
        return self._app.ctx.agent

    def guarded(self, on_new_message: Handler) -> Handler:
        async def handle(message: UserMessage) -> None:
            await self.handle_guarded(message, on_new_message)

        return handle

    async def handle_guarded(self, message: UserMessage, on_new_message: Handler) -> None:
        if self.sender_namespace:
            prefix = f"{self.sender_namespace}:"
            message.sender_id = prefix + str(message.sender_id)
            message.output_channel = NamespacedOutputChannel(message.output_channel, prefix)
        sender_id, truncated = message.sender_id, False
        output = CountingOutputChannel(message.output_channel)
        message.output_channel = output
        try:
            truncated = await self._truncate(message)
            await on_new_message(message)
        except Exception as error:  # noqa: BLE001 - the person gets a reply whatever went wrong
            # The exception's type only: its message or traceback could quote the text.
            logger.error("Handling a message failed (%s); sending the no-reply message.", type(error).__name__)
        if not output.sent:
            await output.inner.send_text_message(sender_id, await self._record_no_reply(sender_id))
        if truncated:
            notice = _frame("truncated").format(limit=self.max_message_chars)
            await output.inner.send_text_message(sender_id, notice)

    async def _truncate(self, message: UserMessage) -> bool:
        text = message.text
        if not isinstance(text, str) or len(text) <= self.max_message_chars:
            return False
        message.text = text[: self.max_message_chars]
        message.parse_data = None  # parsed again, from the text that is kept
        message.metadata = {**(message.metadata or {}), "truncated_to_chars": self.max_message_chars}
        return True

    async def _record_no_reply(self, sender_id: Text) -> Text:
        """Record the fallback reply, repair the conversation if needed, and return the reply.

        Two failures leave a conversation stuck, every later message getting no answer even
        when the action server is back:
        - `action_session_start` failed (a first message while the action server is down):
          no session ever started, so no rule applies and Rasa's action limit then trips
          on every later message. A `Restarted` makes the next message start the session
          properly, with the notice.
        - processing stopped before Rasa listened again: an `action_listen` is added.
        """
        text = _frame("no_reply")
        try:
            async with self.agent.lock_store.lock(sender_id):
                tracker = await self.agent.processor.get_tracker(sender_id)
                if (tracker.latest_message.intent or {}).get("name") == intents.REPORT_RED_FLAG:
                    text = _red_flag_text()
                repair: List[Event] = [BotUttered(text, metadata=NO_REPLY_METADATA)]
                if not _session_started(tracker.events):
                    repair.append(Restarted())
                elif _last_action(tracker.events) != ACTION_LISTEN_NAME:
                    repair.append(ActionExecuted(ACTION_LISTEN_NAME))
                for event in repair:
                    tracker.update(event)
                await self.agent.processor.save_tracker(tracker)
        except Exception as error:  # noqa: BLE001 - the reply matters more than the record
            logger.error("Could not record the no-reply message (%s).", type(error).__name__)
        return text


def _session_started(events: List[Event]) -> bool:
    """True when the latest `action_session_start` (if any) produced a `SessionStarted`."""
    for event in reversed(list(events)):
        if isinstance(event, SessionStarted):
            return True
        if isinstance(event, Restarted):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == ACTION_SESSION_START_NAME:
            return False
    return False


def _last_action(events: List[Event]) -> Optional[Text]:
    for event in reversed(list(events)):
        if isinstance(event, ActionExecuted):
            return event.action_name
    return None


def _red_flag_text() -> Text:
    """The reviewed urgent-care sentence, so a red flag never gets only "try again later"."""
    return _frame("red_flag_unspecified")
