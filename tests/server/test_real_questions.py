"""Long, story-like and two-question messages, the way patients and carers really write."""

import pytest

from assistant.knowledge import knowledge_base

KB = knowledge_base()

STORIES = [
    (
        "ask_as_cause",
        "My son is 22 and was diagnosed with AS last month after two years of back pain. His "
        "grandfather had a bent spine too and the doctor mentioned a gene called HLA-B27. He has a younger sister "
        "and we are worried about her. Is AS passed down in families, and should the rest of us get tested?",
    ),
    (
        "ask_bme_definition",
        "I have had AS for about ten years and my back has been worse at night lately. "
        "My rheumatologist ordered an MRI and the report mentions active inflammation in both SI joints and some "
        "changes in the bone. I am on naproxen and was told about biologics. What actually is bone marrow oedema?",
    ),
    (
        "ask_pregnancy",
        "My partner and I have been together for five years and we would love to have a baby next "
        "year. I was diagnosed with AS at 24 and I take Cimzia injections and naproxen when it flares. My pain is "
        "mostly under control now. Can someone with AS have a healthy pregnancy?",
    ),
    (
        "ask_nsaids_not_working",
        "I have been taking naproxen for six months and then my doctor switched me to "
        "etoricoxib for another three months. My mornings are still awful, I am stiff for two hours and my CRP "
        "was high at the last test. I feel like nothing is working. What comes next when anti-inflammatories "
        "don't help?",
    ),
]


@pytest.mark.parametrize("intent, text", STORIES)
def test_story_is_answered_by_its_question(servers, intent, text, new_sender):
    assert 40 <= len(text.split()) <= 120
    reply = servers.text(new_sender("story"), text)
    assert KB.topics[intent].answer in reply or KB.topics[intent].caregiver_answer in reply


def test_two_questions_answer_one_and_offer_the_other(servers, new_sender):
    messages = servers.say(new_sender("two"), "What is bone marrow edema? And how is it treated?")
    asked = {"ask_bme_definition", "ask_bme_treatment"}
    answered = {t for t in asked if KB.topics[t].answer in messages[-1]["text"]}
    offered = messages[-1]["buttons"][0]["payload"].lstrip("/")
    assert len(answered) == 1 and {offered} == asked - answered


def test_caregiver_story_is_answered_about_them(servers, new_sender):
    text = "my wife has AS and her heels hurt badly every morning, is the heel pain part of her AS?"
    reply = servers.text(new_sender("carer"), text)
    assert "your wife" in reply
    assert KB.topics["ask_symptom_link"].caregiver_answer in reply


def test_a_general_question_about_an_urgent_symptom_is_answered_not_escalated(servers, new_sender):
    text = "can ankylosing spondylitis cause chest pain when you breathe in deeply?"
    reply = servers.text(new_sender("asking"), text)
    assert KB.frame["red_flag_intro"] not in reply
    action = KB.red_flags["chest_breathing"].action.strip()
    assert KB.frame["red_flag_asked"].format(action=action) in reply
    assert "Source:" in reply


def test_a_report_put_as_a_question_gets_the_red_flag_reply(servers, new_sender):
    messages = servers.say(new_sender("report"), "my eye went red and painful this morning, is that my AS?")
    assert any(KB.frame["red_flag_intro"] in m.get("text", "") for m in messages)
    assert messages[-1]["text"].rstrip().endswith(KB.red_flags["eye_emergency"].action.strip())


def test_stopping_the_disease_is_a_question_not_conversation_control(servers, new_sender):
    reply = servers.text(new_sender("fusion"), "is there a way to stop the fusion?")
    assert "Source:" in reply


def test_an_exact_medicine_name_is_that_medicine(servers, new_sender):
    reply = servers.text(new_sender("bime"), "what is bimekizumab")
    assert "Bimzelx" in reply and "Taltz" not in reply
