from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from assistant import intents
from assistant.language import looks_non_english, shows_other_language
from components.base import RuleComponent, override_intent


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LanguageGuard(RuleComponent):
    """Sets `non_english` for messages clearly in another language, so the reply is honest."""

    def process_message(self, message: Message) -> None:
        text = message.get("text")
        if looks_non_english(text):
            override_intent(message, intents.NON_ENGLISH)
        elif (message.get("intent") or {}).get("name") == intents.NON_ENGLISH and not shows_other_language(text):
            # The classifier saw only unfamiliar letters ("blorp zzkx", a bad typo): telling an
            # English speaker we only understand English would be wrong, so ask to rephrase.
            override_intent(message, intents.NLU_FALLBACK)
