from typing import Any, Dict, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.training_data.message import Message

from assistant.medications import medication_finder
from components.base import RuleComponent


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class MedicationRecognizer(RuleComponent, EntityExtractorMixin):
    """Sets `medication` (generic name) and `drug_class` entities from the catalog's names."""

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self.finder = medication_finder()

    def process_message(self, message: Message) -> None:
        found = [
            {
                "entity": m.entity,
                "value": m.value,
                "start": m.start,
                "end": m.end,
                "confidence": 1.0,
                "extractor": self.__class__.__name__,
            }
            for m in self.finder.find(message.get("text"))
        ]
        if found:
            message.set("entities", message.get("entities", []) + found, add_to_output=True)
