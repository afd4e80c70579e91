"""The clinic in the loop, as plain functions and actions: contact details, votes, the visit
summary, and the history the widget reads back."""

import asyncio
import shutil

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.checklist import ASK_ACTIONS
from actions.clinic_contact import ActionClinicContact
from actions.fallback import ActionDidYouMean
from actions.feedback import ActionRecordFeedback
from actions.visit_summary import ActionVisitSummary
from assistant.clinic import Clinic, contact_text, load_clinic
from assistant.feedback import (
    FEEDBACK_REPLY,
    FEEDBACK_SLOT,
    feedback_buttons,
    feedback_by_topic,
    feedback_payload,
    read_feedback,
    rated_topic,
)
from assistant.history import conversation_history
from assistant.knowledge import DEFAULT_KNOWLEDGE_DIR, KnowledgeBaseError
from assistant.visit_summary import visit_summary

CONFIGURED = {
    "CLINIC_NAME": "Riverside Rheumatology Clinic",
    "CLINIC_PHONE": "01632 960 000",
    "CLINIC_OPENING_HOURS": "Monday to Friday, 8am to 6pm",
    "CLINIC_MESSAGE_LINK": "https://portal.example.org/messages",
    "CLINIC_OUT_OF_HOURS": "call NHS 111",
}
# Every sentence these features say, so a missing one fails here and not in front of a patient.
SENTENCES = [
    "contact_intro",
    "contact_default_name",
    "contact_phone",
    "contact_opening_hours",
    "contact_message_link",
    "contact_out_of_hours",
    "contact_unconfigured",
    "contact_emergency",
    "contact_offer",
    "feedback_helpful",
    "feedback_not_helpful",
    "feedback_thanks",
    "feedback_comment_thanks",
    "feedback_how_to",
    "summary_title",
    "summary_title_caregiver",
    "summary_topics",
    "summary_no_topics",
    "summary_medicines",
    "summary_checklist",
    "summary_checklist_none",
    "summary_checklist_not_sure",
    "summary_questions",
    "summary_disclaimer",
]


def make_tracker(text, intent, entities=(), slots=None, events=(), ranking=None):
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": list(entities),
        "intent_ranking": ranking or [{"name": intent, "confidence": 1.0}],
    }
    return Tracker("test-user", slots or {}, message, list(events), False, None, {}, "action_listen")


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def test_every_sentence_is_in_the_answer_frame(kb):
    assert [s for s in SENTENCES if s not in kb.frame] == []
    assert kb.frame["summary_disclaimer"] == "This is general information, not medical advice."


# ------------------------------------------------------------------ the clinic


def test_the_shipped_clinic_is_unconfigured_and_gets_the_generic_line(kb):
    clinic = load_clinic(environ={})
    assert clinic == Clinic() and not clinic.is_configured
    text = contact_text(kb, clinic)
    assert text.startswith(kb.frame["contact_unconfigured"])
    assert "helpline" in text and "GP" in text and text.endswith(kb.frame["contact_emergency"])


def test_environment_overrides_every_value(kb):
    clinic = load_clinic(environ=CONFIGURED)
    text = contact_text(kb, clinic)
    for value in CONFIGURED.values():
        assert value in text
    assert kb.frame["contact_unconfigured"] not in text
    assert text.endswith(kb.frame["contact_emergency"]) and "\n\n" not in text  # one message


def test_a_caregiver_is_told_how_to_reach_a_person_about_their_relatives_care(kb):
    configured = contact_text(kb, load_clinic(environ=CONFIGURED), "your son")
    assert configured.startswith("To talk to a person about your son's care, contact ")
    assert all(value in configured for value in CONFIGURED.values())
    generic = contact_text(kb, load_clinic(environ={}), "your mum")
    assert generic.startswith("To talk to a person about your mum's care, call their rheumatology team")
    assert generic.endswith(kb.frame["contact_emergency"])


def clinic_file(tmp_path, body):
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, tmp_path / "knowledge")
    (tmp_path / "knowledge" / "clinic.yml").write_text(body)
    return tmp_path / "knowledge"


def test_the_file_is_read_and_the_environment_wins(tmp_path):
    directory = clinic_file(tmp_path, 'clinic:\n  name: "Hill Clinic"\n  phone: "0100"\n')
    assert load_clinic(directory, environ={}) == Clinic(name="Hill Clinic", phone="0100")
    assert load_clinic(directory, environ={"CLINIC_PHONE": "0200"}).phone == "0200"


@pytest.mark.parametrize(
    "body, problem",
    [
        ('clinic:\n  phone_number: "0100"\n', "unknown fields"),
        ("clinic:\n  phone: 0100\n", "must be text"),
        ('clinic:\n  message_link: "portal.example.org"\n', "https://"),
        ('clinic:\n  name: "' + "x" * 201 + '"\n', "one line"),
    ],
)
def test_a_bad_clinic_file_names_the_field(tmp_path, body, problem):
    with pytest.raises(KnowledgeBaseError) as error:
        load_clinic(clinic_file(tmp_path, body), environ={})
    assert problem in str(error.value) and "clinic.yml" in str(error.value)


def test_a_bad_environment_value_names_the_variable(tmp_path):
    with pytest.raises(KnowledgeBaseError, match="CLINIC_MESSAGE_LINK"):
        load_clinic(environ={"CLINIC_MESSAGE_LINK": "javascript:alert(1)"})


def test_a_bad_clinic_value_stops_the_action_server_at_start(monkeypatch):
    from assistant.knowledge import knowledge_base
    from rasa_extensions.action_server import check_knowledge

    monkeypatch.setenv("CLINIC_MESSAGE_LINK", "portal.example.org")
    knowledge_base.cache_clear()
    try:
        with pytest.raises(SystemExit, match="cannot start.*CLINIC_MESSAGE_LINK"):
            check_knowledge()
    finally:
        knowledge_base.cache_clear()


def test_contact_action_remembers_the_details_were_given(kb):
    messages, events = run(ActionClinicContact(), make_tracker("can I talk to a nurse", "ask_contact_clinic"))
    assert kb.frame["contact_emergency"] in messages[0]["text"]
    assert {"event": "slot", "name": "clinic_contact_offered", "value": True, "timestamp": None} in events


def test_the_second_did_you_mean_in_a_row_offers_contact_once(kb):
    ranking = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "ask_bme_cause", "confidence": 0.3}]
    once = [{"event": "action", "name": "action_did_you_mean"}, {"event": "action", "name": "action_listen"}]
    first, _ = run(ActionDidYouMean(), make_tracker("bone thing?", "nlu_fallback", ranking=ranking))
    assert len(first) == 1 and first[0]["buttons"]
    second, events = run(ActionDidYouMean(), make_tracker("hmm", "nlu_fallback", ranking=ranking, events=once))
    assert [m["text"] for m in second][0] == kb.frame["rephrase"]
    offer = second[1]["text"]
    assert offer.startswith(kb.frame["contact_offer"]) and kb.frame["contact_unconfigured"] in offer
    # The slot is set after the revert, which would otherwise undo it.
    assert [e["event"] for e in events] == ["rewind", "slot"]
    third, _ = run(
        ActionDidYouMean(),
        make_tracker("hmm", "nlu_fallback", ranking=ranking, events=once * 2, slots={"clinic_contact_offered": True}),
    )
    assert [m["text"] for m in third] == [kb.frame["rephrase"]]


def test_a_vote_between_two_did_you_means_does_not_break_the_row(kb):
    ranking = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "ask_bme_cause", "confidence": 0.3}]
    events = [
        {"event": "action", "name": "action_did_you_mean"},
        {"event": "action", "name": "action_listen"},
        {"event": "action", "name": "action_record_feedback"},
        {"event": "action", "name": "action_listen"},
    ]
    messages, _ = run(ActionDidYouMean(), make_tracker("hmm", "nlu_fallback", ranking=ranking, events=events))
    assert len(messages) == 2


# ------------------------------------------------------------------ votes


def test_answers_carry_two_vote_buttons_naming_their_topic(kb):
    buttons = feedback_buttons(kb, "ask_bme_definition")
    assert [b["title"] for b in buttons] == [kb.frame["feedback_helpful"], kb.frame["feedback_not_helpful"]]
    assert buttons[0]["payload"] == '/feedback{"topic":"ask_bme_definition","helpful":true}'
    assert [rated_topic(b["payload"]) for b in buttons] == ["ask_bme_definition"] * 2
    assert rated_topic("/ask_bme_definition") is None


def test_every_vote_button_fits_a_telegram_button(kb):
    # Telegram refuses a message whose button data is over 64 bytes: name topics to fit.
    too_long = [t for t in kb.topics for b in feedback_buttons(kb, t) if len(b["payload"].encode()) > 64]
    assert too_long == []


def entities(**values):
    return [{"entity": k, "value": v} for k, v in values.items()]


@pytest.mark.parametrize(
    "values, record",
    [
        ({"topic": "ask_biologics", "helpful": True}, {"topic": "ask_biologics", "helpful": True}),
        (
            {"topic": "ask_biologics", "comment": "  costs   in the UK "},
            {"topic": "ask_biologics", "comment": "costs in the UK"},
        ),
        ({"topic": "ask_biologics", "helpful": "yes"}, None),  # not a vote
        ({"topic": "ask_weather", "helpful": True}, None),  # no such answer
        ({"topic": "ask_biologics", "comment": "   "}, None),
        ({"helpful": True}, None),
    ],
)
def test_read_feedback_keeps_only_real_votes_and_comments(kb, values, record):
    feedback = read_feedback(entities(**values), kb.topics)
    assert (feedback.record() if feedback else None) == record


def test_a_comment_is_cut_to_its_limit(kb):
    assert len(read_feedback(entities(topic="ask_biologics", comment="x" * 900), kb.topics).comment) == 500


def test_the_action_records_a_vote_and_thanks_with_a_marked_message(kb):
    tracker = make_tracker(
        feedback_payload("ask_nsaids", False), "feedback", entities(topic="ask_nsaids", helpful=False)
    )
    messages, events = run(ActionRecordFeedback(), tracker)
    assert [m["text"] for m in messages] == [kb.frame["feedback_thanks"]] and messages[0][FEEDBACK_REPLY] is True
    assert events == [
        {"event": "slot", "name": FEEDBACK_SLOT, "value": {"topic": "ask_nsaids", "helpful": False}, "timestamp": None}
    ]


def test_a_comment_describing_a_red_flag_gets_the_urgent_advice_first(kb):
    comment = "it didn't say what to do now: I suddenly have a painful red eye"
    tracker = make_tracker(
        feedback_payload("ask_symptom_link", comment=comment),
        "feedback",
        entities(topic="ask_symptom_link", comment=comment),
    )
    messages, events = run(ActionRecordFeedback(), tracker)
    assert kb.red_flags["eye_emergency"].advice in messages[0]["text"]
    assert messages[-1]["text"] == kb.frame["feedback_comment_thanks"]
    assert events[0]["value"]["comment"] == comment


def test_typed_feedback_is_told_where_the_buttons_are(kb):
    messages, events = run(ActionRecordFeedback(), make_tracker("how do I rate an answer", "feedback"))
    assert [m["text"] for m in messages] == [kb.frame["feedback_how_to"]] and events == []


def test_a_vote_in_the_checklist_does_not_ask_the_question_again(kb):
    ask = ASK_ACTIONS[kb.checklist.factors[0].slot]()
    vote = make_tracker(feedback_payload("ask_bme_definition", True), "feedback")
    assert run(ask, vote)[0] == []
    assert run(ask, make_tracker("what is bme", "ask_bme_definition"))[0][0]["text"] == kb.checklist.factors[0].question


def test_feedback_by_topic_counts_votes_and_keeps_comments(kb):
    records = [
        {"topic": "ask_nsaids", "helpful": False},
        {"topic": "ask_nsaids", "comment": "no mention of gels"},
        {"topic": "ask_nsaids", "helpful": True},
        {"topic": "ask_nsaids", "helpful": False},
        {"topic": "ask_biologics", "helpful": True},
        {"topic": "gone_topic", "helpful": True},
        "junk",
    ]
    rows = feedback_by_topic(records, kb)
    assert rows == [
        {
            "topic": "ask_nsaids",
            "title": kb.topics["ask_nsaids"].title,
            "helpful": 1,
            "not_helpful": 2,
            "comments": ["no mention of gels"],
        },
        {
            "topic": "ask_biologics",
            "title": kb.topics["ask_biologics"].title,
            "helpful": 1,
            "not_helpful": 0,
            "comments": [],
        },
    ]


# ------------------------------------------------------------------ history


def test_history_shows_texts_and_buttons_and_marks_votes_not_vote_messages(kb):
    vote = feedback_payload("ask_bme_definition", True)
    answer_buttons = [{"title": "How it is treated", "payload": "/ask_bme_treatment"}] + feedback_buttons(
        kb, "ask_bme_definition"
    )
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "bot", "text": "Hi! notice", "data": {}, "metadata": {}},
        {
            "event": "user",
            "text": "what is bme?",
            "parse_data": {"intent": {"name": "ask_bme_definition"}},
            "metadata": {"secret": 1},
        },
        {"event": "slot", "name": "last_topic", "value": "ask_bme_definition"},
        {"event": "bot", "text": "BME is ...", "data": {"buttons": answer_buttons}, "metadata": {}},
        {"event": "user", "text": "/ask_bme_treatment", "parse_data": {"intent": {"name": "ask_bme_treatment"}}},
        {"event": "bot", "text": "Treatment ...", "data": {"buttons": feedback_buttons(kb, "ask_bme_treatment")}},
        {"event": "user", "text": vote, "parse_data": {"intent": {"name": "feedback"}}},
        {"event": "bot", "text": kb.frame["feedback_thanks"], "data": {}, "metadata": {FEEDBACK_REPLY: True}},
        {"event": "slot", "name": FEEDBACK_SLOT, "value": {"topic": "ask_bme_definition", "helpful": True}},
    ]
    history = conversation_history(events)
    assert history == [
        {"from": "bot", "text": "Hi! notice", "buttons": []},
        {"from": "user", "text": "what is bme?"},
        {"from": "bot", "text": "BME is ...", "buttons": answer_buttons, "vote": "helpful"},
        {"from": "user", "text": "How it is treated"},  # the button's title, not its payload
        {"from": "bot", "text": "Treatment ...", "buttons": feedback_buttons(kb, "ask_bme_treatment")},
    ]


# ------------------------------------------------------------------ the visit summary


def test_summary_lists_topics_medicines_checklist_and_questions(kb):
    answers = {f.slot: "no" for f in kb.checklist.factors}
    answers[kb.checklist.factors[1].slot] = "yes"
    answers[kb.checklist.factors[2].slot] = "not_sure"
    text = visit_summary(kb, ["ask_bme_definition", "ask_biologics"], ["adalimumab"], answers)
    assert text.startswith(kb.frame["summary_title"])
    for expected in (
        kb.topics["ask_bme_definition"].title,
        kb.topics["ask_biologics"].title,
        kb.medications["adalimumab"].display_name,
        kb.checklist.factors[1].label,
        kb.checklist.factors[2].label,
        kb.appointment.topics["ask_biologics"],
    ):
        assert expected in text
    assert kb.checklist.factors[0].label not in text
    assert text.endswith("This is general information, not medical advice.")
    assert not any(q in text for q in kb.appointment.general)  # only what this conversation raised
    assert "\n\n" not in text  # channels would send each paragraph as a message of its own


def test_summary_without_topics_or_checklist_says_so(kb):
    half = {kb.checklist.factors[0].slot: "yes"}  # a checklist left half way is not a result
    text = visit_summary(kb, [], [], half)
    assert kb.frame["summary_no_topics"] in text
    assert kb.frame["summary_checklist"] not in text and kb.checklist.factors[0].label not in text


def test_summary_in_caregiver_words(kb):
    assert visit_summary(kb, ["ask_flare"], person="your son").startswith("Summary for your son's appointment")


def test_summary_action_lists_every_medicine_named_in_order(kb):
    def said(text, medicine):
        entities = [{"entity": "medication", "value": medicine}]
        return {"event": "user", "text": text, "parse_data": {"entities": entities}}

    events = [said("I take naproxen", "naproxen"), said("what about humira", "adalimumab")]
    tracker = make_tracker(
        "make a summary",
        "request_visit_summary",
        events=events,
        slots={"medication": "adalimumab", "topics_discussed": ["ask_nsaids"]},
    )
    text = run(ActionVisitSummary(), tracker)[0][0]["text"]
    naproxen, adalimumab = kb.medications["naproxen"].display_name, kb.medications["adalimumab"].display_name
    assert naproxen in text and adalimumab in text and text.index(naproxen) < text.index(adalimumab)
    assert kb.topics["ask_nsaids"].title in text
