"""Every red-flag phrasing is caught by the rules; ordinary AS questions are left alone."""
import pytest
import yaml

from assistant.answers import red_flag_reply
from assistant.knowledge import load_knowledge_base
from assistant.red_flags import RedFlagDetector
from tests.conftest import ROOT

FIXTURES = yaml.safe_load((ROOT / "tests/fixtures/red_flag_phrasings.yml").read_text())
MUST_MATCH = [(flag, text) for flag, texts in FIXTURES["must_match"].items() for text in texts]


@pytest.fixture(scope="module")
def detector():
    return RedFlagDetector(load_knowledge_base())


def test_every_flag_has_at_least_five_phrasings(kb):
    assert set(FIXTURES["must_match"]) == set(kb.red_flags)
    assert all(len(texts) >= 5 for texts in FIXTURES["must_match"].values())


@pytest.mark.parametrize("flag, text", MUST_MATCH)
def test_red_flag_phrasing_is_caught(detector, flag, text):
    assert flag in detector.find(text)


@pytest.mark.parametrize("text", FIXTURES["must_not_match"])
def test_ordinary_question_is_not_a_red_flag(detector, text):
    assert detector.find(text) == []


@pytest.mark.parametrize("flag, text", MUST_MATCH)
def test_reply_gives_that_flags_specific_advice(kb, detector, flag, text):
    reply = red_flag_reply(kb, detector.find(text))
    assert kb.red_flags[flag].advice in reply.text


def test_curly_apostrophes_match_like_straight_ones(detector):
    assert detector.find("my wife can’t see out of her left eye suddenly") == detector.find(
        "my wife can't see out of her left eye suddenly") != []


@pytest.mark.parametrize("flag, needle", [
    ("eye_emergency", "eye doctor today"),
    ("fall_spine_injury", "emergency department"),
    ("cauda_equina", "emergency department"),
    ("chest_breathing", "911"),
    ("infection_on_biologic", "today"),
    ("self_harm", "988"),
    ("self_harm", "116 123"),
])
def test_advice_is_the_specific_action(kb, flag, needle):
    assert needle in kb.red_flags[flag].advice
