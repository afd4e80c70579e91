from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from assistant.clinic import contact_text
from assistant.knowledge import knowledge_base


class ActionClinicContact(Action):
    """ "Can I speak to a real person?": the clinic's details, or the generic line."""

    def name(self) -> Text:
        return "action_clinic_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        person = tracker.get_slot("care_recipient")
        kb = knowledge_base()
        dispatcher.utter_message(text=contact_text(kb, kb.clinic, person))
        return [SlotSet("clinic_contact_offered", True)]
