from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import send_red_flag_if_reported
from actions.tracker_reading import send
from assistant import intents
from assistant.answers import button
from assistant.clinic import contact_text
from assistant.knowledge import knowledge_base


class ActionDidYouMean(Action):
    """When unsure: offer the two likeliest topics as buttons; the second time, ask to rephrase.

    Never answers a guess: the person chooses, so a wrong topic is never stated as fact.
    It is also the core fallback (no rule applies), so like Rasa's default fallback it
    reverts the user turn for prediction: the bot then listens instead of looping. The
    message itself stays in the conversation record. The second time in a row it also offers
    the clinic's contact details, once per conversation.
    """

    def name(self) -> Text:
        return "action_did_you_mean"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        if send_red_flag_if_reported(dispatcher, tracker):  # a medicine named earlier makes it urgent
            return []
        kb = knowledge_base()
        ranking = tracker.latest_message.get("intent_ranking") or []
        guesses = [r["name"] for r in ranking if r.get("name") in kb.topics][:2]
        in_a_row = _turns_in_a_row_before(tracker) + 1
        if not guesses or in_a_row > 1:
            dispatcher.utter_message(text=kb.frame["rephrase"])
            if in_a_row < 2 or tracker.get_slot("clinic_contact_offered"):
                return [UserUtteranceReverted()]
            contact = contact_text(kb, kb.clinic, tracker.get_slot("care_recipient"))
            dispatcher.utter_message(text=kb.frame["contact_offer"] + "\n" + contact)
            # After the revert, which would undo it (the revert drops this turn's events).
            return [UserUtteranceReverted(), SlotSet("clinic_contact_offered", True)]
        buttons = [button(kb.topics[g].title, g) for g in guesses]
        buttons.append(button(kb.frame["something_else"], intents.OUT_OF_SCOPE))
        send(dispatcher, tracker, kb.frame["did_you_mean"], buttons)
        return [UserUtteranceReverted()]


def _turns_in_a_row_before(tracker: Tracker) -> int:
    """How many turns just before this one ended in did-you-mean; a vote in between is no turn."""
    actions = [e.get("name") for e in tracker.events if e.get("event") == "action"]
    actions = [a for a in actions if a not in ("action_listen", "action_record_feedback")]
    count = 0
    while count < len(actions) and actions[-1 - count] == "action_did_you_mean":
        count += 1
    return count
