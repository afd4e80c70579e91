"""Messaging channels come on with their environment variables, and refuse forged requests.

No network is needed: the test checks each webhook route exists and rejects a request that
does not carry the right signature or token. Telegram registers its webhook with Telegram
at start-up, so it is only checked to stay off without its variables.
"""

import requests

from channels.messaging import FacebookChannel, SlackChannel, TelegramChannel, _Disabled

CHANNEL_ENV = {
    "SLACK_TOKEN": "xoxb-test-not-a-real-token",
    "SLACK_SIGNING_SECRET": "test-signing-secret",
    "FACEBOOK_VERIFY": "test-verify-token",
    "FACEBOOK_SECRET": "test-app-secret",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "test-page-token",
}
OWN_SERVERS = {"env": CHANNEL_ENV}


def test_slack_route_rejects_a_bad_signature(own_servers):
    r = requests.post(
        f"{own_servers.url}/webhooks/slack/webhook",
        json={"type": "event_callback"},
        headers={"X-Slack-Signature": "v0=forged", "X-Slack-Request-Timestamp": "1"},
        timeout=30,
    )
    assert r.status_code == 400


def test_facebook_route_rejects_a_wrong_verify_token_and_a_bad_signature(own_servers):
    url = f"{own_servers.url}/webhooks/facebook/webhook"
    wrong = requests.get(url, params={"hub.verify_token": "guess", "hub.challenge": "123"}, timeout=30)
    assert wrong.text == "failure, invalid token"
    right = requests.get(url, params={"hub.verify_token": "test-verify-token", "hub.challenge": "123"}, timeout=30)
    assert right.text == "123"
    forged = requests.post(
        url, json={"object": "page", "entry": []}, headers={"X-Hub-Signature": "sha1=forged"}, timeout=30
    )
    assert forged.text == "not validated"


def test_channels_are_off_without_their_variables(servers, monkeypatch):
    for name in list(CHANNEL_ENV) + list(TelegramChannel.VARIABLES) + ["SLACK_CHANNEL"]:
        monkeypatch.delenv(name, raising=False)
    for channel in (SlackChannel, FacebookChannel, TelegramChannel):
        assert isinstance(channel.from_credentials({}), _Disabled)
    assert requests.post(f"{servers.url}/webhooks/slack/webhook", json={}, timeout=30).status_code == 404


def test_telegram_comes_on_with_its_variables(monkeypatch):
    monkeypatch.setenv("TELEGRAM_ACCESS_TOKEN", "123:abc")
    monkeypatch.setenv("TELEGRAM_VERIFY", "as_info_bot")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://example.org/webhooks/telegram/webhook")
    monkeypatch.setenv("TELEGRAM_SECRET_TOKEN", "test-secret-not-a-real-one")
    channel = TelegramChannel.from_credentials({})
    assert isinstance(channel, TelegramChannel) and channel.verify == "as_info_bot"
