from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from assistant.knowledge import knowledge_base


class ActionDidYouMean(Action):
    """When unsure: offer the two likeliest topics as buttons; the second time, ask to rephrase.

    Never answers a guess: the person chooses, so a wrong topic is never stated as fact.
    It is also the core fallback (no rule applies), so like Rasa's default fallback it
    reverts the user turn for prediction: the bot then listens instead of looping. The
    message itself stays in the conversation record.
    """

    def name(self) -> Text:
        return "action_did_you_mean"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        kb = knowledge_base()
        ranking = tracker.latest_message.get("intent_ranking") or []
        guesses = [r["name"] for r in ranking if r.get("name") in kb.topics][:2]
        if not guesses or _offered_just_before(tracker):
            dispatcher.utter_message(text=kb.frame["rephrase"])
            return [UserUtteranceReverted()]
        buttons = [{"title": kb.topics[g].title, "payload": f"/{g}"} for g in guesses]
        buttons.append({"title": kb.frame["something_else"], "payload": "/out_of_scope"})
        dispatcher.utter_message(text=kb.frame["did_you_mean"], buttons=buttons)
        return [UserUtteranceReverted()]


def _offered_just_before(tracker: Tracker) -> bool:
    """True when the bot's previous turn was already a did-you-mean offer."""
    actions = [e.get("name") for e in tracker.events if e.get("event") == "action"]
    actions = [a for a in actions if a != "action_listen"]
    return bool(actions) and actions[-1] == "action_did_you_mean"
