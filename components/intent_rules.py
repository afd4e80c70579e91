"""The one rules step of the NLU pipeline: assistant/rules/table.py's ordered rules.

After the topic classifier and the medication recogniser, before the fallback: an override
comes with full confidence (the fallback leaves it), and a ranking with an intent ruled out is
judged by the fallback as the classifier's own would be. The names of the rules that changed
something go out in the parse data (`intent_rules`), for the logs and `make test-nlu`.
"""

from typing import Any, Dict, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from assistant.red_flags import red_flag_detector
from assistant.rules import Parse, apply_rules
from components.base import INTENT_RANKING, RuleComponent, named_medicines

RULES_KEY = "intent_rules"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class IntentRules(RuleComponent):
    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        red_flag_detector()  # built with the model, not on a patient's first message

    def process_message(self, message: Message) -> None:
        ranking = message.get(INTENT_RANKING) or []
        top = message.get("intent") or {}
        if top.get("name") and (not ranking or ranking[0].get("name") != top.get("name")):
            ranking = [top] + [r for r in ranking if r.get("name") != top.get("name")]
        parse = apply_rules(Parse(message.get("text") or "", ranking, tuple(named_medicines(message))))
        message.set(RULES_KEY, list(parse.fired), add_to_output=True)
        if parse.entities:
            message.set("entities", (message.get("entities") or []) + list(parse.entities), add_to_output=True)
        if parse.ranking != ranking and parse.ranking:
            new_top = parse.ranking[0]
            if top.get("confidence") == 0.0 and new_top.get("confidence", 0.0) < 1.0:
                # No word of it was known ("flibber jabber"): ruling a guess out leaves a guess,
                # still at confidence 0, for the fallback.
                new_top = {**new_top, "confidence": 0.0}
            message.set("intent", new_top, add_to_output=True)
            message.set(INTENT_RANKING, parse.ranking, add_to_output=True)
