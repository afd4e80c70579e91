"""Buttons in the form each channel can show.

Facebook Messenger's button template holds at most 3 buttons, and Rasa's connector drops every
button of a message that has more (an answer with related topics and 👍/👎 has 4 to 6), so a
Messenger user would lose the follow-ups and the "was this helpful?" vote. Quick replies hold
up to 11 in Rasa's Messenger library, with titles of up to 20 characters. The widget, Telegram
and Slack show buttons as they are.
"""

from typing import Any, Dict, List, Optional, Sequence

MESSENGER = "facebook"
MESSENGER_MAX_BUTTONS = 3
MESSENGER_MAX_QUICK_REPLIES = 11
MESSENGER_TITLE_LIMIT = 20


def short_title(title: str, limit: int = MESSENGER_TITLE_LIMIT) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def message_parts(channel: Optional[str], text: str, buttons: Sequence[Dict[str, str]]) -> Dict[str, Any]:
    """The keyword arguments of one bot message: text plus buttons, or on Messenger, when
    there are more buttons than its template holds, text plus quick replies."""
    if not buttons:
        return {"text": text}
    if channel == MESSENGER and len(buttons) > MESSENGER_MAX_BUTTONS:
        quick_replies: List[Dict[str, str]] = [
            {"content_type": "text", "title": short_title(b["title"]), "payload": b["payload"]}
            for b in list(buttons)[:MESSENGER_MAX_QUICK_REPLIES]
        ]
        return {"text": text, "quick_replies": quick_replies}
    return {"text": text, "buttons": list(buttons)}
