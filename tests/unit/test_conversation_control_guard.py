"""`stop` is conversation control only: a question about stopping the disease goes to what the
classifier thinks it is, given it is not "stop", and `stop` stays ruled out for later judges."""
from rasa.shared.nlu.training_data.message import Message

from components.base import RULED_OUT
from components.conversation_control_guard import ConversationControlGuard


def parsed(text, ranking):
    message = Message(data={"text": text})
    message.set("intent", ranking[0])
    message.set("intent_ranking", ranking)
    return message


def guarded(message):
    ConversationControlGuard({}).process_message(message)
    return message


def test_a_question_about_stopping_the_fusion_goes_to_the_next_topic_scaled():
    ranking = [{"name": "stop", "confidence": 0.9}, {"name": "ask_treatment_options", "confidence": 0.075},
               {"name": "ask_as_outlook", "confidence": 0.025}]
    out = guarded(parsed("is there a way to stop the fusion?", ranking))
    assert out.get("intent")["name"] == "ask_treatment_options"
    assert abs(out.get("intent")["confidence"] - 0.75) < 1e-9
    assert [r["name"] for r in out.get("intent_ranking")] == ["ask_treatment_options", "ask_as_outlook"]
    assert out.get(RULED_OUT) == ["stop", "ask_stop_medication"]


def test_stop_and_cancel_stay_conversation_control():
    for text in ("stop", "cancel the checklist", "please stop"):
        ranking = [{"name": "stop", "confidence": 0.99}, {"name": "deny", "confidence": 0.01}]
        out = guarded(parsed(text, ranking))
        assert out.get("intent")["name"] == "stop" and out.get(RULED_OUT) is None


def test_stop_is_ruled_out_even_when_it_is_not_the_first_guess():
    ranking = [{"name": "ask_treatment_options", "confidence": 0.4}, {"name": "stop", "confidence": 0.35}]
    out = guarded(parsed("stop the fusing", ranking))
    assert out.get("intent")["name"] == "ask_treatment_options"
    assert out.get(RULED_OUT) == ["stop", "ask_stop_medication"]


def test_stopping_the_disease_is_not_a_request_to_stop_a_medicine():
    ranking = [{"name": "ask_stop_medication", "confidence": 0.53},
               {"name": "ask_treatment_options", "confidence": 0.3}, {"name": "stop", "confidence": 0.1},
               {"name": "ask_as_outlook", "confidence": 0.07}]
    for text in ("is there a way to stop the fusion?", "how do I stop it getting worse?"):
        out = guarded(parsed(text, ranking))
        assert out.get("intent")["name"] == "ask_treatment_options"
        assert [r["name"] for r in out.get("intent_ranking")] == ["ask_treatment_options", "ask_as_outlook"]


def test_a_request_to_stop_a_medicine_keeps_its_refusal():
    ranking = [{"name": "ask_stop_medication", "confidence": 0.53},
               {"name": "ask_treatment_options", "confidence": 0.47}]
    humira = {"entity": "medication", "value": "adalimumab", "start": 12, "end": 18}
    biologic = {"entity": "drug_class", "value": "biologic", "start": 16, "end": 25}
    for text, entities in (("can I stop my Humira to stop the fusion?", [humira]),
                           ("can I stop my biologic, the pain is gone", [biologic]),
                           ("should I stop my tablets to stop the pain?", []),
                           ("should I stop, the pain is worse", []),
                           ("can I stop it?", [])):
        message = parsed(text, ranking)
        message.set("entities", entities)
        out = guarded(message)
        assert out.get("intent")["name"] == "ask_stop_medication", text
        assert "ask_stop_medication" not in (out.get(RULED_OUT) or []), text
