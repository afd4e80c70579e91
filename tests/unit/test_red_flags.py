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
    assert (
        detector.find("my wife can’t see out of her left eye suddenly")
        == detector.find("my wife can't see out of her left eye suddenly")
        != []
    )


@pytest.mark.parametrize(
    "flag, needle",
    [
        ("eye_emergency", "eye doctor today"),
        ("fall_spine_injury", "emergency department"),
        ("fall_spine_injury", "even without a fall"),
        ("fall_spine_injury", "keep your neck still"),
        ("injection_joint", "today"),
        ("cauda_equina", "emergency department"),
        ("chest_breathing", "911"),
        ("infection_on_biologic", "right away"),
        ("self_harm", "988"),
        ("self_harm", "116 123"),
    ],
)
def test_advice_is_the_specific_action(kb, flag, needle):
    assert needle in kb.red_flags[flag].advice


@pytest.mark.parametrize("flag", sorted(load_knowledge_base().red_flags))
def test_red_flag_reply_ends_with_the_action(kb, flag):
    """The last thing a frightened reader sees is what to do now: not the routine pointer to
    the rheumatologist, not a list of sources."""
    text = red_flag_reply(kb, [flag]).text
    assert text.endswith(kb.red_flags[flag].action)
    assert kb.frame["referral"] not in text and "Source:" not in text
    paragraphs = text.split("\n\n")
    basis = next(p for p in paragraphs if p.startswith("Based on"))
    assert len(basis.split()) <= 25 and paragraphs.index(basis) < len(paragraphs) - 1
    assert paragraphs.index(kb.frame["red_flag_team"]) == len(paragraphs) - 2  # "when you are safe", before the action


@pytest.mark.parametrize("flag", sorted(load_knowledge_base().red_flags))
def test_the_action_names_a_number_to_call_or_a_place_to_go(kb, flag):
    action = kb.red_flags[flag].action.lower()
    assert any(w in action for w in ("911", "988", "emergency department", "urgent care", "eye doctor")), action


def test_unspecified_red_flag_ends_with_the_emergency_numbers(kb):
    text = red_flag_reply(kb, []).text
    assert text.endswith(kb.frame["red_flag_unspecified_action"]) and "911" in kb.frame["red_flag_unspecified_action"]
    assert kb.frame["referral"] not in text and text.count("911") == 1


def test_the_channels_fallback_red_flag_sentence_is_whole_and_ends_with_the_action(kb):
    """When the action server cannot answer, the channels send `red_flag_unspecified` alone."""
    assert kb.frame["red_flag_unspecified"].endswith(kb.frame["red_flag_unspecified_action"])


def test_several_red_flags_end_with_every_action_once(kb):
    reply = red_flag_reply(kb, ["fall_spine_injury", "cauda_equina", "chest_breathing", "allergic_reaction"])
    last = reply.text.split("\n\n")[-1]
    assert last.startswith(kb.red_flags["fall_spine_injury"].action)
    assert last.endswith(kb.red_flags["chest_breathing"].action)  # allergic_reaction says the same: once
    assert last.count("Go to the emergency department now.") == 1


def test_a_fracture_without_a_fall_is_caught(detector):
    assert "fall_spine_injury" in detector.find("my neck suddenly got very painful, my spine is fused")
    assert detector.find("can a fused spine break without a fall?") == []


def test_a_hot_swollen_joint_after_an_injection_is_caught(detector):
    assert detector.find("my knee went hot and swollen after the steroid injection") == ["injection_joint"]
    assert detector.find("can a steroid injection help a swollen knee?") == []


def test_a_disease_named_after_a_fever_is_not_a_fever(detector):
    # The vaccine for yellow fever, and hay fever, are not a fever on a biologic.
    assert (
        detector.find(
            "On Enbrel 50mg weekly. The travel clinic mentioned yellow fever and typhoid. "
            "Which travel vaccines are safe?"
        )
        == []
    )
    assert detector.find("I have hay fever and take Humira, can I use antihistamines?") == []
    # A real fever next to one still is.
    assert detector.find(
        "I'm on Humira and have had a fever and chills since last night, I had hay fever as a kid"
    ) == ["infection_on_biologic"]


@pytest.mark.parametrize(
    "earlier, text, flag",
    [
        (["certolizumab"], "I have a fever of 39", "infection_on_biologic"),
        (["certolizumab"], "my temperature is 39.5", "infection_on_biologic"),
        (["tnf_blocker"], "running a temperature since last night", "infection_on_biologic"),
        (["methotrexate"], "I've got mouth ulcers and a sore throat", "blood_count_on_dmard"),
        (["methotrexate"], "I took it every day this week by mistake", "methotrexate_overdose"),
        (["leflunomide"], "I just found out I'm pregnant", "pregnancy_on_dmard"),
        (["denosumab"], "tingling around my mouth since yesterday", "low_calcium"),
        (["prednisone"], "I keep vomiting", "adrenal_crisis"),
    ],
)
def test_a_medicine_named_earlier_counts(detector, earlier, text, flag):
    assert flag not in detector.urgent(text)
    assert flag in detector.urgent(text, earlier)


def test_an_earlier_medicine_never_makes_a_flag_on_its_own(detector):
    assert detector.urgent("how long does it take to work?", ["certolizumab", "methotrexate"]) == []
    assert detector.urgent("what should I do if I get a fever?", ["certolizumab"]) == []


def test_medicines_named_reads_entities_and_the_slot():
    from assistant.red_flags import medicines_named

    events = [
        {
            "event": "user",
            "parse_data": {
                "entities": [
                    {"entity": "medication", "value": "certolizumab"},
                    {"entity": "drug_class", "value": "tnf_blocker"},
                ]
            },
        },
        {"event": "slot", "name": "medication", "value": "adalimumab"},
        {"event": "user", "parse_data": {"entities": [{"entity": "medication", "value": "certolizumab"}]}},
    ]
    assert medicines_named(events) == ["certolizumab", "tnf_blocker", "adalimumab"]
