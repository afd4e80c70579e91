"""A conversation as the person saw it, for the widget after a reload: texts and buttons only.

Read from the stored events (as dicts), it leaves out everything else the record holds
(intents, entities, slots, metadata, times). A button's payload the person sent shows as the
button's title. Votes are not messages: a vote's payload and its thank-you are left out, and
the answer it rated is marked with `"vote": "helpful"` or `"not_helpful"`, so the widget shows
it as rated.
"""

from typing import Any, Dict, List, Sequence

from assistant.feedback import FEEDBACK_REPLY, FEEDBACK_SLOT, is_feedback_payload, rated_topic


def conversation_history(events: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    messages: List[Dict[str, Any]] = []
    for event in events:
        kind = event.get("event")
        if kind == "user" and isinstance(event.get("text"), str):
            if not is_feedback_payload(event["text"]):
                messages.append({"from": "user", "text": _shown_text(event["text"], messages)})
        elif kind == "bot" and not (event.get("metadata") or {}).get(FEEDBACK_REPLY):
            text = event.get("text") if isinstance(event.get("text"), str) else ""
            buttons = [
                {"title": b["title"], "payload": b["payload"]}
                for b in (event.get("data") or {}).get("buttons") or []
                if isinstance(b, dict) and isinstance(b.get("title"), str) and isinstance(b.get("payload"), str)
            ]
            if text or buttons:
                messages.append({"from": "bot", "text": text, "buttons": buttons})
        elif kind == "slot" and event.get("name") == FEEDBACK_SLOT:
            _mark_vote(messages, event.get("value"))
    return messages


def _shown_text(text: str, previous: List[Dict[str, Any]]) -> str:
    """A payload ("/ask_bme_definition") shows as the title of the button that sent it."""
    if not text.startswith("/"):
        return text
    for message in reversed(previous):
        for button in message.get("buttons", []):
            if button["payload"] == text:
                return button["title"]
        if message["from"] == "user":
            break
    return text


def _mark_vote(messages: List[Dict[str, Any]], record: Any) -> None:
    """The latest answer with thumbs for the rated topic gets the vote."""
    if not isinstance(record, dict) or not isinstance(record.get("helpful"), bool):
        return
    for message in reversed(messages):
        if any(rated_topic(b["payload"]) == record.get("topic") for b in message.get("buttons", [])):
            message["vote"] = "helpful" if record["helpful"] else "not_helpful"
            return
