"""Telegram, Slack and Facebook Messenger, switched on by environment variables alone.

Rasa's own connectors read their tokens from credentials.yml, and Rasa refuses to start when
a `${VAR}` there is unset. These wrappers read the tokens from the environment instead, so
credentials.yml can list every channel with no secret in it, and a channel whose variables
are not set is simply off (its webhook route does not exist).
"""
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput
from rasa.core.channels.slack import SlackInput
from rasa.core.channels.telegram import TelegramInput
from sanic import Blueprint

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


class SlackChannel(_FromEnvironment, SlackInput):
    """Route /webhooks/slack/webhook."""

    VARIABLES = {"SLACK_TOKEN": "slack_token", "SLACK_SIGNING_SECRET": "slack_signing_secret"}
    OPTIONAL = {"SLACK_CHANNEL": "slack_channel"}

    @classmethod
    def name(cls) -> Text:
        return "slack"


class FacebookChannel(_FromEnvironment, FacebookInput):
    """Route /webhooks/facebook/webhook."""

    VARIABLES = {"FACEBOOK_VERIFY": "fb_verify", "FACEBOOK_SECRET": "fb_secret",
                 "FACEBOOK_PAGE_ACCESS_TOKEN": "fb_access_token"}

    @classmethod
    def name(cls) -> Text:
        return "facebook"


class TelegramChannel(_FromEnvironment, TelegramInput):
    """Route /webhooks/telegram/webhook; TELEGRAM_VERIFY is the bot's username and
    TELEGRAM_WEBHOOK_URL the public https URL of that route. Rasa registers the webhook with
    Telegram at start-up, so it needs the internet."""

    VARIABLES = {"TELEGRAM_ACCESS_TOKEN": "access_token", "TELEGRAM_VERIFY": "verify",
                 "TELEGRAM_WEBHOOK_URL": "webhook_url"}

    @classmethod
    def name(cls) -> Text:
        return "telegram"
