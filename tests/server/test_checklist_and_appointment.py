"""The bone-health checklist and appointment questions, as a person goes through them."""

from assistant.knowledge import knowledge_base

KB = knowledge_base()
FACTORS = KB.checklist.factors


def start(servers, sender, text="can you go through the bone health checklist with me?"):
    messages = servers.say(sender, text)
    assert messages[-1]["text"] == FACTORS[0].question
    assert [b["title"] for b in messages[-1]["buttons"]] == ["Yes", "No", "Not sure"]
    return messages


def answer_all(servers, sender, payload):
    last = None
    for _ in FACTORS:
        last = servers.say(sender, payload)
    return "\n".join(m.get("text", "") for m in last)


def test_all_yes_lists_every_factor_and_the_scan_question(servers, new_sender):
    sender = new_sender("check")
    start(servers, sender)
    summary = answer_all(servers, sender, "/affirm")
    assert all(f.why in summary for f in FACTORS)
    assert KB.checklist.texts["scan_question"] in summary
    assert KB.checklist.texts["no_score"] in summary


def test_all_no_says_nothing_applied(servers, new_sender):
    sender = new_sender("check")
    start(servers, sender)
    summary = answer_all(servers, sender, "no")
    assert KB.checklist.texts["summary_none"] in summary
    assert not any(f.why in summary for f in FACTORS)


def test_question_mid_checklist_is_answered_then_the_checklist_resumes(servers, new_sender):
    sender = new_sender("check")
    start(servers, sender)
    servers.say(sender, "yes")
    messages = servers.say(sender, "wait, what is bone marrow edema?")
    texts = [m.get("text", "") for m in messages]
    assert KB.topics["ask_bme_definition"].answer in texts[0]
    assert texts[-1] == FACTORS[1].question


def test_stop_leaves_the_checklist(servers, new_sender):
    sender = new_sender("check")
    start(servers, sender)
    assert servers.text(sender, "stop") == KB.checklist.texts["stopped"]
    reply = servers.text(sender, "what is bone marrow edema?")
    assert KB.topics["ask_bme_definition"].answer in reply


def test_red_flag_mid_checklist_is_handled_first(servers, new_sender):
    sender = new_sender("check")
    start(servers, sender)
    reply = servers.text(sender, "I just fell down the stairs and now my neck really hurts")
    assert KB.red_flags["fall_spine_injury"].advice in reply
    assert FACTORS[1].question not in reply


def test_unclear_answer_is_asked_again_with_help_then_taken_as_not_sure(servers, new_sender):
    sender = new_sender("check")
    start(servers, sender)
    first = [m["text"] for m in servers.say(sender, "the weather is lovely today")]
    assert first == [KB.checklist.texts["unclear_help"], FACTORS[0].question]
    second = [m["text"] for m in servers.say(sender, "my cat likes fish")]
    assert second[-1] == FACTORS[1].question


def test_caregiver_gets_questions_about_them(servers, new_sender):
    sender = new_sender("check")
    messages = servers.say(sender, "my husband has AS, can we do the osteoporosis risk checklist for him")
    assert messages[-1]["text"] == FACTORS[0].caregiver_question


def test_appointment_list_after_bme_and_humira(servers, new_sender):
    sender = new_sender("check")
    servers.say(sender, "what is bone marrow edema?")
    servers.say(sender, "what is Humira?")
    text = servers.text(sender, "help me prepare for my appointment")
    assert KB.appointment.topics["ask_bme_definition"] in text
    assert "Humira" in text and "adalimumab" in text
    assert all(q in text for q in KB.appointment.general)


def test_goodbye_offers_the_appointment_list(servers, new_sender):
    messages = servers.say(new_sender("check"), "thanks, bye")
    assert any(b["payload"] == "/prepare_appointment" for m in messages for b in m.get("buttons", []))
