"""Issue 16 over HTTP: each new topic is answered with its source and the rheumatologist
pointer, and the boundaries hold end to end (tapering, this week's injection, an alcohol
amount, thoughts of self-harm in a question about mood)."""

import re

import pytest

from assistant.knowledge import knowledge_base

KB = knowledge_base()

QUESTIONS = {
    "ask_alcohol": "can I have a beer or two if I'm taking methotrexate?",
    "ask_biosimilars": "my hospital says my next pen will be a biosimilar, what is that?",
    "ask_biologic_not_working": "what happens if Cosentyx stops working for me?",
    "ask_tapering": "Could I come off my biologic now that I'm well?",
    "ask_osteoporosis_medicines": "what medicines are there for osteoporosis when you have AS?",
    "ask_fatigue_sleep": "why am I exhausted all the time with AS?",
    "ask_mental_health": "AS is really getting me down lately, where can I find support?",
    "ask_work_daily_life": "what kind of mattress and pillow are best for AS?",
    "ask_smoking": "does smoking make ankylosing spondylitis worse?",
    "ask_cost_access": "how do people pay for biologics like Humira?",
}


@pytest.mark.parametrize("intent", sorted(QUESTIONS))
def test_new_topic_is_answered_with_its_source_and_the_rheumatologist(servers, intent, new_sender):
    reply = servers.text(new_sender("living-well"), QUESTIONS[intent])
    assert KB.topics[intent].answer in reply, reply
    assert "\n\nSource: " in reply and "rheumatologist" in reply


def test_skipping_this_weeks_injection_gets_the_stop_medication_reply(servers, new_sender):
    reply = servers.text(new_sender("living-well"), "Should I skip this week's injection?")
    assert KB.topics["ask_stop_medication"].answer in reply, reply


def test_alcohol_amount_gets_the_alcohol_answer_without_a_number(servers, new_sender):
    messages = servers.say(new_sender("living-well"), "is 4 pints OK on methotrexate")
    answer = next(m["text"] for m in messages if KB.topics["ask_alcohol"].answer in m.get("text", ""))
    assert not re.search(r"\d", answer), answer
    assert "agree a limit with your team" in answer


def test_thoughts_of_self_harm_in_a_mood_question_are_a_red_flag(servers, new_sender):
    text = "I'm so low with my AS that I keep thinking about ending it all, who can help?"
    reply = servers.text(new_sender("living-well"), text)
    assert KB.red_flags["self_harm"].advice in reply, reply
    assert KB.topics["ask_mental_health"].answer not in reply
