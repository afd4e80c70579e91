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


class _Guarded(GuardedChannel):
    """The same length limit and never-silence guard as the website channels."""

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        return self.remember_app(super().blueprint(self.guarded(on_new_message)))


class SlackChannel(_Guarded, SlackInput):
    """Needs SLACK_TOKEN (bot token) and SLACK_SIGNING_SECRET; route /webhooks/slack/webhook."""

    VARIABLES = ("SLACK_TOKEN", "SLACK_SIGNING_SECRET")

    @classmethod
    def name(cls) -> Text:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        env = _from_environment(cls.VARIABLES)
        if not env:
            return _Disabled(cls.name())
        return cls(slack_token=env["SLACK_TOKEN"], slack_signing_secret=env["SLACK_SIGNING_SECRET"],
                   slack_channel=os.environ.get("SLACK_CHANNEL"))


class FacebookChannel(_Guarded, FacebookInput):
    """Needs FACEBOOK_VERIFY, FACEBOOK_SECRET and FACEBOOK_PAGE_ACCESS_TOKEN;
    route /webhooks/facebook/webhook."""

    VARIABLES = ("FACEBOOK_VERIFY", "FACEBOOK_SECRET", "FACEBOOK_PAGE_ACCESS_TOKEN")

    @classmethod
    def name(cls) -> Text:
        return "facebook"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        env = _from_environment(cls.VARIABLES)
        if not env:
            return _Disabled(cls.name())
        return cls(env["FACEBOOK_VERIFY"], env["FACEBOOK_SECRET"], env["FACEBOOK_PAGE_ACCESS_TOKEN"])


class TelegramChannel(_Guarded, TelegramInput):
    """Needs TELEGRAM_ACCESS_TOKEN, TELEGRAM_VERIFY (the bot's username) and
    TELEGRAM_WEBHOOK_URL (public https URL ending in /webhooks/telegram/webhook).
    Rasa registers the webhook with Telegram at start-up, so it needs the internet."""

    VARIABLES = ("TELEGRAM_ACCESS_TOKEN", "TELEGRAM_VERIFY", "TELEGRAM_WEBHOOK_URL")

    @classmethod
    def name(cls) -> Text:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        env = _from_environment(cls.VARIABLES)
        if not env:
            return _Disabled(cls.name())
        return cls(env["TELEGRAM_ACCESS_TOKEN"], env["TELEGRAM_VERIFY"], env["TELEGRAM_WEBHOOK_URL"])
