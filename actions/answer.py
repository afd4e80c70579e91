from typing import Any, Dict, List, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import send_red_flag_if_reported
from actions.tracker_reading import latest_entity, latest_entity_values, latest_intent, latest_text, send_reply
from assistant.answers import answering_intent, button, educational_reply
from assistant.appointment import in_sentence
from assistant.caregiver import care_recipient, speaks_of_self
from assistant.compound import offered_topic
from assistant.feedback import feedback_buttons
from assistant.follow_up import names_only, resolve_follow_up
from assistant.knowledge import knowledge_base


def named_spans(tracker: Tracker) -> List[Tuple[int, int]]:
    """Where the latest message names a medicine or a class of them."""
    return [
        (e["start"], e["end"])
        for e in tracker.latest_message.get("entities") or []
        if e.get("entity") in ("medication", "drug_class") and e.get("start") is not None
    ]


def answer_turn(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict]:
    """Answer the latest educational question; return the slot events that remember it.

    Used by the answer action and by the checklist, which answers questions mid-form.
    """
    if send_red_flag_if_reported(dispatcher, tracker):  # a medicine named earlier makes it urgent
        return []
    kb = knowledge_base()
    text = latest_text(tracker)
    discussed = list(tracker.get_slot("topics_discussed") or [])
    intent = resolve_follow_up(latest_intent(tracker), text, tracker.get_slot("last_topic"), named_spans(tracker))
    if intent not in kb.topics:  # a rule sent an intent with no entry: say what we cover
        dispatcher.utter_message(response="utter_capabilities")
        return []
    drug_class = latest_entity(tracker, "drug_class")
    named = latest_entity_values(tracker, "medication")
    # What was asked, as classified (or re-read in context), and the topic that answers it: a
    # class topic about one named medicine is answered as that medicine's topic.
    asked_topic = intent
    intent = answering_intent(kb, asked_topic, named, drug_class is not None)
    medication = latest_entity(tracker, "medication") or tracker.get_slot("medication")
    # A carer who now asks about themselves is answered about themselves.
    about_self = speaks_of_self(text)
    person = care_recipient(text) or (None if about_self else tracker.get_slot("care_recipient"))
    asked = latest_entity_values(tracker, "red_flag_asked")
    reply = educational_reply(kb, intent, text, medication, drug_class, person, asked, named)
    # Offers are judged against the topic as classified: its runner-ups and the message's other
    # questions were ranked against that one. The topic that answered is never offered again.
    second, frame = offered_topic(
        text,
        tracker.latest_message.get("intent_ranking") or [],
        asked_topic,
        set(kb.topics) - {intent},
        tracker.latest_message.get("questions") or [],
        read_in_context=asked_topic != latest_intent(tracker),
    )
    if second:
        reply.text += "\n\n" + kb.frame[frame].format(title=in_sentence(kb.topics[second].title))
        offered = button(kb.topics[second].title, second)
        # Once, and first: a button the reply has already for that topic (a medicine's own
        # "More about ..." view, for example) is moved to the front instead of repeated.
        same = [b for b in reply.buttons if b["payload"] == offered["payload"]]
        reply.buttons = same[:1] + [b for b in reply.buttons if b["payload"] != offered["payload"]]
        if not same:
            reply.buttons.insert(0, offered)
    reply.buttons += feedback_buttons(kb, intent)  # "was this helpful?", naming the topic it rates
    send_reply(dispatcher, tracker, reply)
    events = [SlotSet("last_topic", intent)]
    if intent not in discussed:
        events.append(SlotSet("topics_discussed", discussed + [intent]))
    if person:
        events.append(SlotSet("care_recipient", person))
    elif about_self and tracker.get_slot("care_recipient"):
        events.append(SlotSet("care_recipient", None))
    if medication:
        events.append(SlotSet("medication", medication))
    return events


class ActionAnswer(Action):
    """The one answer path for every educational and safety intent."""

    def name(self) -> Text:
        return "action_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        return answer_turn(dispatcher, tracker)


class ActionOutOfScope(Action):
    """Outside what we cover, unless it is a short follow-up naming only another person or
    medicine ("what about my daughter?"): then the previous question, about them."""

    def name(self) -> Text:
        return "action_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        if tracker.get_slot("last_topic") and names_only(latest_text(tracker), named_spans(tracker)):
            return answer_turn(dispatcher, tracker)
        dispatcher.utter_message(response="utter_out_of_scope")
        return []
