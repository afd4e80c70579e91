from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from assistant.conversation_control import is_conversation_control
from components.base import INTENT_RANKING, RuleComponent

STOP_INTENT = "stop"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ConversationControlGuard(RuleComponent):
    """`stop` ends a checklist or a topic, nothing else: "is there a way to stop the fusion?"
    goes to the next topic in the classifier's ranking, with that topic's own confidence, so
    the fallback after it still judges it."""

    def process_message(self, message: Message) -> None:
        if (message.get("intent") or {}).get("name") != STOP_INTENT:
            return
        names_medicine = any(e.get("entity") == "medication" for e in message.get("entities") or [])
        if is_conversation_control(message.get("text"), names_medicine):
            return
        ranking = [r for r in message.get(INTENT_RANKING) or [] if r.get("name") != STOP_INTENT]
        if ranking:
            message.set("intent", ranking[0], add_to_output=True)
            message.set(INTENT_RANKING, ranking, add_to_output=True)
