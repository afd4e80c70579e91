"""On Facebook Messenger, a message with more buttons than its template holds (3) goes out as
quick replies, so the follow-ups and the "was this helpful?" vote are not dropped; every other
channel keeps its buttons."""

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer
from assistant.channel_buttons import MESSENGER_MAX_QUICK_REPLIES, message_parts
from tests.conftest import ROOT

BUTTONS = [{"title": f"Topic {n}", "payload": f"/topic_{n}"} for n in range(4)]


def test_widget_and_other_channels_keep_their_buttons():
    for channel in ("rest", "socketio", "telegram", "slack", None):
        assert message_parts(channel, "hi", BUTTONS) == {"text": "hi", "buttons": BUTTONS}


def test_messenger_keeps_up_to_three_buttons_and_turns_more_into_quick_replies():
    assert message_parts("facebook", "hi", BUTTONS[:3]) == {"text": "hi", "buttons": BUTTONS[:3]}
    long_title = {"title": "Osteoporosis medicines and AS", "payload": "/ask_osteoporosis_medicines"}
    parts = message_parts("facebook", "hi", BUTTONS + [long_title])
    assert "buttons" not in parts and parts["text"] == "hi"
    replies = parts["quick_replies"]
    assert [r["payload"] for r in replies] == [b["payload"] for b in BUTTONS + [long_title]]
    assert replies[-1]["title"] == "Osteoporosis medici…" and all(len(r["title"]) <= 20 for r in replies)
    many = [{"title": str(n), "payload": f"/{n}"} for n in range(20)]
    assert len(message_parts("facebook", "hi", many)["quick_replies"]) == MESSENGER_MAX_QUICK_REPLIES
    assert message_parts("facebook", "hi", []) == {"text": "hi"}


def test_an_answer_on_messenger_keeps_its_follow_ups_and_the_vote(kb):
    message = {
        "text": "what is bone marrow oedema?",
        "intent": {"name": "ask_bme_definition", "confidence": 0.9},
        "entities": [],
        "intent_ranking": [],
    }
    events = [{"event": "user", "text": message["text"], "input_channel": "facebook"}]
    tracker = Tracker("fb-user", {}, message, events, False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAnswer().run(dispatcher, tracker, {}))
    [sent] = dispatcher.messages
    payloads = [r["payload"] for r in sent["quick_replies"]]
    assert not sent["buttons"] and len(payloads) > 3
    assert any(p.startswith("/feedback{") for p in payloads)
    assert any(p == f"/{related}" for related in kb.topics["ask_bme_definition"].related for p in payloads)


def test_the_main_topic_responses_have_a_messenger_form_with_the_same_text_and_topics():
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(ROOT / "domain.yml")
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    tracker = DialogueStateTracker("t", domain.slots)
    for response in ("utter_greet", "utter_capabilities", "utter_out_of_scope"):
        web = asyncio.run(nlg.generate(response, tracker, "rest"))
        messenger = asyncio.run(nlg.generate(response, tracker, "facebook"))
        assert len(web["buttons"]) == 4 and not web.get("quick_replies")
        assert messenger["text"] == web["text"] and not messenger.get("buttons")
        assert messenger["quick_replies"] == web["buttons"]
