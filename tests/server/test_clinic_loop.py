"""Over REST against the real servers: talk to a person, "was this helpful?", the visit summary,
and the read-only history the widget restores from, also when the HTTP API needs a token."""

import pytest
import requests

from assistant.feedback import feedback_payload, rated_topic
from assistant.knowledge import knowledge_base
from tests.conftest import feedback_records

KB = knowledge_base()
# own_servers: a clinic configured by environment variables alone; the HTTP API needs a token.
CONFIGURED = {
    "CLINIC_NAME": "Riverside Rheumatology Clinic",
    "CLINIC_PHONE": "01632 960 000",
    "CLINIC_OPENING_HOURS": "Monday to Friday, 8am to 6pm",
    "CLINIC_MESSAGE_LINK": "https://portal.example.org/messages",
    "CLINIC_OUT_OF_HOURS": "call NHS 111",
}
OWN_SERVERS = {"env": CONFIGURED}


def texts(messages):
    return [m.get("text", "") for m in messages]


def votes_of(message):
    return [b for b in message.get("buttons", []) if rated_topic(b["payload"])]


# ------------------------------------------------------------------ talk to a person


def test_an_unconfigured_clinic_gets_the_generic_line(servers, new_sender):
    reply = "\n".join(texts(servers.say(new_sender("clinic"), "Can I speak to a real person please?")))
    assert KB.frame["contact_unconfigured"] in reply
    assert "helpline" in reply and "GP" in reply and KB.frame["contact_emergency"] in reply


@pytest.mark.parametrize(
    "question",
    ["can I talk to a nurse?", "I'd like to speak to someone at the clinic", "what's the clinic's phone number"],
)
def test_environment_variables_configure_the_clinic(own_servers, question, new_sender):
    reply = "\n".join(texts(own_servers.say(new_sender("clinic"), question)))
    for value in CONFIGURED.values():
        assert value in reply
    assert KB.frame["contact_unconfigured"] not in reply


def test_are_you_a_bot_stays_an_honest_answer(servers, new_sender):
    assert "not a doctor" in "\n".join(texts(servers.say(new_sender("clinic"), "are you a bot?")))


def test_a_red_flag_keeps_its_own_advice_even_when_asking_for_a_nurse(own_servers, new_sender):
    text = "I need to speak to a nurse, I have crushing chest pain"
    reply = "\n".join(texts(own_servers.say(new_sender("clinic"), text)))
    assert KB.red_flags["chest_breathing"].advice in reply
    assert CONFIGURED["CLINIC_PHONE"] not in reply


def test_two_did_you_means_in_a_row_offer_the_contact_once(own_servers, new_sender):
    sender = new_sender("clinic")
    own_servers.say(sender, "blorp zzkx qqq")
    second = texts(own_servers.say(sender, "flibber jabber wokka"))
    assert second[0] == KB.frame["rephrase"]
    assert second[1].startswith(KB.frame["contact_offer"]) and CONFIGURED["CLINIC_PHONE"] in second[1]
    third = texts(own_servers.say(sender, "snorp glavin trizz"))
    assert CONFIGURED["CLINIC_PHONE"] not in "\n".join(third)  # once
    # And the conversation carries on as before.
    answer = "\n".join(texts(own_servers.say(sender, "what is bone marrow edema?")))
    assert KB.topics["ask_bme_definition"].answer in answer


def test_contact_in_the_checklist_then_the_question_again(servers, new_sender):
    sender = new_sender("clinic")
    first = KB.checklist.factors[0].question
    assert texts(servers.say(sender, "can you go through the bone health checklist with me?"))[-1] == first
    reply = texts(servers.say(sender, "can I talk to a nurse?"))
    assert KB.frame["contact_unconfigured"] in reply[0] and reply[-1] == first
    assert texts(servers.say(sender, "yes"))[-1] == KB.checklist.factors[1].question


# ------------------------------------------------------------------ was this helpful?


def test_every_answer_has_vote_buttons_for_its_topic(servers, new_sender):
    answer = servers.say(new_sender("clinic"), "what is bone marrow edema?")[-1]
    assert [rated_topic(b["payload"]) for b in votes_of(answer)] == ["ask_bme_definition"] * 2
    assert [b["title"] for b in votes_of(answer)] == [KB.frame["feedback_helpful"], KB.frame["feedback_not_helpful"]]
    medicine = servers.say(new_sender("clinic"), "tell me about Enbrel")[-1]
    assert votes_of(medicine)
    red_flag = servers.say(new_sender("clinic"), "I suddenly have a painful red eye")[-1]
    assert not votes_of(red_flag)  # urgent advice is not up for a vote


def test_a_vote_is_stored_thanked_and_changes_nothing(servers, new_sender):
    sender = new_sender("clinic")
    servers.say(sender, "what is bone marrow edema?")
    servers.say(sender, "tell me about Enbrel")
    # A vote on the older answer counts for that answer's topic.
    assert texts(servers.say(sender, feedback_payload("ask_bme_definition", False))) == [KB.frame["feedback_thanks"]]
    assert texts(servers.say(sender, feedback_payload("ask_bme_definition", comment="what it looks like on MRI"))) == [
        KB.frame["feedback_comment_thanks"]
    ]
    assert feedback_records(servers, sender) == [
        {"topic": "ask_bme_definition", "helpful": False},
        {"topic": "ask_bme_definition", "comment": "what it looks like on MRI"},
    ]
    # The flow is as before the vote: "its" is still Enbrel, the last medicine named.
    assert "Etanercept" in "\n".join(texts(servers.say(sender, "what are its side effects?")))


def test_a_vote_in_the_checklist_does_not_repeat_or_skip_its_question(servers, new_sender):
    sender = new_sender("clinic")
    servers.say(sender, "what is bone marrow edema?")
    servers.say(sender, "can you go through the bone health checklist with me?")
    assert texts(servers.say(sender, feedback_payload("ask_bme_definition", True))) == [KB.frame["feedback_thanks"]]
    assert texts(servers.say(sender, "no"))[-1] == KB.checklist.factors[1].question


def test_a_forged_vote_is_not_recorded(servers, new_sender):
    sender = new_sender("clinic")
    reply = texts(servers.say(sender, '/feedback{"topic": "ask_weather", "helpful": true}'))
    assert reply[-1] == KB.frame["feedback_how_to"]  # after the new conversation's notice
    assert feedback_records(servers, sender) == []


# ------------------------------------------------------------------ the visit summary


def test_the_summary_holds_what_this_conversation_covered(servers, new_sender):
    sender = new_sender("clinic")
    servers.say(sender, "what is bone marrow edema?")
    servers.say(sender, "I take Humira")
    servers.say(sender, "can you go through the bone health checklist with me?")
    for answer in ["yes"] + ["no"] * (len(KB.checklist.factors) - 1):
        servers.say(sender, answer)
    summary = texts(servers.say(sender, "make a summary for my appointment"))
    assert len(summary) == 1
    text = summary[0]
    assert text.startswith(KB.frame["summary_title"])
    assert KB.topics["ask_bme_definition"].title in text
    assert KB.medications["adalimumab"].display_name in text
    assert KB.checklist.factors[0].label in text and KB.checklist.factors[1].label not in text
    assert KB.appointment.topics["ask_bme_definition"] in text
    assert text.endswith("This is general information, not medical advice.")


def test_the_summary_uses_caregiver_words_and_nothing_from_other_conversations(servers, new_sender):
    sender = new_sender("clinic")
    servers.say(sender, "my son has AS, what is a flare?")
    text = "\n".join(texts(servers.say(sender, "can you make a summary for his appointment")))
    assert text.startswith("Summary for your son's appointment") and KB.topics["ask_flare"].title in text
    fresh = "\n".join(texts(servers.say(new_sender("clinic"), "make a summary for my appointment")))
    assert KB.frame["summary_no_topics"] in fresh and KB.topics["ask_flare"].title not in fresh


# ------------------------------------------------------------------ history for the widget


def test_history_needs_no_api_token_and_holds_only_texts_and_buttons(own_servers, new_sender):
    sender = new_sender("web")
    answer = own_servers.say(sender, "what is bone marrow edema?")[-1]
    related = [b for b in answer["buttons"] if not rated_topic(b["payload"])][0]
    own_servers.say(sender, feedback_payload("ask_bme_definition", True))
    own_servers.say(sender, related["payload"])
    # The HTTP API wants its token ...
    assert requests.get(f"{own_servers.url}/conversations/{sender}/tracker", timeout=30).status_code == 401
    # ... the widget's history does not.
    r = requests.post(f"{own_servers.url}/webhooks/rest/history", json={"sender": sender}, timeout=30)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    messages = r.json()["messages"]
    assert {k for m in messages for k in m} <= {"from", "text", "buttons", "vote"}
    users = [m["text"] for m in messages if m["from"] == "user"]
    assert users == ["what is bone marrow edema?", related["title"]]  # no vote; a button's title, not its payload
    answer = next(m for m in messages if KB.topics["ask_bme_definition"].answer in m["text"])
    assert answer["vote"] == "helpful" and votes_of(answer)
    assert KB.frame["feedback_thanks"] not in [m["text"] for m in messages]
    assert "not medical advice" in messages[0]["text"]


def test_history_is_only_for_the_widgets_random_ids(servers, new_sender):
    unknown = requests.post(f"{servers.url}/webhooks/rest/history", json={"sender": new_sender("web")}, timeout=30)
    assert unknown.status_code == 200 and unknown.json() == {"messages": []}
    sender = new_sender("me")
    servers.say(sender, "hello")
    # The tests' servers take any id from loopback (ALLOW_TEST_SENDER_IDS): through a proxy
    # (a forwarding header) only the widget's ids are served.
    guessable = requests.post(
        f"{servers.url}/webhooks/rest/history",
        json={"sender": sender},
        headers={"X-Forwarded-For": "203.0.113.9"},
        timeout=30,
    )
    assert guessable.status_code == 400 and "hello" not in guessable.text
