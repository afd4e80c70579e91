import functools
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_reading import latest_entity_values, latest_text, send_reply
from assistant.answers import red_flag_reply
from assistant.knowledge import knowledge_base
from assistant.red_flags import RedFlagDetector


@functools.lru_cache(maxsize=None)
def _detector() -> RedFlagDetector:
    """Built once: compiling the patterns takes about half a second."""
    return RedFlagDetector(knowledge_base())


class ActionRedFlag(Action):
    """Urgent, specific advice for the red flags in the message; it never educates instead."""

    def name(self) -> Text:
        return "action_red_flag"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        kb = knowledge_base()
        flags = latest_entity_values(tracker, "red_flag")
        if not flags:  # flagged by the classifier alone: look again with the rules
            flags = _detector().find(latest_text(tracker))
        send_reply(dispatcher, tracker, red_flag_reply(kb, flags))
        return []
