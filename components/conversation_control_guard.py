from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from assistant.conversation_control import is_conversation_control
from components.base import INTENT_RANKING, RULED_OUT, RuleComponent

STOP_INTENT = "stop"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ConversationControlGuard(RuleComponent):
    """`stop` ends a checklist or a topic, nothing else: "is there a way to stop the fusion?"
    goes to the classifier's ranking without `stop`, scaled to sum to what it did (what the
    classifier thinks, given it is not conversation control); the second opinion and the
    fallback after it then judge it, and `stop` stays ruled out."""

    def process_message(self, message: Message) -> None:
        names_medicine = any(e.get("entity") == "medication" for e in message.get("entities") or [])
        if is_conversation_control(message.get("text"), names_medicine):
            return
        # Whatever the classifier's first guess: the second opinion must not bring `stop` back.
        message.set(RULED_OUT, [STOP_INTENT])
        if (message.get("intent") or {}).get("name") != STOP_INTENT:
            return
        full = message.get(INTENT_RANKING) or []
        ranking = [r for r in full if r.get("name") != STOP_INTENT]
        if not ranking:
            return
        left = sum(r.get("confidence") or 0.0 for r in ranking)
        if left > 0:
            scale = sum(r.get("confidence") or 0.0 for r in full) / left
            ranking = [{**r, "confidence": (r.get("confidence") or 0.0) * scale} for r in ranking]
        message.set("intent", ranking[0], add_to_output=True)
        message.set(INTENT_RANKING, ranking, add_to_output=True)
