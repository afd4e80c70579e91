"""Small readers over a Rasa SDK tracker, shared by the actions."""

from typing import Dict, List, Optional, Sequence

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from assistant.answers import Reply
from assistant.channel_buttons import message_parts
from assistant.knowledge import KnowledgeBase


def latest_intent(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def latest_entity_values(tracker: Tracker, entity: str) -> List[str]:
    return [e["value"] for e in tracker.latest_message.get("entities") or [] if e.get("entity") == entity]


def latest_entity(tracker: Tracker, entity: str) -> Optional[str]:
    values = latest_entity_values(tracker, entity)
    return values[0] if values else None


def checklist_answers(tracker: Tracker, kb: KnowledgeBase) -> Dict[str, Optional[str]]:
    """The bone-health checklist answers so far, by factor slot."""
    return {f.slot: tracker.get_slot(f.slot) for f in kb.checklist.factors}


def send(dispatcher: CollectingDispatcher, tracker: Tracker, text: str, buttons: Sequence[Dict[str, str]] = ()) -> None:
    """One bot message, its buttons in the form the person's channel can show."""
    dispatcher.utter_message(**message_parts(tracker.get_latest_input_channel(), text, buttons))


def send_reply(dispatcher: CollectingDispatcher, tracker: Tracker, reply: Reply) -> None:
    send(dispatcher, tracker, reply.text, reply.buttons)
