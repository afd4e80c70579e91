"""Actions, run as the action server runs them: a tracker in, messages and events out."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer
from actions.fallback import ActionDidYouMean
from actions.safety import ActionRedFlag


def make_tracker(text, intent, entities=(), slots=None, ranking=None, events=()):
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": list(entities),
        "intent_ranking": ranking or [{"name": intent, "confidence": 0.9}],
    }
    return Tracker("test-user", slots or {}, message, list(events), False, None, {}, "action_listen")


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def test_answer_has_knowledge_source_and_referral(kb):
    messages, events = run(ActionAnswer(), make_tracker("what is bone marrow oedema?", "ask_bme_definition"))
    text = messages[0]["text"]
    assert kb.topics["ask_bme_definition"].answer in text
    assert "Source: " in text and text.rstrip().endswith(kb.frame["referral"])
    assert {"event": "slot", "name": "topics_discussed", "value": ["ask_bme_definition"], "timestamp": None} in events
    assert {"event": "slot", "name": "last_topic", "value": "ask_bme_definition", "timestamp": None} in events


def test_medication_follow_up_uses_the_slot(kb):
    tracker = make_tracker("what are its side effects?", "ask_drug_side_effects", slots={"medication": "etanercept"})
    messages, _ = run(ActionAnswer(), tracker)
    assert "Etanercept" in messages[0]["text"] and "Source: " in messages[0]["text"]


def test_named_medicine_wins_over_the_slot(kb):
    entities = [{"entity": "medication", "value": "secukinumab"}]
    tracker = make_tracker("what is cosentyx", "ask_drug_info", entities, slots={"medication": "etanercept"})
    messages, events = run(ActionAnswer(), tracker)
    assert "Secukinumab" in messages[0]["text"]
    assert {"event": "slot", "name": "medication", "value": "secukinumab", "timestamp": None} in events


def test_caregiver_is_addressed_as_caregiver(kb):
    messages, events = run(ActionAnswer(), make_tracker("my son has AS, how is bme treated", "ask_bme_treatment"))
    assert "your son" in messages[0]["text"]
    assert {"event": "slot", "name": "care_recipient", "value": "your son", "timestamp": None} in events


def test_dose_inside_a_question_is_not_judged(kb):
    text = "I take 2 tablets of Celebrex a day, will it hurt my kidneys?"
    messages, _ = run(ActionAnswer(), make_tracker(text, "ask_nsaid_side_effects"))
    reply = messages[0]["text"]
    assert kb.frame["dose_mentioned"] in reply
    assert "2 tablets" not in reply


def test_two_questions_offer_the_second(kb):
    ranking = [{"name": "ask_bme_definition", "confidence": 0.55}, {"name": "ask_bme_treatment", "confidence": 0.35}]
    tracker = make_tracker("What is BME? And how is it treated?", "ask_bme_definition", ranking=ranking)
    messages, _ = run(ActionAnswer(), tracker)
    assert messages[0]["buttons"][0] == {"title": kb.topics["ask_bme_treatment"].title, "payload": "/ask_bme_treatment"}


def test_the_offered_second_topic_is_not_offered_twice(kb):
    # Cosentyx's own buttons include "how long medicines take to work" already.
    ranking = [{"name": "ask_drug_info", "confidence": 0.6}, {"name": "ask_time_to_work", "confidence": 0.3}]
    tracker = make_tracker(
        "is cosentyx a biologic and how long does it take to work?",
        "ask_drug_info",
        entities=[{"entity": "medication", "value": "secukinumab"}],
        ranking=ranking,
    )
    messages, _ = run(ActionAnswer(), tracker)
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads[0] == "/ask_time_to_work" and len(payloads) == len(set(payloads))


@pytest.mark.parametrize(
    "text, flag",
    [
        ("my wife suddenly can't see out of one eye", "eye_emergency"),
        ("i have crushing chest pain", "chest_breathing"),
    ],
)
def test_red_flag_gives_the_specific_advice(kb, text, flag):
    entities = [{"entity": "red_flag", "value": flag}]
    messages, _ = run(ActionRedFlag(), make_tracker(text, "report_red_flag", entities))
    assert kb.red_flags[flag].advice in messages[0]["text"]


def test_red_flag_from_the_classifier_alone_is_rechecked_by_rules(kb):
    messages, _ = run(ActionRedFlag(), make_tracker("I fell down the stairs and my neck hurts", "report_red_flag"))
    assert kb.red_flags["fall_spine_injury"].advice in messages[0]["text"]


def test_did_you_mean_offers_two_topics_then_asks_to_rephrase(kb):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "ask_bme_cause", "confidence": 0.3},
        {"name": "ask_bme_definition", "confidence": 0.2},
    ]
    messages, _ = run(ActionDidYouMean(), make_tracker("bone thing?", "nlu_fallback", ranking=ranking))
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles[:2] == [kb.topics["ask_bme_cause"].title, kb.topics["ask_bme_definition"].title]
    previous = [{"event": "action", "name": "action_did_you_mean"}, {"event": "action", "name": "action_listen"}]
    messages, _ = run(ActionDidYouMean(), make_tracker("hmm", "nlu_fallback", ranking=ranking, events=previous))
    assert messages[0]["text"] == kb.frame["rephrase"]


def test_how_is_that_treated_after_bme_answers_bme_treatment(kb):
    tracker = make_tracker(
        "and how is that treated?", "ask_treatment_options", slots={"last_topic": "ask_bme_definition"}
    )
    messages, _ = run(ActionAnswer(), tracker)
    assert kb.topics["ask_bme_treatment"].answer in messages[0]["text"]


# A medicine named earlier counts for red flags (review 2026-12-03, N10): "I'm on Cimzia",
# two turns later "I have a fever of 39" is a fever on a biologic, whatever the NLU made of it.
def _earlier(text, medication):
    return [
        {"event": "user", "text": text, "parse_data": {"entities": [{"entity": "medication", "value": medication}]}},
        {"event": "slot", "name": "medication", "value": medication},
        {"event": "bot", "text": "..."},
        {"event": "user", "text": "how long does it take to work?", "parse_data": {"entities": []}},
        {"event": "bot", "text": "..."},
    ]


@pytest.mark.parametrize(
    "action, intent",
    [
        (ActionAnswer(), "ask_infections_vaccines"),
        (ActionDidYouMean(), "nlu_fallback"),
        (ActionRedFlag(), "report_red_flag"),
    ],
)
def test_a_medicine_named_two_turns_earlier_makes_a_fever_a_red_flag(kb, action, intent):
    tracker = make_tracker("I have a fever of 39", intent, events=_earlier("I'm on Cimzia", "certolizumab"))
    messages, _ = run(action, tracker)
    assert kb.red_flags["infection_on_biologic"].advice in messages[0]["text"]
    assert messages[0]["text"].endswith(kb.red_flags["infection_on_biologic"].action)


def test_an_earlier_methotrexate_makes_a_sore_throat_a_blood_count_flag(kb):
    tracker = make_tracker(
        "I've had a sore throat since yesterday",
        "ask_drug_side_effects",
        events=_earlier("I take methotrexate", "methotrexate"),
    )
    messages, _ = run(ActionAnswer(), tracker)
    assert kb.red_flags["blood_count_on_dmard"].advice in messages[0]["text"]


def test_without_an_earlier_medicine_the_fever_is_answered_as_asked(kb):
    messages, _ = run(ActionAnswer(), make_tracker("I have a fever of 39", "ask_infections_vaccines"))
    assert kb.red_flags["infection_on_biologic"].advice not in messages[0]["text"]


def test_a_general_question_after_naming_a_medicine_is_still_answered(kb):
    tracker = make_tracker(
        "what should I do if I get a fever?", "ask_infections_vaccines", events=_earlier("I'm on Humira", "adalimumab")
    )
    messages, _ = run(ActionAnswer(), tracker)
    assert "Source:" in messages[0]["text"]


def test_a_class_topic_about_one_named_medicine_is_answered_about_that_medicine(kb):
    # The classifier reads "naproxen" as an NSAID and says "NSAID side effects"; the answer is
    # naproxen's own side effects, with its own key warning, and a follow-up stays on them.
    entities = [{"entity": "medication", "value": "naproxen"}]
    tracker = make_tracker("can naproxen cause stomach ulcers", "ask_nsaid_side_effects", entities)
    messages, events = run(ActionAnswer(), tracker)
    text = messages[0]["text"]
    assert kb.medications["naproxen"].key_warning.split(".")[0] in text
    assert kb.topics["ask_nsaid_side_effects"].answer not in text
    assert {"event": "slot", "name": "last_topic", "value": "ask_drug_side_effects", "timestamp": None} in events


@pytest.mark.parametrize(
    "text, entities",
    [
        ("do nsaids cause stomach ulcers", [{"entity": "drug_class", "value": "nsaid"}]),
        (  # two medicines compared: the class's answer covers both
            "is etoricoxib safer for the stomach than naproxen",
            [{"entity": "medication", "value": "etoricoxib"}, {"entity": "medication", "value": "naproxen"}],
        ),
        (  # naproxen and the class word: asked about the class
            "are nsaids like naproxen bad for the stomach",
            [{"entity": "drug_class", "value": "nsaid"}, {"entity": "medication", "value": "naproxen"}],
        ),
        ("does methotrexate cause stomach ulcers", [{"entity": "medication", "value": "methotrexate"}]),
    ],
)
def test_a_class_topic_stays_the_class_answer_unless_one_medicine_of_the_class_is_named(kb, text, entities):
    messages, events = run(ActionAnswer(), make_tracker(text, "ask_nsaid_side_effects", entities))
    assert kb.topics["ask_nsaid_side_effects"].answer in messages[0]["text"]
    assert {"event": "slot", "name": "last_topic", "value": "ask_nsaid_side_effects", "timestamp": None} in events


@pytest.mark.parametrize("intent", ["ask_dosage", "ask_nsaid_side_effects", "ask_drug_info"])
def test_two_nsaids_named_together_always_get_the_not_together_warning(kb, intent):
    entities = [{"entity": "medication", "value": "ibuprofen"}, {"entity": "medication", "value": "naproxen"}]
    messages, _ = run(ActionAnswer(), make_tracker("can I take ibuprofen with naproxen", intent, entities))
    assert "Do not take two NSAIDs at the same time" in messages[0]["text"]


def test_medicines_of_different_classes_get_no_together_warning(kb):
    entities = [{"entity": "medication", "value": "naproxen"}, {"entity": "medication", "value": "methotrexate"}]
    messages, _ = run(ActionAnswer(), make_tracker("can I take naproxen with methotrexate", "ask_dosage", entities))
    assert "Do not take two NSAIDs at the same time" not in messages[0]["text"]


def test_a_class_topic_answered_about_its_medicine_is_not_offered_back_as_a_second_question(kb):
    # Both questions are about naproxen's risks: answered as naproxen's side effects, the class
    # topic they were classified as must not come back as "You also asked about risks of NSAIDs".
    entities = [{"entity": "medication", "value": "naproxen", "start": 4, "end": 12}]
    ranking = [
        {"name": "ask_nsaid_side_effects", "confidence": 0.6},
        {"name": "ask_drug_side_effects", "confidence": 0.35},
    ]
    tracker = make_tracker(
        "can naproxen cause stomach ulcers? and does it hurt the kidneys?",
        "ask_nsaid_side_effects",
        entities,
        ranking=ranking,
    )
    tracker.latest_message["questions"] = [
        {"text": "can naproxen cause stomach ulcers?", "intent": "ask_nsaid_side_effects", "confidence": 0.9},
        {"text": "and does it hurt the kidneys?", "intent": "ask_nsaid_side_effects", "confidence": 0.8},
    ]
    messages, _ = run(ActionAnswer(), tracker)
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert kb.topics["ask_nsaid_side_effects"].title not in titles
    assert kb.topics["ask_nsaid_side_effects"].title.lower() not in messages[0]["text"].lower()
