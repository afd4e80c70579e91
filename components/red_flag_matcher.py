from typing import Any, Dict, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from assistant import intents
from assistant.knowledge import knowledge_base
from assistant.red_flags import RedFlagDetector
from components.base import INTENT_RANKING, RuleComponent, override_intent

RED_FLAG_INTENT = intents.REPORT_RED_FLAG


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagMatcher(RuleComponent):
    """Fixed red-flag rules override the classifier: an emergency is never left to a model.

    It runs last in the pipeline, after the FallbackClassifier, so a red flag wins even when
    the classifier was unsure. The flags found go out as `red_flag` entities.

    Asking is not reporting: a general question about an urgent symptom ("can AS cause chest
    pain?") keeps its educational intent, and the flags it touches go out as
    `red_flag_asked` entities, so the answer adds what to do if it is happening now.
    """

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self.detector = RedFlagDetector(knowledge_base())

    def process_message(self, message: Message) -> None:
        text = message.get("text")
        touched = self.detector.find(text)
        if not touched:
            return
        urgent = self.detector.urgent(text)
        if urgent:
            override_intent(message, RED_FLAG_INTENT)
        elif (message.get("intent") or {}).get("name") == RED_FLAG_INTENT:
            # The classifier heard an emergency in a general question: the rules know better.
            ranking = [r for r in message.get(INTENT_RANKING) or [] if r.get("name") != RED_FLAG_INTENT]
            if ranking:
                override_intent(message, ranking[0]["name"])
        entities = [{"entity": "red_flag" if f in urgent else "red_flag_asked", "value": f,
                     "confidence": 1.0, "extractor": self.__class__.__name__} for f in touched]
        message.set("entities", message.get("entities", []) + entities, add_to_output=True)
