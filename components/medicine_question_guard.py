from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from assistant import intents
from assistant.text_checks import (asks_about_alcohol, asks_amount_of_medicine, medicine_question_intent,
                                   names_a_vaccine)
from components.base import RuleComponent, named_medicines, override_intent

# Topics whose answers are about changing a medicine and say the team decides: "could I come
# off my biologic now that I'm well?" gets the tapering answer, "they're switching me to a
# biosimilar" the biosimilar one, "is 4 pints OK on methotrexate" the alcohol one.
CHANGE_TOPICS = {"ask_tapering", "ask_biosimilars", "ask_biologic_not_working", "ask_alcohol",
                 "ask_nsaids_not_working"}
# The rule also breaks a near-tie: a dose or stop question the classifier gave some weight
# ("can I take extra Arcoxia on bad days?") gets the safety reply, while one it is sure is
# something else ("how many people on Humira get infections") does not. An amount of a named
# medicine ("how much prednisone for a flare?") needs no weight: it is a dose question.
MIN_SUPPORT = 0.1


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class MedicineQuestionGuard(RuleComponent):
    """When the classifier is unsure, a question about dosing or stopping a medicine still
    gets the safety reply ("ask your prescriber") instead of a did-you-mean guess or a
    near-miss topic."""

    def process_message(self, message: Message) -> None:
        top = (message.get("intent") or {}).get("name")
        if top == "ask_dosage" and asks_about_alcohol(message.get("text")):
            # "How much can I drink on sulfasalazine?": the alcohol answer, which has no number
            # and asks the person to agree a limit with their team.
            override_intent(message, intents.ASK_ALCOHOL)
            return
        if top == intents.REPORT_RED_FLAG or top in CHANGE_TOPICS:
            return
        text = message.get("text") or ""
        medicines = named_medicines(message)
        starts = [int(e["start"]) for e in medicines if e.get("start") is not None]
        if top not in intents.MEDICINE_DECISIONS and asks_amount_of_medicine(text, starts):
            # "How much prednisone for a flare?" asks for a dose however sure the classifier is
            # of the flare or steroid topic.
            override_intent(message, intents.ASK_DOSAGE)
            return
        intent = medicine_question_intent(text, bool(medicines))
        if top in intents.MEDICINE_DECISIONS:
            # Both get a safety reply; the words pick which one ("a week early" is a dose
            # question, not a stop). A message that asks no change at all but names a vaccine
            # ("should I skip my flu shot?") is the vaccines topic, whose answer says to ask
            # the team. The safety reply is never dropped for anything else.
            if intent and intent != top and self._support(message, intent) >= MIN_SUPPORT:
                override_intent(message, intent)
            elif (not intent and names_a_vaccine(text)
                  and self._support(message, intents.ASK_INFECTIONS_VACCINES) >= MIN_SUPPORT):
                override_intent(message, intents.ASK_INFECTIONS_VACCINES)
            return
        if not intent:
            return
        if top == intents.NLU_FALLBACK or self._support(message, intent) >= MIN_SUPPORT:
            override_intent(message, intent)

    @staticmethod
    def _support(message: Message, intent: str) -> float:
        return max((r.get("confidence") or 0 for r in message.get("intent_ranking") or []
                    if r.get("name") == intent), default=0)
