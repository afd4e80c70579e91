from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from assistant import intents
from assistant.conversation_control import is_conversation_control
from assistant.text_checks import asks_to_stop_the_disease
from components.base import INTENT_RANKING, RULED_OUT, RuleComponent, named_medicines

STOP_INTENT = "stop"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ConversationControlGuard(RuleComponent):
    """"Stop" in a question about AS is neither conversation control nor a medicine change.

    `stop` ends a checklist or a topic, nothing else, and "is there a way to stop the fusion?"
    (no medicine named, only the disease stopped) is not a request to stop a medicine either.
    Such a message goes to the classifier's ranking without them, scaled to sum to what it
    did (what the classifier thinks, given it is neither); the second opinion and the fallback
    after it then judge it, and the ruled-out intents stay out."""

    def process_message(self, message: Message) -> None:
        text = message.get("text") or ""
        ruled_out = []
        if not is_conversation_control(text, bool(named_medicines(message, ("medication",)))):
            ruled_out.append(STOP_INTENT)
        if not named_medicines(message) and asks_to_stop_the_disease(text):
            ruled_out.append(intents.ASK_STOP_MEDICATION)
        if not ruled_out:
            return
        # Whatever the classifier's first guess: the second opinion must not bring them back.
        message.set(RULED_OUT, ruled_out)
        if (message.get("intent") or {}).get("name") not in ruled_out:
            return
        full = message.get(INTENT_RANKING) or []
        ranking = [r for r in full if r.get("name") not in ruled_out]
        if not ranking:
            return
        left = sum(r.get("confidence") or 0.0 for r in ranking)
        if left > 0:
            scale = sum(r.get("confidence") or 0.0 for r in full) / left
            ranking = [{**r, "confidence": (r.get("confidence") or 0.0) * scale} for r in ranking]
        message.set("intent", ranking[0], add_to_output=True)
        message.set(INTENT_RANKING, ranking, add_to_output=True)
