from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import answer_turn, named_spans
from actions.tracker_reading import latest_text, send_reply
from assistant.answers import caregiver_welcome
from assistant.caregiver import care_recipient
from assistant.follow_up import names_only
from assistant.knowledge import knowledge_base


class ActionCaregiverWelcome(Action):
    """ "I look after my dad who has AS": a welcome and what they would like to know; from now on
    the answers speak of their dad."""

    def name(self) -> Text:
        return "action_caregiver_welcome"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        text = latest_text(tracker)
        if tracker.get_slot("last_topic") and names_only(text, named_spans(tracker)):
            # "and for my wife?" after a question: that question, about her.
            return answer_turn(dispatcher, tracker)
        person = care_recipient(text) or tracker.get_slot("care_recipient")
        greeting = (domain.get("responses", {}).get("utter_greet") or [{}])[0]
        send_reply(dispatcher, tracker, caregiver_welcome(knowledge_base(), person, greeting.get("buttons") or []))
        return [SlotSet("care_recipient", person)] if person else []
