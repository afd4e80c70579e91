"""Every text the assistant can send is sourced, plain, dose-free and never says "stop it"."""
import textstat
import yaml
import pytest

from assistant.answers import educational_reply, topic_reply
from assistant.knowledge import load_knowledge_base
from assistant.text_checks import DOSE_PATTERN, advises_medicine_change
from tests.conftest import ROOT

MAX_GRADE = 8.0


def answered_intents():
    """Intents the rules send to the answer action."""
    rules = yaml.safe_load((ROOT / "data/rules/education.yml").read_text())["rules"]
    return [step["intent"] for rule in rules for item in rule["steps"] if "or" in item for step in item["or"]]


def domain_texts(domain):
    return [(name, v["text"]) for name, variants in domain["responses"].items() for v in variants]


def test_every_answered_intent_has_an_entry_and_every_entry_an_intent(kb, domain):
    intents = set(domain["intents"])
    answered = answered_intents()
    assert [i for i in answered if i not in kb.topics] == []
    assert [t for t in kb.topics if t not in intents] == []
    assert [i for i in answered if i not in intents] == []


@pytest.mark.parametrize("intent", sorted(load_knowledge_base().topics))
def test_answers_read_at_grade_8_or_below(kb, intent):
    topic = kb.topics[intent]
    for text in filter(None, [topic.answer, topic.caregiver_answer]):
        assert textstat.flesch_kincaid_grade(text) <= MAX_GRADE, text


def test_catalog_and_red_flag_texts_read_at_grade_8_or_below(kb):
    too_hard = [(where, round(textstat.flesch_kincaid_grade(t), 1)) for where, t in kb.all_texts()
                if not where.startswith("topic:") and len(t.split()) >= 12
                and textstat.flesch_kincaid_grade(t) > MAX_GRADE]
    assert too_hard == []


def test_no_text_the_assistant_can_send_contains_a_dose(kb, domain):
    texts = kb.all_texts() + domain_texts(domain)
    assert [(w, DOSE_PATTERN.search(t).group(0)) for w, t in texts if DOSE_PATTERN.search(t)] == []


def test_no_text_tells_anyone_to_stop_or_change_a_medicine(kb, domain):
    texts = kb.all_texts() + domain_texts(domain)
    assert [(w, advises_medicine_change(t)) for w, t in texts if advises_medicine_change(t)] == []


@pytest.mark.parametrize("sentence", [
    "Take 400 mg three times a day.", "two tablets daily is fine", "use 2 x per day", "40mg every week",
])
def test_dose_pattern_catches_doses(sentence):
    assert DOSE_PATTERN.search(sentence)


@pytest.mark.parametrize("sentence", [
    "You can stop taking it when you feel better.", "It is safe to skip a dose.",
    "You should switch to a biologic.", "Stop taking your medicine before surgery.",
])
def test_change_advice_is_caught(sentence):
    assert advises_medicine_change(sentence)


def test_warnings_not_to_stop_are_allowed():
    assert advises_medicine_change("Do not stop or skip a medicine without asking your prescriber.") is None


@pytest.mark.parametrize("intent", sorted(load_knowledge_base().topics))
def test_every_answer_names_its_source_and_ends_with_the_rheumatologist(kb, intent):
    reply = topic_reply(kb, intent)
    paragraphs = reply.text.split("\n\n")
    assert paragraphs[-2].startswith("Source: ")
    assert "rheumatologist" in paragraphs[-1]


def test_caregiver_answers_address_the_caregiver(kb):
    reply = educational_reply(kb, "ask_bme_definition", "my son has AS", person="your son")
    assert reply.text.startswith("Here is some general information that may help your son.")
    assert "Their rheumatologist" in reply.text
