"""Small clients for the reliability tests: REST, the HTTP API and socket.io."""
import threading
import time
import uuid
from typing import Any, Dict, List, Optional

import requests

from channels.guard import MAX_MESSAGE_CHARS, NO_REPLY, TRUNCATED_NOTICE  # noqa: F401
from tests.servers import Servers


def new_sender(prefix: str = "rel") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def post_webhook(servers: Servers, body: Any = None, raw: Optional[bytes] = None) -> requests.Response:
    url = f"{servers.url}/webhooks/rest/webhook"
    if raw is not None:
        return requests.post(url, data=raw, headers={"Content-Type": "application/json"}, timeout=120)
    return requests.post(url, json=body, timeout=120)


def bot_texts(messages: List[Dict]) -> List[str]:
    return [m["text"] for m in messages if m.get("text")]


def events(servers: Servers, sender: str) -> List[Dict]:
    r = requests.get(f"{servers.url}/conversations/{sender}/tracker", params={"include_events": "ALL"},
                     timeout=30)
    r.raise_for_status()
    return r.json()["events"]


def socketio_say(servers: Servers, session_id: str, message: str, quiet: float = 2.0,
                 timeout: float = 60) -> List[Dict]:
    """Send one message as the chat widget does; the bot messages that came back.

    The synchronous client over long-polling: the pinned engine.io's asyncio client needs a
    newer aiohttp than Rasa 3.6 allows, and websocket-client is not installed.
    """
    import socketio

    received: List[Dict] = []
    confirmed = threading.Event()
    client = socketio.Client()
    client.on("session_confirm", lambda *_: confirmed.set())
    client.on("bot_uttered", lambda data: received.append(data))
    client.connect(servers.url, socketio_path="/socket.io", transports=["polling"])
    try:
        client.emit("session_request", {"session_id": session_id})
        assert confirmed.wait(10), "no session_confirm"
        client.emit("user_uttered", {"message": message, "session_id": session_id})
        deadline, seen, last_change = time.time() + timeout, 0, time.time()
        while time.time() < deadline:
            time.sleep(0.2)
            if len(received) != seen:
                seen, last_change = len(received), time.time()
            elif received and time.time() - last_change > quiet:
                break
    finally:
        client.disconnect()
    return received
