"""Small clients for the reliability tests: REST, the HTTP API and socket.io."""

from typing import Any, Callable, Dict, List, Optional

import requests

from assistant.knowledge import knowledge_base
from channels.constants import MAX_MESSAGE_CHARS as MAX_MESSAGE_CHARS
from devtools.servers import Servers
from tests.conftest import SocketioChat

# The channels' own sentences (answer_frame.yml).
NO_REPLY = knowledge_base().frame["no_reply"]
TRUNCATED_NOTICE = knowledge_base().frame["truncated"]


def post_webhook(servers: Servers, body: Any = None, raw: Optional[bytes] = None) -> requests.Response:
    url = f"{servers.url}/webhooks/rest/webhook"
    if raw is not None:
        return requests.post(url, data=raw, headers={"Content-Type": "application/json"}, timeout=120)
    return requests.post(url, json=body, timeout=120)


def bot_texts(messages: List[Dict]) -> List[str]:
    return [m["text"] for m in messages if m.get("text")]


def socketio_say(
    servers: Servers,
    session_id: str,
    message: Any,
    until: Optional[Callable[[List[str]], bool]] = None,
    timeout: float = 60,
) -> List[Dict]:
    """Send one message as the chat widget does; the bot messages that came back.

    Waits on the client's own events, never a fixed time: until `until(texts)` holds for the
    reply texts so far, by default until the first reply that is not the session notice (the
    turn's answer, or the short no-reply sentence).
    """
    notice = knowledge_base().frame["session_notice"]
    until = until or (lambda texts: any(t != notice for t in texts))
    with SocketioChat(servers.url) as chat:
        chat.emit("session_request", {"session_id": session_id})
        assert chat.wait_until(lambda: chat.confirmed, 10), "no session_confirm"
        chat.emit("user_uttered", {"message": message, "session_id": session_id})
        assert chat.wait_until(lambda: until(chat.texts()), timeout), (
            f"no complete reply within {timeout}s: {chat.replies}"
        )
    return chat.replies
