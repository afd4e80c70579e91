from typing import Any, Dict, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from assistant.knowledge import knowledge_base
from assistant.red_flags import RedFlagDetector
from components.base import RuleComponent, override_intent

RED_FLAG_INTENT = "report_red_flag"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagMatcher(RuleComponent):
    """Fixed red-flag rules override the classifier: an emergency is never left to a model.

    It runs last in the pipeline, after the FallbackClassifier, so a red flag wins even when
    the classifier was unsure. The flags found go out as `red_flag` entities.
    """

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self.detector = RedFlagDetector(knowledge_base())

    def process_message(self, message: Message) -> None:
        flags = self.detector.find(message.get("text"))
        if not flags:
            return
        override_intent(message, RED_FLAG_INTENT)
        entities = [{"entity": "red_flag", "value": f, "confidence": 1.0,
                     "extractor": self.__class__.__name__} for f in flags]
        message.set("entities", message.get("entities", []) + entities, add_to_output=True)
