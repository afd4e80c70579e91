from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_reading import checklist_answers
from assistant.appointment import appointment_questions
from assistant.knowledge import knowledge_base


class ActionAppointmentQuestions(Action):
    """A list of questions to take along, from what this conversation covered."""

    def name(self) -> Text:
        return "action_appointment_questions"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        kb = knowledge_base()
        answers = checklist_answers(tracker, kb)
        discussed = tracker.get_slot("topics_discussed") or []
        text = appointment_questions(kb, discussed, tracker.get_slot("medication"), answers)
        dispatcher.utter_message(text=text)
        return []
