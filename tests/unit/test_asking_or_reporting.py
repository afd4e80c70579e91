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


PROBES = yaml.safe_load((ROOT / "tests/fixtures/red_flag_probes.yml").read_text())


@pytest.mark.parametrize("text", PROBES["background"])
def test_a_symptom_told_as_background_does_not_escalate(detector, text):
    assert detector.urgent(text) == []


@pytest.mark.parametrize("text", PROBES["known_false_alarms"])
@pytest.mark.xfail(strict=True, reason="negated symptoms are not read; when one passes, move it to background")
def test_known_false_alarms(detector, text):
    assert detector.urgent(text) == []


@pytest.mark.parametrize("flag, text", [(f, t) for f, texts in PROBES["urgent"].items() for t in texts])
def test_a_probe_report_escalates(detector, flag, text):
    assert flag in detector.urgent(text)
