"""The bone-health checklist summary and the appointment question list, as plain functions."""

import re


from assistant.appointment import appointment_questions
from assistant.checklist import NO, NOT_SURE, YES, checklist_summary


def test_checklist_factors_match_the_form(kb, domain):
    slots = [f.slot for f in kb.checklist.factors]
    assert domain["forms"]["bone_health_checklist"]["required_slots"] == slots
    assert all(f"action_ask_{s}" in domain["actions"] and s in domain["slots"] for s in slots)


def test_summary_lists_what_applies_and_why_without_a_score(kb):
    factors = kb.checklist.factors
    answers = {f.slot: NO for f in factors}
    answers[factors[1].slot] = YES
    answers[factors[3].slot] = NOT_SURE
    text = checklist_summary(kb, answers).text
    assert factors[1].why in text and factors[0].why not in text
    assert factors[3].label.lower() in text
    assert "hip" in text and "side view" in text
    assert not re.search(r"\d+\s*%|percent|score of|your risk is", text, re.I)
    assert text.rstrip().endswith(kb.frame["referral"])


def test_summary_when_nothing_applies(kb):
    text = checklist_summary(kb, {f.slot: NO for f in kb.checklist.factors}).text
    assert kb.checklist.texts["summary_none"] in text


def test_appointment_list_reflects_the_conversation(kb):
    answers = {f.slot: NO for f in kb.checklist.factors}
    answers["bone_smoking"] = YES
    text = appointment_questions(kb, ["ask_bme_definition", "ask_dosage"], "adalimumab", answers)
    assert kb.appointment.topics["ask_bme_definition"] in text
    assert "adalimumab (Humira" in text
    assert "smoking" in text
    assert all(q in text for q in kb.appointment.general)
    numbered = [line for line in text.splitlines() if re.match(r"\d+\. ", line)]
    assert len(numbered) == len(set(numbered)) >= 7


def test_appointment_list_without_a_conversation_has_general_questions(kb):
    text = appointment_questions(kb, [])
    assert all(q in text for q in kb.appointment.general)


# Caregivers all the way through (issue 26, item 7).
def test_questions_for_someone_cared_for_speak_of_them(kb):
    from assistant.appointment import appointment_questions

    text = appointment_questions(kb, ["ask_bme_definition", "ask_as_cause"], "adalimumab", None, "your dad")
    assert "your dad's next appointment" in text
    assert not re.search(r"\b(my|me|I)\b", text), text
    assert "Does their MRI show" in text


def test_the_visit_summary_for_a_caregiver_asks_about_them(kb):
    from assistant.visit_summary import visit_summary

    text = visit_summary(kb, ["ask_bme_definition"], [], None, "your mum")
    assert "Does their MRI show" in text and "Does my MRI" not in text


def test_topic_titles_keep_their_capitals_inside_a_sentence(kb):
    from assistant.appointment import appointment_questions, in_sentence

    assert in_sentence("What causes AS") == "what causes AS"
    assert in_sentence("JAK inhibitors and their warnings") == "JAK inhibitors and their warnings"
    assert "what causes AS" in appointment_questions(kb, ["ask_as_cause"])
