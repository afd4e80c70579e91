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
