from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from assistant.red_flags import red_flag_detector
from actions.tracker_reading import send_reply
from assistant.answers import red_flag_reply
from assistant.feedback import FEEDBACK_REPLY, FEEDBACK_SLOT, read_feedback
from assistant.knowledge import knowledge_base


class ActionRecordFeedback(Action):
    """Records a vote or comment on an answer and thanks the person; nothing else changes.

    The thank-you is the action's last message and is marked, so the widget can show it beside
    the thumbs and leave it out of the history. A comment that describes a red flag still gets
    the urgent advice first.
    """

    def name(self) -> Text:
        return "action_record_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        kb = knowledge_base()
        feedback = read_feedback(tracker.latest_message.get("entities") or [], kb.topics)
        if feedback is None:  # typed ("can I leave feedback?"), or a payload naming no answer
            dispatcher.utter_message(text=kb.frame["feedback_how_to"])
            return []
        flags = red_flag_detector().find(feedback.comment) if feedback.comment else []
        if flags:
            send_reply(dispatcher, tracker, red_flag_reply(kb, flags))
        thanks = kb.frame["feedback_comment_thanks" if feedback.comment else "feedback_thanks"]
        dispatcher.utter_message(text=thanks, **{FEEDBACK_REPLY: True})
        return [SlotSet(FEEDBACK_SLOT, feedback.record())]
