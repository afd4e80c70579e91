from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_reading import latest_entity_values, latest_text, send_reply
from assistant.answers import red_flag_reply
from assistant.knowledge import knowledge_base
from assistant.red_flags import medicines_named, red_flag_detector


def red_flags_with_history(tracker: Tracker) -> List[str]:
    """The red flags the latest message reports, counting the medicines named earlier.

    The NLU reads one message; "I'm on Cimzia", then "I've got a fever of 39", is a fever on a
    biologic only with the conversation in view.
    """
    return red_flag_detector().urgent(latest_text(tracker), medicines_named(tracker.events))


def send_red_flag_if_reported(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Urgent advice instead of the planned reply when the conversation makes the latest
    message a red flag; True when it did."""
    flags = red_flags_with_history(tracker)
    if flags:
        send_reply(dispatcher, tracker, red_flag_reply(knowledge_base(), flags))
    return bool(flags)


class ActionRedFlag(Action):
    """Urgent, specific advice for the red flags in the message; it never educates instead."""

    def name(self) -> Text:
        return "action_red_flag"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        kb = knowledge_base()
        flags = latest_entity_values(tracker, "red_flag")
        if not flags:  # flagged by the classifier alone: look again with the rules and the history
            flags = red_flag_detector().find(latest_text(tracker), medicines_named(tracker.events))
        send_reply(dispatcher, tracker, red_flag_reply(kb, flags))
        return []
