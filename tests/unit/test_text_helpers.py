"""Caregiver detection, language notice, and two-question detection."""

import pytest

from assistant.caregiver import care_recipient
from assistant.compound import asks_two_questions, second_topic
from assistant.language import looks_non_english, shows_other_language


@pytest.mark.parametrize(
    "text, person",
    [
        ("my son has AS, what is bone marrow edema?", "your son"),
        ("My wife suddenly has heel pain", "your wife"),
        ("our daughter was just diagnosed", "your daughter"),
        ("my 22 year old son is on Humira", "your son"),
        ("what is AS?", None),
        ("my wife said I should ask about my back", None),
        ("I have had AS for ten years", None),
    ],
)
def test_care_recipient(text, person):
    assert care_recipient(text) == person


@pytest.mark.parametrize(
    "text",
    [
        "¿Qué es la espondilitis anquilosante?",
        "Was hilft gegen Rückenschmerzen bei Morbus Bechterew?",
        "Bonjour, j'ai mal au dos depuis des années, est-ce que c'est grave?",
        "强直性脊柱炎是什么",
        "ما هو التهاب الفقار اللاصق",
        "Что такое анкилозирующий спондилит?",
    ],
)
def test_other_languages_are_noticed(text):
    assert looks_non_english(text)


@pytest.mark.parametrize(
    "text",
    [
        "what is bme",
        "hi",
        "ok",
        "wat is osteoperosis",
        "is humira a biologic?",
        "👍",
        "Merci",
        "my back hurts in the morning and at night, is that AS?",
        "que",
        "I'm on Enbrel",
    ],
)
def test_english_and_short_messages_are_not_flagged(text):
    assert not looks_non_english(text)


@pytest.mark.parametrize(
    "text, other",
    [
        ("hola buenos días", True),
        ("Ho mal di schiena da mesi", True),
        ("Merci beaucoup", False),
        ("blorp zzkx qqq", False),
        ("flibber jabber wokka", False),
        ("wot is osteoperosis", False),
        ("强直性脊柱炎", True),
    ],
)
def test_signs_of_another_language_that_let_the_classifiers_guess_stand(text, other):
    assert shows_other_language(text) is other


def test_two_questions():
    assert asks_two_questions("What is BME? And how is it treated?")
    assert asks_two_questions("what is bme and how is it treated")
    assert not asks_two_questions("what is bone marrow edema?")


def test_second_topic_uses_the_runner_up_only_for_two_questions():
    ranking = [{"name": "ask_bme_definition", "confidence": 0.6}, {"name": "ask_bme_treatment", "confidence": 0.3}]
    topics = {"ask_bme_definition", "ask_bme_treatment"}
    assert second_topic("What is BME? How is it treated?", ranking, "ask_bme_definition", topics) == "ask_bme_treatment"
    assert second_topic("What is BME?", ranking, "ask_bme_definition", topics) is None


def test_short_follow_up_stays_on_the_subject():
    from assistant.follow_up import resolve_follow_up

    follow_up = "and how is that treated?"
    assert resolve_follow_up("ask_treatment_options", follow_up, "ask_bme_definition") == "ask_bme_treatment"
    assert (
        resolve_follow_up("ask_treatment_options", "how is AS treated?", "ask_bme_definition")
        == "ask_treatment_options"
    )
    assert resolve_follow_up("ask_treatment_options", follow_up, "ask_nsaids") == "ask_treatment_options"


@pytest.mark.parametrize(
    "text, named, intent",
    [
        ("can i double my methotrexate this week", True, "ask_dosage"),
        ("should i skip my cosentyx before surgery", True, "ask_stop_medication"),
        ("can i take a break from my injections", False, "ask_stop_medication"),
        ("how many pills is too many", False, "ask_dosage"),
        ("how much prednisone for a flare", True, "ask_dosage"),
        ("can I just swap to Cosentyx?", True, "ask_stop_medication"),
        ("they put my methotrexate up to 20mg, can I just stay on 15?", True, "ask_dosage"),
        ("should I stop my Humira before the shingles vaccine?", True, "ask_stop_medication"),
        # Not asking to change anything: the educational answer, not the refusal.
        ("is there a way to stop the fusion?", False, None),
        ("does Humira stop it getting worse?", True, None),
        ("would biologics have fewer side effects than what I take?", True, None),
        ("my hair is thinning on methotrexate, what can I do?", True, None),
        ("how much can I drink on sulfasalazine?", True, None),
        ("they're switching me from Humira to a biosimilar, will it work the same?", True, None),
        ("what is humira", True, None),
        # Skipping a vaccine is not changing an AS medicine: the vaccines topic answers it.
        ("should I skip my flu shot this year while on Humira?", True, None),
        ("I'm on Humira, can I delay the covid booster?", True, None),
        ("how much does exercise help", False, None),
    ],
)
def test_medicine_question_intent(text, named, intent):
    from assistant.text_checks import medicine_question_intent

    assert medicine_question_intent(text, named) == intent


@pytest.mark.parametrize(
    "text, about_the_disease",
    [
        ("is there a way to stop the fusion?", True),
        ("how do I stop it getting worse?", True),
        ("can anything stop the progression?", True),
        # A medicine is named or the thing stopped is not the disease: it may be a request.
        ("can I stop my tablets to stop the fusion?", False),
        ("should I stop, the pain is worse", False),
        ("can I stop it?", False),
        ("can you switch me to a biosimilar?", False),
        ("what is AS", False),
    ],
)
def test_asks_to_stop_the_disease(text, about_the_disease):
    from assistant.text_checks import asks_to_stop_the_disease

    assert asks_to_stop_the_disease(text) == about_the_disease


@pytest.mark.parametrize(
    "text, medicine_at, dose",
    [
        ("how much prednisone for a flare", [9], True),
        ("how many mg of naproxen can i take", [15], True),
        ("how much of my methotrexate should he have", [15], True),
        ("how many tablets a day is normal", [], True),
        # The amount is not the medicine's, or it is money or alcohol.
        ("how many people on humira get infections", [19], False),
        ("how much does taltz cost without insurance", [14], False),
        ("how much humira costs", [9], False),
        ("how much wine can I have on methotrexate", [27], False),
        ("how much exercise should I do", [], False),
    ],
)
def test_asks_amount_of_medicine(text, medicine_at, dose):
    from assistant.text_checks import asks_amount_of_medicine

    assert asks_amount_of_medicine(text, medicine_at) == dose


def test_a_comparison_gets_its_answer_and_the_no_change_line(kb):
    from assistant.answers import educational_reply

    text = "would biologics have fewer side effects than the methotrexate I take?"
    reply = educational_reply(kb, "ask_biologics", text, "methotrexate", "biologic")
    assert kb.frame["no_change_alone"] in reply.body
    plain = educational_reply(kb, "ask_biologics", "how do biologics work?", None, "biologic")
    assert kb.frame["no_change_alone"] not in plain.body


def test_a_question_read_on_its_own_that_points_back_follows_the_main_topic(kb):
    questions = [
        {"text": "What is BME?", "intent": "ask_bme_definition", "confidence": 0.9},
        {"text": "And how is it treated?", "intent": "ask_treatment_options", "confidence": 0.8},
    ]
    assert (
        second_topic("What is BME? And how is it treated?", [], "ask_bme_definition", set(kb.topics), questions)
        == "ask_bme_treatment"
    )
