from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from assistant.text_checks import medicine_question_intent
from components.base import RuleComponent, override_intent


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class MedicineQuestionGuard(RuleComponent):
    """When the classifier is unsure, a question about dosing or stopping a medicine still
    gets the safety reply ("ask your prescriber") instead of a did-you-mean guess."""

    def process_message(self, message: Message) -> None:
        if (message.get("intent") or {}).get("name") != "nlu_fallback":
            return
        names_medicine = any(e.get("entity") in ("medication", "drug_class") for e in message.get("entities") or [])
        intent = medicine_question_intent(message.get("text"), names_medicine)
        if intent:
            override_intent(message, intent)
