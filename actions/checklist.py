import abc
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answer import answer_turn
from actions.tracker_reading import checklist_answers, latest_intent, send, send_reply
from assistant import intents
from assistant.answers import button
from assistant.checklist import INTENT_BY_ANSWER, NOT_SURE, answer_from_intent, checklist_summary
from assistant.knowledge import KnowledgeBaseError, knowledge_base

# Left to the rules, which win in any state: the form rejects these so a rule answers.
HANDLED_BY_RULES = {
    intents.REPORT_RED_FLAG,
    intents.STOP,
    intents.FEEDBACK,
    intents.ASK_CONTACT_CLINIC,
    intents.REQUEST_VISIT_SUMMARY,
}


class ValidateBoneHealthChecklist(FormValidationAction):
    """Reads yes / no / not sure; answers questions asked mid-form; re-asks once, with help."""

    def name(self) -> Text:
        return "validate_bone_health_checklist"

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        kb = knowledge_base()
        requested = tracker.get_slot("requested_slot")
        if requested not in {f.slot for f in kb.checklist.factors}:
            return []
        turn = _user_turns(tracker)
        if tracker.get_slot("checklist_turn") == turn:
            # Rasa runs this action twice per message (slot extraction, then the form):
            # the second time, repeat the slot events without saying anything again.
            value = tracker.get_slot(requested)
            return [SlotSet("checklist_turn", turn)] + ([SlotSet(requested, value)] if value else [])
        intent = latest_intent(tracker)
        if intent in HANDLED_BY_RULES:
            return []
        done = [SlotSet("checklist_turn", turn)]
        answer = answer_from_intent(intent)
        if answer:
            return done + [SlotSet(requested, answer), SlotSet("checklist_unclear", False)]
        # A question in the middle: answer it, then ask again. An off-topic remark ("the weather
        # is lovely") is not a question to answer here but an answer nobody could read.
        if intent in kb.topics and intent != "out_of_scope":
            return done + answer_turn(dispatcher, tracker)
        return done + unclear_answer(dispatcher, tracker)


def _user_turns(tracker: Tracker) -> int:
    return sum(1 for e in tracker.events if e.get("event") == "user")


def unclear_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """The first unclear answer gets help and the question again; the second counts as not sure."""
    if not tracker.get_slot("checklist_unclear"):
        dispatcher.utter_message(text=knowledge_base().checklist.texts["unclear_help"])
        return [SlotSet("checklist_unclear", True)]
    return [SlotSet(tracker.get_slot("requested_slot"), NOT_SURE), SlotSet("checklist_unclear", False)]


class ActionChecklistUnclear(Action):
    """An answer the classifier could not read at all (nlu_fallback) in the checklist."""

    def name(self) -> Text:
        return "action_checklist_unclear"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        # Mark the message handled: the form's validation runs again right after this.
        return [SlotSet("checklist_turn", _user_turns(tracker))] + unclear_answer(dispatcher, tracker)


class ActionChecklistSummary(Action):
    def name(self) -> Text:
        return "action_checklist_summary"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        kb = knowledge_base()
        answers = checklist_answers(tracker, kb)
        send_reply(dispatcher, tracker, checklist_summary(kb, answers, tracker.get_slot("care_recipient")))
        return []


class ActionChecklistStopped(Action):
    def name(self) -> Text:
        return "action_checklist_stopped"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        dispatcher.utter_message(text=knowledge_base().checklist.texts["stopped"])
        return [SlotSet(f.slot, None) for f in knowledge_base().checklist.factors]


class AskChecklistQuestion(Action, abc.ABC):
    """Asks one checklist question with Yes / No / Not sure buttons, in the caregiver's words
    when someone asks for another person. One subclass per factor (below), because a Rasa
    form asks for slot X by running `action_ask_X`. Abstract, so rasa-sdk does not register
    this base class itself (it skips abstract classes)."""

    @property
    @abc.abstractmethod
    def slot(self) -> str:
        """The factor's slot; each subclass sets it."""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        if latest_intent(tracker) == intents.FEEDBACK:
            return []  # a vote changes nothing: the question is still just above it
        checklist = knowledge_base().checklist
        factor = next(f for f in checklist.factors if f.slot == self.slot)
        question = factor.caregiver_question if tracker.get_slot("care_recipient") else factor.question
        buttons = [button(title, INTENT_BY_ANSWER[value]) for value, title in checklist.answers.items()]
        send(dispatcher, tracker, question, buttons)
        return []


def _checklist_slots() -> List[str]:
    """The factors' slots. rasa-sdk registers the action classes it finds right after importing
    this package, so the ask actions are made at import, from the checklist file: the one
    knowledge read at import. A broken knowledge base makes none here; the start-up check
    (rasa_extensions/action_server.py) then stops the server, naming the file and entry."""
    try:
        return [f.slot for f in knowledge_base().checklist.factors]
    except KnowledgeBaseError:
        return []


# Kept in a dict: subclasses are tracked weakly, so unreferenced ones would vanish.
ASK_ACTIONS = {slot: type(f"Ask_{slot}", (AskChecklistQuestion,), {"slot": slot}) for slot in _checklist_slots()}
