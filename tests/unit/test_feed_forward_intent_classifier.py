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


def message_with_tokens(text):
    """A message as the pipeline leaves it: tokens, and per-token (sequence) features next to
    the sentence features, for a sparse block and a dense (embedding-like) block."""
    from rasa.nlu.tokenizers.tokenizer import Token

    tokens, start = [], 0
    for word in text.split():
        start = text.index(word, start)
        tokens.append(Token(word.strip("?"), start, start + len(word)))
        start += len(word)
    words = [t.text for t in tokens]
    rows = np.array([[float(w == v) for v in WORDS] for w in words])
    dense = np.array([[float(w in ("bone", "marrow")), float(w in ("biologic", "injection"))] for w in words])
    m = Message(data={"text": text})
    m.set("text_tokens", tokens)
    m.add_features(Features(scipy.sparse.coo_matrix(rows), "sequence", "text", "words"))
    m.add_features(Features(scipy.sparse.coo_matrix(rows.sum(0, keepdims=True)), "sentence", "text", "words"))
    m.add_features(Features(dense, "sequence", "text", "embedding"))
    m.add_features(Features(dense.mean(0, keepdims=True), "sentence", "text", "embedding"))
    return m


def test_each_question_of_a_message_is_classified_on_its_own(tmp_path):
    clf, *_ = classifier(tmp_path)
    clf.config.update(hidden_units=32, max_epochs=2000)
    examples = []
    for text, intent in [("bone marrow?", "ask_bme"), ("marrow bone bone?", "ask_bme"), ("bone?", "ask_bme"),
                         ("biologic?", "ask_biologics"), ("biologic injection?", "ask_biologics"),
                         ("injection?", "ask_biologics")]:
        m = message_with_tokens(text)
        m.set("intent", intent)
        examples.append(m)
    clf.train(TrainingData(examples))
    [out] = clf.process([message_with_tokens("my son has pain. what is bone marrow? and is a biologic injection?")])
    assert [(q["text"], q["intent"]) for q in out.get("questions")] == [
        ("what is bone marrow?", "ask_bme"), ("and is a biologic injection?", "ask_biologics")]
    [single] = clf.process([message_with_tokens("bone marrow?")])
    assert single.get("questions") == []
