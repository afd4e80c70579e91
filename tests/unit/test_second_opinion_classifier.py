"""The full-encoder second opinion: it changes only what the fast classifier was unsure of, it
reads meaning rather than shared words, and a trained model carries its own encoder."""
import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.base import EncoderNotBuiltError
from components.second_opinion_classifier import SecondOpinionClassifier, mixed_ranking

EXAMPLES = {
    "ask_bme": ["what is bone marrow edema", "what does oedema in the bone mean on my MRI",
                "my scan shows swelling inside the bone, what is that"],
    "ask_diet": ["is there a diet that helps AS", "should I stop eating starch for my spine",
                 "which foods are good for inflammation"],
    "ask_exercise": ["what exercises help ankylosing spondylitis", "is swimming good for my back",
                     "how often should I stretch for AS"],
}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    context = ExecutionContext(GraphSchema({}), "test")
    resource = Resource("second_opinion")
    clf = SecondOpinionClassifier.create(SecondOpinionClassifier.get_default_config(), storage, resource, context)
    clf.train(TrainingData([Message(data={"text": t, "intent": i}) for i, texts in EXAMPLES.items() for t in texts]))
    return clf, storage, resource, context


def parsed(text, ranking):
    message = Message(data={"text": text})
    message.set("intent", ranking[0] if ranking else {"name": None, "confidence": 0.0})
    message.set("intent_ranking", ranking)
    return message


def test_the_topic_both_opinions_find_likely_wins_and_the_mix_sums_to_one():
    # The fast classifier leans to diet, the second opinion to BME; both give BME a fair share.
    ranking = [{"name": "ask_diet", "confidence": 0.5}, {"name": "ask_bme", "confidence": 0.4},
               {"name": "ask_exercise", "confidence": 0.1}]
    mixed = mixed_ranking(ranking, np.array([0.6, 0.1, 0.3]), ["ask_bme", "ask_diet", "ask_exercise"], 0.5)
    assert [r["name"] for r in mixed] == ["ask_bme", "ask_diet", "ask_exercise"]
    assert abs(sum(r["confidence"] for r in mixed) - 1) < 1e-9
    # An average would have made it a near tie (0.5 / 0.3 / 0.2); the product is surer.
    assert mixed[0]["confidence"] > 0.5


def test_one_opinion_alone_cannot_carry_a_topic_the_other_finds_unlikely():
    # The second opinion is sure of exercise, which the fast classifier left out of its top ten,
    # and rules out BME; diet is the one topic both find possible.
    ranking = [{"name": "ask_diet", "confidence": 0.6}, {"name": "ask_bme", "confidence": 0.4}]
    mixed = mixed_ranking(ranking, np.array([0.0, 0.1, 0.9]), ["ask_bme", "ask_diet", "ask_exercise"], 0.5)
    assert mixed[0]["name"] == "ask_diet" and mixed[0]["confidence"] > 0.9


def test_an_intent_a_rule_ruled_out_stays_out():
    ranking = [{"name": "ask_diet", "confidence": 0.1}]
    mixed = mixed_ranking(ranking, np.array([0.1, 0.1, 0.8]), ["ask_bme", "ask_diet", "stop"], 0.5, ["stop"])
    assert "stop" not in [r["name"] for r in mixed] and mixed[0]["name"] == "ask_diet"


def test_an_unsure_guess_is_corrected_by_what_the_words_mean(trained):
    clf, *_ = trained
    # No word of it is in the examples; the fast classifier half-guessed diet.
    message = parsed("My husband's MRI report says there's fluid in the marrow of his pelvis - what's that?",
                     [{"name": "ask_diet", "confidence": 0.45}, {"name": "ask_bme", "confidence": 0.35},
                      {"name": "ask_exercise", "confidence": 0.2}])
    [out] = clf.process([message])
    assert out.get("intent")["name"] == "ask_bme"
    assert out.get("intent_ranking")[0] == out.get("intent")
    assert out.get("second_opinion") is True
    assert abs(sum(r["confidence"] for r in out.get("intent_ranking")) - 1) < 1e-6


def test_a_sure_guess_and_a_message_of_unknown_words_are_left_alone(trained):
    clf, *_ = trained
    sure = [{"name": "ask_diet", "confidence": 0.9}, {"name": "ask_bme", "confidence": 0.1}]
    unknown = [{"name": "ask_diet", "confidence": 0.0}]
    for text, ranking in (("what is the marrow swelling on my MRI", sure), ("flibber jabber", unknown)):
        [out] = clf.process([parsed(text, ranking)])
        assert out.get("intent") == ranking[0]
        assert out.get("intent_ranking") == ranking
        assert out.get("second_opinion") is None


def test_empty_text_and_half_an_emoji_do_not_fail(trained):
    clf, *_ = trained
    unsure = [{"name": "ask_diet", "confidence": 0.4}, {"name": "ask_bme", "confidence": 0.3}]
    [empty] = clf.process([parsed("", unsure)])
    assert empty.get("intent") == unsure[0]
    [broken] = clf.process([parsed("what helps \ud83d my back?", unsure)])
    assert broken.get("intent")["name"] in EXAMPLES


def test_the_model_serves_with_the_encoder_it_was_trained_with_not_the_build_folders(trained, tmp_path):
    clf, storage, resource, context = trained
    elsewhere = {**clf.config, "encoder": str(tmp_path / "no-such-graph.onnx")}
    loaded = SecondOpinionClassifier.load(elsewhere, storage, resource, context)
    text = "which foods calm inflammation down?"
    assert np.allclose(loaded.probabilities(text), clf.probabilities(text), atol=1e-6)


def test_training_without_the_built_encoder_says_how_to_build_it(tmp_path):
    config = {**SecondOpinionClassifier.get_default_config(), "encoder": str(tmp_path / "missing.onnx")}
    clf = SecondOpinionClassifier.create(config, LocalModelStorage(tmp_path), Resource("so"),
                                         ExecutionContext(GraphSchema({}), "test"))
    with pytest.raises(EncoderNotBuiltError, match="make install"):
        clf.train(TrainingData([Message(data={"text": "hi", "intent": "greet"})]))
