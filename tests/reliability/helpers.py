"""Small clients for the reliability tests: REST, the HTTP API and socket.io."""
import asyncio
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
    """Send one message as the chat widget does; the bot messages that came back."""
    import socketio

    async def talk() -> List[Dict]:
        received: List[Dict] = []
        confirmed = asyncio.Event()
        client = socketio.AsyncClient()
        client.on("session_confirm", lambda *_: confirmed.set())
        client.on("bot_uttered", lambda data: received.append(data))
        await client.connect(servers.url, socketio_path="/socket.io", transports=["websocket"])
        try:
            await client.emit("session_request", {"session_id": session_id})
            await asyncio.wait_for(confirmed.wait(), 10)
            await client.emit("user_uttered", {"message": message, "session_id": session_id})
            loop = asyncio.get_running_loop()
            deadline, seen, last_change = loop.time() + timeout, 0, loop.time()
            while loop.time() < deadline:
                await asyncio.sleep(0.2)
                if len(received) != seen:
                    seen, last_change = len(received), loop.time()
                elif received and loop.time() - last_change > quiet:
                    break
        finally:
            await client.disconnect()
        return received

    return asyncio.run(talk())
