"""Asking is not reporting: a general question about an urgent symptom gets the educational
answer and what to do if it is happening; a report, even put as a question, gets the red flag."""

import pytest
import yaml

from assistant.answers import educational_reply
from assistant.red_flags import RedFlagDetector
from tests.conftest import ROOT

FIXTURES = yaml.safe_load((ROOT / "tests/fixtures/asking_or_reporting.yml").read_text())
REPORTS = [(flag, text) for flag, texts in FIXTURES["reporting"].items() for text in texts]
RED_FLAG_FIXTURES = yaml.safe_load((ROOT / "tests/fixtures/red_flag_phrasings.yml").read_text())
MUST_MATCH = [(flag, t) for flag, texts in RED_FLAG_FIXTURES["must_match"].items() for t in texts]


@pytest.fixture(scope="module")
def detector(kb):
    return RedFlagDetector(kb)


def test_there_are_at_least_forty_asking_questions():
    assert len(FIXTURES["asking"]) >= 40


@pytest.mark.parametrize("text", FIXTURES["asking"])
def test_a_general_question_does_not_escalate(detector, text):
    assert detector.urgent(text) == []


@pytest.mark.parametrize("flag, text", REPORTS + MUST_MATCH)
def test_a_report_escalates_even_as_a_question(detector, flag, text):
    assert flag in detector.urgent(text)


def test_thoughts_of_self_harm_always_escalate_however_put(detector):
    assert detector.urgent("is it normal to think about killing myself with this pain?") == ["self_harm"]


def test_an_asked_about_flag_adds_what_to_do_if_it_is_happening(kb, detector):
    text = "can ankylosing spondylitis cause chest pain when you breathe in deeply?"
    asked = detector.find(text)
    assert asked and not detector.urgent(text)
    reply = educational_reply(kb, "ask_symptom_link", text, red_flags_asked=asked)
    line = kb.frame["red_flag_asked"].format(action=kb.red_flags[asked[0]].action.strip())
    assert line in reply.body
    assert reply.text.rstrip().endswith(kb.frame["referral"].rstrip())


def _probes() -> dict:
    """Every round of probes, one list per kind (rounds 3 and 4 are files of their own, each with its note)."""
    merged: dict = {"background": [], "known_false_alarms": [], "urgent": {}}
    for name in ("red_flag_probes.yml", "red_flag_probes_round3.yml", "red_flag_probes_round4.yml"):
        probes = yaml.safe_load((ROOT / "tests/fixtures" / name).read_text())
        merged["background"] += probes["background"]
        merged["known_false_alarms"] += probes["known_false_alarms"]
        for flag, texts in probes["urgent"].items():
            merged["urgent"].setdefault(flag, []).extend(texts)
    return merged


PROBES = _probes()


@pytest.mark.parametrize("text", PROBES["background"])
def test_a_symptom_told_as_background_does_not_escalate(detector, text):
    assert detector.urgent(text) == []


@pytest.mark.parametrize("text", PROBES["known_false_alarms"])
@pytest.mark.xfail(strict=True, reason="background read as a report (the fixtures say why); once it passes, move it")
def test_known_false_alarms(detector, text):
    assert detector.urgent(text) == []


@pytest.mark.parametrize("flag, text", [(f, t) for f, texts in PROBES["urgent"].items() for t in texts])
def test_a_probe_report_escalates(detector, flag, text):
    assert flag in detector.urgent(text)


# Negation is read only right before the symptom; a doubt, "can't", "never" and "no idea" are
# not negations of what follows.
SAID_ABSENT = [
    "on methotrexate: no fever, no sore throat, no mouth ulcers, just tired. Is that normal?",
    "I'm on Cosentyx, not feverish, not shivery, but my delivery is late. Does a gap matter?",
    "no numbness or weakness in my legs, just the usual buttock ache. Is that my SI joints?",
]
STILL_REPORTS = [
    ("sepsis_signs", "not sure if flu or sepsis, on Humira, I'm confused and breathing fast"),
    ("adrenal_crisis", "I can't stop vomiting and I've been on prednisone for a year"),
    ("chest_breathing", "I've never had chest pain like this, it started an hour ago"),
    ("chest_breathing", "no idea why but I have crushing chest pain right now"),
    # An episode is over only when said to be ("he's fine now"), not while it may be the cause.
    ("infection_on_biologic", "I'm recovering from a chest infection and now have a fever of 39 on Humira"),
    ("infection_on_biologic", "my dad is on Enbrel, he is recovering from flu but has a temp of 39.5 and is shivering"),
    # Asking what to watch for after telling a symptom still tells it.
    ("infection_on_biologic", "my dad has a fever of 39.5 on Humira, what are the signs of sepsis?"),
    ("blood_count_on_dmard", "my bloods were fine in June but I have a fever of 39 on methotrexate and mouth ulcers"),
    # A dated sentence is past only up to where it speaks in the present; a medicine named in a
    # dated part is still taken.
    ("infection_on_biologic", "I was diagnosed in 2019 and I have a fever of 39 on Humira"),
    ("infection_on_biologic", "Diagnosed in 2019, a year later I started Humira and now I have a fever of 39"),
    ("eye_emergency", "I was diagnosed in 2015 and my eye is red and painful and the light hurts"),
    ("low_calcium", "My dad had his last Prolia injection in October, he has tingling round his lips and cramps"),
]


@pytest.mark.parametrize("text", SAID_ABSENT)
def test_a_symptom_said_to_be_absent_is_not_reported(detector, text):
    assert detector.urgent(text) == []


@pytest.mark.parametrize("flag, text", STILL_REPORTS)
def test_doubt_cant_never_and_no_idea_are_not_negations(detector, flag, text):
    assert flag in detector.urgent(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm on Humira. Should I have the pneumonia vaccine this winter, and is the flu jab safe too?",
        "on Rinvoq: can I have the shingles vaccine, and will it leave a sore arm near my face?",
    ],
)
def test_a_vaccine_named_after_a_disease_is_not_the_disease(detector, text):
    assert detector.urgent(text) == []


@pytest.mark.parametrize(
    "flag, text",
    [
        ("infection_on_biologic", "had my flu jab yesterday and now I have a fever of 39, I'm on Humira"),
        ("shingles_eye", "I'm on Rinvoq and have shingles by my eye since this morning, I missed the shingles jab"),
    ],
)
def test_a_report_next_to_a_vaccine_still_escalates(detector, flag, text):
    assert flag in detector.urgent(text)
