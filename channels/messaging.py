"""Telegram, Slack and Facebook Messenger, switched on by environment variables alone.

Rasa's own connectors read their tokens from credentials.yml, and Rasa refuses to start when
a `${VAR}` there is unset. These wrappers read the tokens from the environment instead, so
credentials.yml can list every channel with no secret in it, and a channel whose variables
are not set is simply off (its webhook route does not exist).

Each keeps its conversation ids in its own namespace ("telegram:<chat id>", "slack:<user>",
"facebook:<psid>"; channels/guard.py), so a website client can never name one (SECURITY-REVIEW
F2). Telegram's webhook is registered with a secret token, and a request without it is refused
(F3): Rasa's connector checks only the bot's own username, never the request.
"""

import asyncio
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput
from rasa.core.channels.slack import SlackInput
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant import security
from channels.guard import GuardedChannel, Handler

logger = logging.getLogger(__name__)


def _from_environment(names: Tuple[str, ...]) -> Optional[Dict[str, str]]:
    values = {n: os.environ.get(n, "") for n in names}
    if all(values.values()):
        return values
    if any(values.values()):
        logger.warning("Channel stays off: set all of %s", ", ".join(names))
    return None


class _Disabled(InputChannel):
    """Stands in for a channel whose variables are not set: no routes at all."""

    def __init__(self, channel_name: str) -> None:
        self._name = channel_name

    def name(self) -> Text:
        return self._name

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return Blueprint(f"{self._name}_disabled", __name__)


class _FromEnvironment(GuardedChannel):
    """A messaging channel built from environment variables, with the website channels'
    guard (length limit, never silence). `VARIABLES` maps each required variable to the
    Rasa connector's argument; `OPTIONAL` the same for optional ones."""

    VARIABLES: Dict[str, str] = {}
    OPTIONAL: Dict[str, str] = {}

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        env = _from_environment(tuple(cls.VARIABLES))
        if not env:
            return _Disabled(cls.name())  # type: ignore[attr-defined]  # a class-level name
        kwargs = {argument: env[variable] for variable, argument in cls.VARIABLES.items()}
        kwargs.update({a: os.environ[v] for v, a in cls.OPTIONAL.items() if os.environ.get(v)})
        return cls(**kwargs)

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        return self.remember_app(super().blueprint(self.guarded(on_new_message)))  # type: ignore[misc]

    @property
    def sender_namespace(self) -> Text:  # type: ignore[override]
        return self.name()  # type: ignore[attr-defined]


class SlackChannel(_FromEnvironment, SlackInput):
    """Route /webhooks/slack/webhook."""

    VARIABLES = {"SLACK_TOKEN": "slack_token", "SLACK_SIGNING_SECRET": "slack_signing_secret"}
    OPTIONAL = {"SLACK_CHANNEL": "slack_channel"}

    @classmethod
    def name(cls) -> Text:
        return "slack"


class FacebookChannel(_FromEnvironment, FacebookInput):
    """Route /webhooks/facebook/webhook."""

    VARIABLES = {
        "FACEBOOK_VERIFY": "fb_verify",
        "FACEBOOK_SECRET": "fb_secret",
        "FACEBOOK_PAGE_ACCESS_TOKEN": "fb_access_token",
    }

    @classmethod
    def name(cls) -> Text:
        return "facebook"


TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def telegram_request_problem(path: Text, method: Text, headers: Any, secret: Text) -> Optional[int]:
    """The status refusing a request to the Telegram routes, or None to let it through: only
    Telegram's POSTs carrying the secret token it was registered with reach the webhook, and
    nobody can re-register the webhook from outside (Rasa's open /set_webhook)."""
    if path.rstrip("/").endswith("/set_webhook"):
        return 404
    if path.rstrip("/").endswith("/webhook"):
        if method != "POST":
            return 405
        if not security.secret_matches(headers.get(TELEGRAM_SECRET_HEADER), secret):
            return 403
    return None


class TelegramChannel(_FromEnvironment, TelegramInput):
    """Route /webhooks/telegram/webhook; TELEGRAM_VERIFY is the bot's username,
    TELEGRAM_WEBHOOK_URL the public https URL of that route and TELEGRAM_SECRET_TOKEN a random
    string (1-256 of A-Z a-z 0-9 _ -) Telegram sends back with every update. The webhook is
    registered with Telegram at start-up, so it needs the internet."""

    VARIABLES = {
        "TELEGRAM_ACCESS_TOKEN": "access_token",
        "TELEGRAM_VERIFY": "verify",
        "TELEGRAM_WEBHOOK_URL": "webhook_url",
        "TELEGRAM_SECRET_TOKEN": "secret_token",
    }

    def __init__(self, access_token: Text, verify: Text, webhook_url: Text, secret_token: Text) -> None:
        super().__init__(access_token, verify, webhook_url, debug_mode=False)
        self.secret_token = secret_token

    @classmethod
    def name(cls) -> Text:
        return "telegram"

    def get_output_channel(self) -> TelegramOutput:
        """As Rasa's, but the webhook is registered with the secret token."""
        channel = TelegramOutput(self.access_token)
        asyncio.run(channel.request("setWebhook", {"url": self.webhook_url, "secret_token": self.secret_token}))
        return channel

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def only_telegram(request: Request) -> Optional[HTTPResponse]:
            status = telegram_request_problem(request.path, request.method, request.headers, self.secret_token)
            return response.json({"status": "failure", "code": status}, status=status) if status else None

        return blueprint
