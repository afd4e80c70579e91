from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from assistant.language import looks_non_english
from components.base import RuleComponent, override_intent


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LanguageGuard(RuleComponent):
    """Sets `non_english` for messages clearly in another language, so the reply is honest."""

    def process_message(self, message: Message) -> None:
        if looks_non_english(message.get("text")):
            override_intent(message, "non_english")
