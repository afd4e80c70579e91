"""Issue 16: ten more topics patients ask about, the bone medicines, and the boundaries.

Every new answer renders with its source and the rheumatologist pointer; an alcohol question
that gives an amount gets an answer with no number and the line about agreeing a limit with
the team; the tapering answer says the team decides, never the person alone.
"""

import datetime
import re

import pytest
import yaml

from assistant.answers import educational_reply, topic_reply
from assistant.knowledge import load_knowledge_base
from assistant.medications import MedicationFinder
from assistant.text_checks import DOSE_PATTERN, advises_medicine_change
from tests.conftest import ROOT

KB = load_knowledge_base()
NEW_INTENTS = [
    "ask_alcohol",
    "ask_biosimilars",
    "ask_biologic_not_working",
    "ask_tapering",
    "ask_osteoporosis_medicines",
    "ask_fatigue_sleep",
    "ask_mental_health",
    "ask_work_daily_life",
    "ask_smoking",
    "ask_cost_access",
]
BONE_MEDICINES = ["alendronate", "risedronate", "zoledronic_acid", "denosumab"]
NEW_SOURCES = [
    "nhs_methotrexate",
    "versus_arthritis_methotrexate",
    "fda_biosimilars",
    "nice_ta383",
    "nhs_osteoporosis_treatment",
    "nhs_alendronic_acid",
    "nogg",
    "bhof",
    "fda_label_denosumab",
    "nhs_as",
    "depression_review",
    "lifeline_988",
    "samaritans",
    "gov_uk_reasonable_adjustments",
    "gov_uk_as_driving",
    "nhs_quit_smoking",
    "smokefree_gov",
]


def _examples(path, intents=None):
    found = {}
    for block in yaml.safe_load((ROOT / path).read_text())["nlu"]:
        if "examples" in block and (intents is None or block["intent"] in intents):
            found.setdefault(block["intent"], []).extend(
                line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")
            )
    return found


# --- the knowledge entries -------------------------------------------------------------------


def test_the_ten_topics_have_their_own_reviewed_entries():
    raw = yaml.safe_load((ROOT / "data/knowledge/topics/living_well.yml").read_text())["topics"]
    assert sorted(raw) == sorted(NEW_INTENTS)
    for intent in NEW_INTENTS:
        topic = KB.topics[intent]
        assert topic.caregiver_answer and topic.title and topic.sources
        assert 1 <= len(topic.related) <= 3
        assert topic.reviewed in (datetime.date(2026, 11, 30), datetime.date(2026, 12, 3))
        assert raw[intent]["reviewed_by"] == "content team"


def test_new_sources_have_a_short_name_a_url_and_the_date_checked():
    raw = yaml.safe_load((ROOT / "data/knowledge/sources.yml").read_text())["sources"]
    for sid in NEW_SOURCES:
        assert raw[sid]["url"].startswith("https://") and " " not in raw[sid]["url"], sid
        assert str(raw[sid]["accessed"]) in ("2026-11-30", "2026-12-03"), sid
        assert len(raw[sid]["name"]) <= 45 and raw[sid]["trace"], sid
    used = {s.id for intent in NEW_INTENTS for s in KB.topics[intent].sources}
    used |= {s.id for m in BONE_MEDICINES for s in KB.medications[m].sources}
    assert set(NEW_SOURCES) <= used


@pytest.mark.parametrize("intent", NEW_INTENTS)
@pytest.mark.parametrize("person", [None, "your wife"])
def test_new_topic_renders_with_its_source_and_the_rheumatologist_pointer(intent, person):
    reply = educational_reply(KB, intent, "a question", person=person)
    paragraphs = reply.text.split("\n\n")
    assert paragraphs[-2].startswith("Source: ")
    assert all(s.name in paragraphs[-2] for s in KB.topics[intent].sources)
    assert "rheumatologist" in paragraphs[-1]
    assert reply.buttons and len(reply.buttons) <= 3


@pytest.mark.parametrize("intent", NEW_INTENTS)
def test_new_answers_are_short_dose_free_and_never_advise_a_change(intent):
    topic = KB.topics[intent]
    for text in (topic.answer, topic.caregiver_answer):
        assert 40 <= len(text.split()) <= 110, (intent, len(text.split()))
        assert not DOSE_PATTERN.search(text)
        assert advises_medicine_change(text) is None


def test_every_related_list_has_at_most_three_known_topics():
    assert [t.intent for t in KB.topics.values() if len(t.related) > 3] == []


def test_existing_topics_lead_to_the_new_ones():
    assert "ask_osteoporosis_medicines" in KB.topics["ask_osteoporosis_risk"].related
    assert "ask_osteoporosis_medicines" in KB.topics["ask_osteoporosis_prevention"].related
    assert "ask_osteoporosis_medicines" in KB.topics["ask_osteoporosis_diagnosis"].related
    assert {"ask_biosimilars", "ask_biologic_not_working"} <= set(KB.topics["ask_biologics"].related)
    assert "ask_fatigue_sleep" in KB.topics["ask_flare"].related


# --- the boundaries --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "is 4 pints OK on methotrexate",
        "is 14 units a week ok on methotrexate?",
        "can I have 2 glasses of wine a night on leflunomide",
        "my husband drinks 6 beers on a Friday, is that OK with his naproxen?",
    ],
)
@pytest.mark.parametrize("person", [None, "your husband"])
def test_alcohol_question_with_an_amount_gets_no_number_and_the_limit_line(message, person):
    reply = educational_reply(KB, "ask_alcohol", message, medication="methotrexate", person=person)
    assert not re.search(r"\d", reply.text), reply.text
    assert re.search(r"agree a limit with (your|their) team", reply.text)
    assert KB.frame["dose_mentioned"] not in reply.text


def test_tapering_answer_says_the_team_decides_never_alone():
    for text in (KB.topics["ask_tapering"].answer, KB.topics["ask_tapering"].caregiver_answer):
        assert "team decides" in text and "never something to do alone" in text
        assert "flare" in text  # stopping completely often brings a flare back


def test_mental_health_answer_gives_crisis_lines_for_thoughts_of_self_harm():
    for text in (KB.topics["ask_mental_health"].answer, KB.topics["ask_mental_health"].caregiver_answer):
        assert "988" in text and "116 123" in text


def test_training_examples_keep_the_boundaries_apart():
    safety = _examples("data/nlu/safety.yml", {"ask_stop_medication"})["ask_stop_medication"]
    assert any("this week" in t and ("skip" in t or "miss" in t) for t in safety)
    new = _examples("data/nlu/living_well.yml")
    assert any(re.search(r"\d+ (pints|beers)", t) for t in new["ask_alcohol"])
    assert any("come off" in t and ("well" in t or "remission" in t) for t in new["ask_tapering"])
    self_harm = re.compile(r"suicid|kill (my|him|her)self|end(ing)? it all|hurt(ing)? (my|him|her)self|want to die")
    assert [t for t in new["ask_mental_health"] if self_harm.search(t.lower())] == []


# --- the NLU data ----------------------------------------------------------------------------


def test_each_new_intent_has_30_varied_examples_and_held_out_items_written_apart():
    train = _examples("data/nlu/living_well.yml")
    held_out = _examples("tests/nlu_holdout.yml", set(NEW_INTENTS))
    all_training = {
        t.lower()
        for path in (ROOT / "data/nlu").glob("*.yml")
        for texts in _examples(path.relative_to(ROOT)).values()
        for t in texts
    }
    for intent in NEW_INTENTS:
        examples = train[intent]
        assert len(examples) >= 30, intent
        assert sum(len(t.split()) >= 40 for t in examples) >= 4, intent  # story-like messages
        assert 5 <= len(held_out[intent]), intent
        assert [t for t in held_out[intent] if t.lower() in all_training] == [], intent


def test_each_new_intent_has_a_conversation_story():
    stories = yaml.safe_load((ROOT / "tests/conversations/living_well.yml").read_text())["stories"]
    intents = {step.get("intent") for story in stories for step in story["steps"]}
    assert set(NEW_INTENTS) <= intents


# --- the bone medicines in the catalog -------------------------------------------------------


@pytest.fixture(scope="module")
def finder():
    return MedicationFinder(KB)


@pytest.mark.parametrize(
    "text, generic",
    [
        ("my mum takes Fosamax", "alendronate"),
        ("fosamx tablets", "alendronate"),
        ("alendronic acid once a week", "alendronate"),
        ("what is alendronate", "alendronate"),
        ("Actonel", "risedronate"),
        ("risedronate", "risedronate"),
        ("a zoledronic acid drip", "zoledronic_acid"),
        ("Aclasta infusion", "zoledronic_acid"),
        ("Reclast", "zoledronic_acid"),
        ("is Prolia safe with AS", "denosumab"),
        ("denosumab", "denosumab"),
        ("denosumb injections", "denosumab"),
    ],
)
def test_bone_medicine_names_map_to_the_generic(finder, text, generic):
    assert finder.first_medication(text) == generic


@pytest.mark.parametrize("text", ["Xgeva", "Zometa"])
def test_cancer_brands_are_not_read_as_the_osteoporosis_medicines(finder, text):
    assert finder.first_medication(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "protein",
        "polio",
        "actual",
        "folic acid",
        "acid reflux",
        "the process",
        "my profile",
        "prolific",
        "recall",
        "a bone density scan",
    ],
)
def test_ordinary_words_are_not_bone_medicines(finder, text):
    assert [m for m in finder.find(text) if m.entity == "medication"] == []


@pytest.mark.parametrize("text", ["what are bisphosphonates", "osteoporosis medicines", "bone medicine"])
def test_bone_medicine_words_name_the_class(finder, text):
    assert [(m.entity, m.value) for m in finder.find(text)] == [("drug_class", "bone_medicine")]


def test_bone_medicines_are_one_class_with_safety_points():
    assert {m for m in KB.medications if KB.medications[m].drug_class == "bone_medicine"} == set(BONE_MEDICINES)
    assert "Xgeva" not in KB.medications["denosumab"].brands
    for generic in BONE_MEDICINES:
        points = " ".join(KB.medications[generic].safety_points).lower()
        assert "jaw" in points and not re.search(r"\d", points), generic
    med = KB.medications["alendronate"]
    alendronate = " ".join((med.key_warning,) + med.safety_points).lower()
    assert "water" in alendronate and "upright" in alendronate
    denosumab = " ".join(KB.medications["denosumab"].safety_points).lower()
    assert "never stop" in denosumab and "plan" in denosumab and "come back fast" in denosumab
    assert "spine" in denosumab  # spine bones can break when it ends without a plan


def test_a_bone_class_word_alone_gets_the_bone_medicines_topic():
    reply = educational_reply(KB, "ask_drug_info", "what are bisphosphonates?", drug_class="bone_medicine")
    assert KB.topics["ask_osteoporosis_medicines"].answer in reply.text


def test_a_named_bone_medicine_is_explained_from_the_catalog():
    reply = educational_reply(KB, "ask_drug_info", "what is Prolia?", medication="denosumab")
    assert KB.medications["denosumab"].about in reply.text
    assert KB.medications["denosumab"].safety_points[0] in reply.text  # never stop without a plan
    assert topic_reply(KB, "ask_osteoporosis_medicines").text != reply.text
