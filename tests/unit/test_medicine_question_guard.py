"""The medicine-question guard: a dose or stop question gets a safety reply, and the words decide
which one; a vaccine question is the vaccines topic, never a medicine change. Each case is the
classifier's ranking as the served model gave it for a real patient's wording."""
import pytest
from rasa.shared.nlu.training_data.message import Message

from components.medicine_question_guard import MedicineQuestionGuard


def guarded(text, ranking, entities=()):
    message = Message(data={"text": text})
    message.set("intent", ranking[0])
    message.set("intent_ranking", ranking)
    message.set("entities", [{"entity": "medication", "value": value} for value in entities])
    MedicineQuestionGuard({}).process_message(message)
    return message.get("intent")["name"]


def test_a_dose_timing_question_the_classifier_read_as_stopping_gets_the_dose_reply():
    ranking = [{"name": "ask_stop_medication", "confidence": 0.62}, {"name": "ask_dosage", "confidence": 0.31}]
    assert guarded("Can my husband do his Humira injection a week early? We fly out on the day it's due.",
                   ranking, ["adalimumab"]) == "ask_dosage"


def test_a_stop_request_keeps_the_stop_reply_even_with_dose_words():
    ranking = [{"name": "ask_stop_medication", "confidence": 0.6}, {"name": "ask_dosage", "confidence": 0.3}]
    assert guarded("should I skip my Humira dose this week?", ranking, ["adalimumab"]) == "ask_stop_medication"


@pytest.mark.parametrize("text, entities, ranking", [
    ("Someone at work said vaccines are dangerous when you take arthritis medicines. Does that mean I should "
     "skip my flu shot this year?", (),
     [("ask_stop_medication", 0.51), ("out_of_scope", 0.34), ("ask_infections_vaccines", 0.13)]),
    ("Pharmacy wants to give me Shingrix next week - is that ok when I'm on Humira plus hydroxychloroquine?",
     ("adalimumab", "hydroxychloroquine"),
     [("ask_stop_medication", 0.41), ("ask_dosage", 0.26), ("ask_infections_vaccines", 0.2)]),
])
def test_a_question_about_a_vaccine_is_the_vaccines_topic(text, entities, ranking):
    ranking = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    assert guarded(text, ranking, entities) == "ask_infections_vaccines"


@pytest.mark.parametrize("text", [
    "should I stop my Humira before the shingles vaccine?",
    "can I skip my methotrexate the week of my flu jab?",
])
def test_stopping_a_medicine_around_a_vaccine_keeps_the_stop_reply(text):
    ranking = [{"name": "ask_stop_medication", "confidence": 0.5},
               {"name": "ask_infections_vaccines", "confidence": 0.4}]
    assert guarded(text, ranking, ["adalimumab"]) == "ask_stop_medication"


def test_a_vaccine_word_does_not_override_without_support():
    ranking = [{"name": "ask_stop_medication", "confidence": 0.9},
               {"name": "ask_infections_vaccines", "confidence": 0.05}]
    assert guarded("my booster is due, do I need to do anything?", ranking) == "ask_stop_medication"


@pytest.mark.parametrize("text, medicine, ranking, served", [
    # The served model's ranking once the examples from public questions were added.
    ("how much prednisone for a flare", ("prednisone", 9, 19),
     [("ask_steroid_injections", 0.899), ("ask_dosage", 0.084)], "ask_dosage"),
    ("how many people on humira get infections", ("adalimumab", 19, 25),
     [("ask_infections_vaccines", 0.997), ("ask_dosage", 0.001)], "ask_infections_vaccines"),
])
def test_an_amount_of_a_named_medicine_is_a_dose_question_however_sure_the_classifier_is(
        text, medicine, ranking, served):
    message = Message(data={"text": text})
    message.set("intent_ranking", [{"name": name, "confidence": c} for name, c in ranking])
    message.set("intent", message.get("intent_ranking")[0])
    value, start, end = medicine
    message.set("entities", [{"entity": "medication", "value": value, "start": start, "end": end}])
    MedicineQuestionGuard({}).process_message(message)
    assert message.get("intent")["name"] == served
