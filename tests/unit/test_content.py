"""Every text the assistant can send is sourced, plain, dose-free and never says "stop it".

The checks run on the replies as the person reads them, rendered by `assistant/answers.py`
(answer, caregiver words, the medicine's views, class replies, red flags, the checklist
summary), not only on the stored texts: a reply is what has to be plain and short.
"""

import datetime
import re

import textstat
import yaml
import pytest

from assistant.answers import MEDICATION_INTENTS, educational_reply, red_flag_reply, topic_reply
from assistant.checklist import YES, checklist_summary
from assistant.knowledge import load_knowledge_base
from assistant.text_checks import DOSE_PATTERN, advises_medicine_change, repeated_sentences
from tests.conftest import ROOT

MAX_GRADE = 8.0
MAX_WORDS = 150  # the longest answer body; more detail sits behind a "More about ..." button
CAREGIVER = "your son"
KB = load_knowledge_base()


def answered_intents():
    """Intents the rules send to the answer action."""
    rules = yaml.safe_load((ROOT / "data/rules/education.yml").read_text())["rules"]
    return [step["intent"] for rule in rules for item in rule["steps"] if "or" in item for step in item["or"]]


def domain_texts(domain):
    return [(name, v["text"]) for name, variants in domain["responses"].items() for v in variants]


def answers():
    """(where, reply) for every educational reply the renderer can build, as the person sees it."""
    replies = []
    for person in (None, CAREGIVER):
        who = ":caregiver" if person else ""
        replies += [(f"topic:{t}{who}", educational_reply(KB, t, person=person)) for t in KB.topics]
        replies += [
            (f"medication:{m}:{i}{who}", educational_reply(KB, i, medication=m, person=person))
            for m in KB.medications
            for i in sorted(MEDICATION_INTENTS)
        ]
        replies += [
            (f"class:{c}:{i}{who}", educational_reply(KB, i, drug_class=c, person=person))
            for c in KB.drug_classes
            for i in sorted(MEDICATION_INTENTS)
        ]
    return replies


def red_flag_replies():
    replies = [(f"red_flag:{f}", red_flag_reply(KB, [f])) for f in KB.red_flags]
    return replies + [("red_flag:unspecified", red_flag_reply(KB, []))]


def checklist_replies():
    every_factor = {f.slot: YES for f in KB.checklist.factors}
    return [
        ("checklist:all_yes", checklist_summary(KB, every_factor)),
        ("checklist:all_yes:caregiver", checklist_summary(KB, every_factor, CAREGIVER)),
        ("checklist:none", checklist_summary(KB, {})),
        ("checklist:none:caregiver", checklist_summary(KB, {}, CAREGIVER)),
    ]


ANSWERS = answers()
EVERY_REPLY = ANSWERS + red_flag_replies() + checklist_replies()


def ids(replies):
    return [where for where, _ in replies]


def test_every_answered_intent_has_an_entry_and_every_entry_an_intent(kb, domain):
    intents = set(domain["intents"])
    answered = answered_intents()
    assert [i for i in answered if i not in kb.topics] == []
    assert [t for t in kb.topics if t not in intents] == []
    assert [i for i in answered if i not in intents] == []


# --- the rendered replies --------------------------------------------------------------------


@pytest.mark.parametrize("where, reply", EVERY_REPLY, ids=ids(EVERY_REPLY))
def test_rendered_reply_reads_at_grade_8_or_below(where, reply):
    """Measured on what the person reads as the answer: the source line is left out."""
    assert reply.body and "Source:" not in reply.body
    assert textstat.flesch_kincaid_grade(reply.body) <= MAX_GRADE, reply.body


@pytest.mark.parametrize("where, reply", ANSWERS + red_flag_replies(), ids=ids(ANSWERS + red_flag_replies()))
def test_rendered_answer_stays_short(where, reply):
    assert len(reply.body.split()) <= MAX_WORDS, reply.body


@pytest.mark.parametrize("where, reply", EVERY_REPLY, ids=ids(EVERY_REPLY))
def test_no_sentence_repeats_within_a_reply(where, reply):
    assert repeated_sentences(reply.text) == [], reply.text


@pytest.mark.parametrize("where, reply", EVERY_REPLY, ids=ids(EVERY_REPLY))
def test_rendered_reply_has_no_dose_and_no_change_advice(where, reply):
    assert not DOSE_PATTERN.search(reply.text), DOSE_PATTERN.search(reply.text).group(0)
    assert advises_medicine_change(reply.text) is None, advises_medicine_change(reply.text)


@pytest.mark.parametrize("intent", sorted(KB.topics))
def test_every_answer_names_its_source_and_ends_with_the_rheumatologist(kb, intent):
    reply = topic_reply(kb, intent)
    paragraphs = reply.text.split("\n\n")
    assert paragraphs[-2].startswith("Source: ")
    assert "rheumatologist" in paragraphs[-1]


def test_source_line_uses_short_names(kb):
    """The reply names sources the way a patient says them; the full titles are in sources.yml."""
    long_names = [(s.id, s.name) for s in kb.sources.values() if len(s.name.split()) > 8]
    assert long_names == []


def test_topics_read_before_a_diagnosis_say_how_to_get_a_rheumatologist(kb):
    for intent in ("ask_as_diagnosis", "ask_as_cause", "ask_pain_types", "ask_rheumatologist"):
        assert kb.topics[intent].undiagnosed_readers, intent
        text = topic_reply(kb, intent).text
        assert text.endswith(kb.frame["referral_undiagnosed"]) and "GP or primary care doctor" in text


def test_caregiver_answers_address_the_caregiver(kb):
    reply = educational_reply(kb, "ask_bme_definition", "my son has AS", person="your son")
    assert reply.text.startswith("Here is some general information that may help your son.")
    assert "Their rheumatologist" in reply.text


def test_every_topic_that_speaks_to_you_has_caregiver_words(kb):
    """A caregiver must not be told "your bones" about someone else's bones."""
    you = re.compile(r"\b(?:you|your|yours|yourself)\b", re.IGNORECASE)
    # These two talk to the person typing (ask for a medicine's name), caregiver or not.
    talks_to_the_writer = {"ask_drug_info", "ask_drug_side_effects", "inform_current_medication"}
    missing = [t.intent for t in kb.topics.values() if not t.caregiver_answer]
    assert missing == []
    speaks_to_you = [
        t.intent
        for t in kb.topics.values()
        if t.intent not in talks_to_the_writer
        and you.search(t.caregiver_answer)
        and t.intent not in ("ask_dosage", "ask_stop_medication")
    ]
    assert speaks_to_you == []


def test_checklist_explanations_have_caregiver_words(kb):
    for factor in kb.checklist.factors:
        assert not re.search(r"\byour?\b", factor.caregiver_why, re.IGNORECASE), factor.slot
    text = checklist_summary(kb, {f.slot: YES for f in kb.checklist.factors}, CAREGIVER).text
    assert all(f.caregiver_why in text for f in kb.checklist.factors)
    assert kb.checklist.caregiver_texts["scan_question"] in text


# --- stored texts: doses and change advice ---------------------------------------------------


def test_no_text_the_assistant_can_send_contains_a_dose(kb, domain):
    texts = kb.all_texts() + domain_texts(domain)
    assert [(w, DOSE_PATTERN.search(t).group(0)) for w, t in texts if DOSE_PATTERN.search(t)] == []


def test_no_text_tells_anyone_to_stop_or_change_a_medicine(kb, domain):
    texts = kb.all_texts() + domain_texts(domain)
    assert [(w, advises_medicine_change(t)) for w, t in texts if advises_medicine_change(t)] == []


def test_catalog_and_red_flag_texts_read_at_grade_8_or_below(kb):
    too_hard = [
        (where, round(textstat.flesch_kincaid_grade(t), 1))
        for where, t in kb.all_texts()
        if not where.startswith("topic:") and len(t.split()) >= 12 and textstat.flesch_kincaid_grade(t) > MAX_GRADE
    ]
    assert too_hard == []


@pytest.mark.parametrize("intent", sorted(KB.topics))
def test_answers_read_at_grade_8_or_below(kb, intent):
    topic = kb.topics[intent]
    for text in filter(None, [topic.answer, topic.caregiver_answer]):
        assert textstat.flesch_kincaid_grade(text) <= MAX_GRADE, text


@pytest.mark.parametrize(
    "sentence",
    [
        "Take 400 mg three times a day.",
        "two tablets daily is fine",
        "use 2 x per day",
        "40mg every week",
    ],
)
def test_dose_pattern_catches_doses(sentence):
    assert DOSE_PATTERN.search(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "You can stop taking it when you feel better.",
        "It is safe to skip a dose.",
        "You should switch to a biologic.",
        "Stop taking your medicine before surgery.",
        # the passive forms say the same thing with the person left out
        "A biologic is usually paused while you are ill or taking antibiotics.",
        "Methotrexate should be stopped before surgery.",
        "A dose can be skipped on a good day.",
        "Your injections are often put on hold during an infection.",
        "It can be safely tapered when you feel well.",
        "The tablets may be halved if they upset you.",
    ],
)
def test_change_advice_is_caught(sentence):
    assert advises_medicine_change(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Do not stop or skip a medicine without asking your prescriber.",
        "Denosumab must not be stopped without a plan from your team.",
        "Arthrotec must not be used in pregnancy.",
        "The risk of a break is reduced.",
        "In three trials it did no better than a dummy pill, so the trials ended early.",
    ],
)
def test_warnings_and_facts_are_not_change_advice(sentence):
    assert advises_medicine_change(sentence) is None


def test_repeated_sentences_are_found():
    assert repeated_sentences("Tell your team. It can thin bones. Tell your team.") == ["Tell your team."]
    assert repeated_sentences("Yes. No. Yes.") == []


# --- sources and reviews -----------------------------------------------------------------------


def test_every_source_has_a_web_address_and_an_access_date(kb):
    assert [s.id for s in kb.sources.values() if not s.url.startswith("https://")] == []
    assert [s.id for s in kb.sources.values() if s.accessed > datetime.date.today()] == []


def test_label_facts_cite_the_label_of_that_medicine(kb):
    """No catch-all "FDA labels" source: a label is cited by its own pinned entry."""
    assert "fda_labels" not in kb.sources
    from scripts.check_sources import is_search

    labels = [s for s in kb.sources.values() if s.id.startswith(("fda_label_", "ema_"))]
    assert labels and not any(is_search(s.url) for s in labels)


def test_the_source_checker_passes_and_catches_searches_and_home_pages():
    from scripts.check_sources import is_home_page, is_search, problems

    assert problems(ROOT / "data/knowledge") == []
    assert is_search("https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=humira")
    assert is_search("https://pubmed.ncbi.nlm.nih.gov/?term=leflunomide")
    assert is_search("https://www.medicines.org.uk/emc/search?q=arcoxia")
    assert not is_search("https://api.fda.gov/drug/label.json?search=set_id:%22abc%22")
    assert is_home_page("https://nass.co.uk/") and not is_home_page("https://nass.co.uk/about-as/what-is-axialspa/")


def test_red_flag_advice_names_its_basis(kb):
    for flag in kb.red_flags.values():
        assert flag.sources, flag.id
        assert all(s.url.startswith("https://") for s in flag.sources)
    assert "own safety rules" in red_flag_reply(kb, ["chest_breathing"]).text


def test_every_entry_records_who_reviewed_it_and_when(kb):
    entries = (
        list(kb.topics.values())
        + list(kb.drug_classes.values())
        + list(kb.medications.values())
        + list(kb.red_flags.values())
        + [kb.checklist, kb.appointment]
    )
    assert [e for e in entries if not e.reviewed_by.strip()] == []
    today = datetime.date.today()
    assert [e for e in entries if e.reviewed > today] == []


def test_the_assistant_claims_only_the_review_that_is_recorded(kb, domain):
    text = " ".join(v["text"] for v in domain["responses"]["utter_sources"])
    entries = list(kb.topics.values()) + list(kb.medications.values()) + list(kb.red_flags.values())
    assert all(e.reviewed_by in text for e in entries)  # the roles it names are the ones on record
    assert not re.search(r"\b(?:doctors?|clinicians?|rheumatologists?|experts?)\s+(?:check|review|approve)", text, re.I)
    assert textstat.flesch_kincaid_grade(text) <= MAX_GRADE
