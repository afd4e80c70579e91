from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from assistant.knowledge import knowledge_base

# Slots that describe the person, kept when a new session starts.
CARRIED_SLOTS = ("care_recipient", "medication", "topics_discussed")


class ActionSessionStart(Action):
    """Every conversation starts with the notice: educational only, not medical advice."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        events: List[EventType] = [SessionStarted()]
        events += [SlotSet(s, tracker.get_slot(s)) for s in CARRIED_SLOTS if tracker.get_slot(s)]
        dispatcher.utter_message(text=knowledge_base().frame["session_notice"])
        events.append(ActionExecuted("action_listen"))
        return events
