from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_reading import checklist_answers
from assistant.knowledge import knowledge_base
from assistant.visit_summary import visit_summary


def medicines_named(tracker: Tracker) -> List[str]:
    """The medicines named in this session's messages, in order, and the one remembered from an
    earlier session (the slot)."""
    named = [
        e.get("value")
        for event in tracker.events
        if event.get("event") == "user"
        for e in (event.get("parse_data") or {}).get("entities") or []
        if e.get("entity") == "medication"
    ]
    named.append(tracker.get_slot("medication"))
    return [m for m in dict.fromkeys(named) if isinstance(m, str)]


class ActionVisitSummary(Action):
    """ "Make a summary for my appointment": one message to print or copy."""

    def name(self) -> Text:
        return "action_visit_summary"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        kb = knowledge_base()
        text = visit_summary(
            kb,
            tracker.get_slot("topics_discussed") or [],
            medicines_named(tracker),
            checklist_answers(tracker, kb),
            tracker.get_slot("care_recipient"),
        )
        dispatcher.utter_message(text=text)
        return []
