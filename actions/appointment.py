from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_reading import checklist_answers, latest_text
from assistant.appointment import appointment_questions
from assistant.caregiver import care_recipient
from assistant.knowledge import knowledge_base


class ActionAppointmentQuestions(Action):
    """A list of questions to take along, from what this conversation covered."""

    def name(self) -> Text:
        return "action_appointment_questions"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        kb = knowledge_base()
        answers = checklist_answers(tracker, kb)
        discussed = tracker.get_slot("topics_discussed") or []
        # "prepare questions for his appointment": about the person cared for, as the conversation was
        person = care_recipient(latest_text(tracker)) or tracker.get_slot("care_recipient")
        text = appointment_questions(kb, discussed, tracker.get_slot("medication"), answers, person)
        dispatcher.utter_message(text=text)
        return []
