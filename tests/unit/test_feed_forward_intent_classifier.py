"""The feed-forward intent classifier learns from the featurizers' sentence features, survives being
stored and loaded, and says nothing when a message has no features."""
import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.feed_forward_intent_classifier import FeedForwardIntentClassifier

# Two featurizers, as in config.yml: a "word" block of 4 columns and a "char" block of 6.
WORDS = ["bone", "marrow", "biologic", "injection"]


def message(words, intent=None):
    counts = np.array([[words.count(w) for w in WORDS]], dtype=float)
    # A stand-in for character n-grams: how many words start with each of these letters.
    chars = np.array([[sum(w.startswith(c) for w in words) for c in "bmiaeo"]], dtype=float)
    m = Message(data={"text": " ".join(words), **({"intent": intent} if intent else {})})
    for block, origin in ((counts, "words"), (chars, "chars")):
        m.add_features(Features(scipy.sparse.coo_matrix(block), "sentence", "text", origin))
    return m


def classifier(tmp_path):
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    resource = Resource("feed_forward_intent_classifier")
    config = {**FeedForwardIntentClassifier.get_default_config(), "hidden_units": 8}
    return FeedForwardIntentClassifier.create(config, storage, resource, context), storage, resource, context


def test_it_learns_stores_and_loads(tmp_path):
    clf, storage, resource, context = classifier(tmp_path)
    examples = [message(["bone", "marrow"], "ask_bme"), message(["marrow", "bone", "bone"], "ask_bme"),
                message(["biologic"], "ask_biologics"), message(["biologic", "injection"], "ask_biologics")]
    clf.train(TrainingData(examples))

    loaded = FeedForwardIntentClassifier.load(clf.config, storage, resource, context)
    for model in (clf, loaded):
        [out] = model.process([message(["marrow"])])
        assert out.get("intent")["name"] == "ask_bme"
        ranking = out.get("intent_ranking")
        assert [r["name"] for r in ranking] == ["ask_bme", "ask_biologics"]
        assert abs(sum(r["confidence"] for r in ranking) - 1) < 1e-6
        assert ranking[0]["confidence"] > 0.5


def test_a_message_without_features_gets_no_intent(tmp_path):
    clf, *_ = classifier(tmp_path)
    clf.train(TrainingData([message(["bone"], "ask_bme"), message(["biologic"], "ask_biologics")]))
    [out] = clf.process([Message(data={"text": ""})])
    assert out.get("intent") == {"name": None, "confidence": 0.0}
    assert out.get("intent_ranking") == []


def test_a_message_with_no_known_word_gets_no_confidence_but_keeps_its_ranking(tmp_path):
    clf, *_ = classifier(tmp_path)
    clf.train(TrainingData([message(["bone", "marrow"], "ask_bme"), message(["biologic"], "ask_biologics"),
                            message(["injection", "biologic"], "ask_biologics")]))
    # "apple" is no known word; only the letter block has something ("a...").
    [out] = clf.process([message(["apple"])])
    assert out.get("intent")["confidence"] == 0.0
    assert [r["name"] for r in out.get("intent_ranking")] and out.get("intent_ranking")[0]["confidence"] > 0
