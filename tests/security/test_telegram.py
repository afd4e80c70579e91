"""F3: forged Telegram updates are refused. The Telegram channel's real routes (the blueprint
Rasa mounts) on a local web server, with the Bot API replaced by a fake, so no network is used:
an update without Telegram's secret token gets a 403 and reaches no conversation; /set_webhook
is gone; a genuine update is handled under the namespaced id ("telegram:<chat id>")."""

import asyncio
import threading

import pytest
import requests
from sanic import Sanic

from channels import messaging
from devtools.servers import free_port

SECRET = "test-secret-not-a-real-one"
UPDATE = {
    "update_id": 1,
    "message": {
        "message_id": 1,
        "date": 1700000000,
        "chat": {"id": 123456789, "type": "private"},
        "text": "/request_visit_summary",
    },
}


class FakeBotApi:
    """Stands in for aiogram's Bot: records what would go to Telegram."""

    registered = []

    def __init__(self, token):
        self.sent = []

    async def request(self, method, data):
        FakeBotApi.registered.append((method, data))
        return True

    async def get_me(self):
        return type("Me", (), {"username": "as_info_bot"})()

    def name(self):
        return "telegram"

    async def send_response(self, recipient_id, message):
        self.sent.append(recipient_id)

    async def send_text_message(self, recipient_id, text, **kwargs):
        self.sent.append(recipient_id)


@pytest.fixture(scope="module")
def telegram():
    patch = pytest.MonkeyPatch()
    patch.setattr(messaging, "TelegramOutput", FakeBotApi)
    channel = messaging.TelegramChannel(
        "123:abc", "as_info_bot", "https://example.org/webhooks/telegram/webhook", SECRET
    )
    handled = []

    async def on_new_message(message):
        handled.append(message.sender_id)

    app = Sanic(f"telegram_test_{free_port()}")
    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/telegram")
    port, ready, state = free_port(), threading.Event(), {}

    def serve():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)

        async def main():
            server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
            await server.startup()
            state.update(loop=loop, server=server)
            ready.set()
            await server.serve_forever()

        try:
            loop.run_until_complete(main())
        except RuntimeError:  # stopped below, not waiting for idle keep-alive connections
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(30), "the test web server did not start"
    try:
        yield f"http://127.0.0.1:{port}/webhooks/telegram", handled
    finally:

        def stop():
            state["server"].server.close()  # no new connections; idle keep-alives are not waited for
            state["loop"].stop()

        state["loop"].call_soon_threadsafe(stop)
        thread.join(10)
        patch.undo()


@pytest.mark.parametrize(
    "headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": "guess"}, {"X-Telegram-Bot-Api-Secret-Token": SECRET[:-1]}]
)
def test_f3_a_forged_update_is_refused_and_reaches_no_conversation(telegram, headers):
    url, handled = telegram
    before = list(handled)
    r = requests.post(f"{url}/webhook", json=UPDATE, headers=headers, timeout=30)
    assert r.status_code == 403
    assert handled == before


def test_f3_set_webhook_is_closed(telegram):
    url, _ = telegram
    for method in ("GET", "POST"):
        assert requests.request(method, f"{url}/set_webhook", timeout=30).status_code == 404


def test_f3_telegrams_own_update_is_handled_under_its_namespace(telegram):
    url, handled = telegram
    r = requests.post(f"{url}/webhook", json=UPDATE, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}, timeout=30)
    assert r.status_code == 200
    assert handled[-1] == "telegram:123456789"
    assert (
        "setWebhook",
        {"url": "https://example.org/webhooks/telegram/webhook", "secret_token": SECRET},
    ) in FakeBotApi.registered
