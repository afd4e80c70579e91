"""A small feed-forward intent classifier over the featurizers' sparse sentence features.

One hidden layer (ReLU) and a softmax, trained with scikit-learn's MLPClassifier on the word
and character n-gram counts: the same shape as the feed-forward DIET it replaces, without
TensorFlow. A message is classified with two small numpy products instead of a TensorFlow
call, which was about a fifth of the Rasa server's time per message under load. On the
held-out set it is more accurate than that DIET and than logistic regression (README,
"Speed"): the hidden layer can weigh words together ("BME" with "treated"), which a linear
model cannot.

Each featurizer's block is scaled to unit length before the blocks are joined, so a
100-word story and a 3-word question weigh the same, and the word and the character
features count equally. The model is stored as plain arrays (numpy .npz and JSON), not a
pickle, so loading a model runs no code from it.
"""
import json
from typing import Any, Dict, List, NamedTuple, Optional, Text, Tuple

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.question_focus import question_spans
from components.base import feature_fingerprint

# Where each question of a several-question message is classified on its own (parse data).
QUESTIONS_KEY = "questions"

# (weights, bias) of the hidden layer, then of the output layer
Layers = List[Tuple[np.ndarray, np.ndarray]]


class Vector(NamedTuple):
    columns: np.ndarray
    values: np.ndarray
    width: int
    # False when a count featurizer knew nothing in the message: no word seen in training.
    complete: bool


def _join(blocks: List[Tuple[np.ndarray, np.ndarray, int, bool]]) -> Vector:
    """Blocks (columns, values, width, sparse) side by side, each scaled to length 1."""
    columns, values, width, complete = [], [], 0, True
    for block_columns, block_values, block_width, sparse in blocks:
        norm = np.linalg.norm(block_values)
        columns.append(block_columns + width)
        values.append(block_values / norm if norm else block_values)
        width += block_width
        complete = complete and (bool(norm) or not sparse)
    return Vector(np.concatenate(columns), np.concatenate(values).astype(np.float32), width, complete)


def _text_features(message: Message, kind: str) -> List[Any]:
    # A fixed order, by block width, so training and serving join the blocks alike.
    found = [f for f in message.features if f.attribute == TEXT and f.type == kind]
    return sorted(found, key=lambda f: (f.features.shape[1], f.is_sparse()))


def sentence_vector(message: Message) -> Optional[Vector]:
    """The message's sentence features: the count featurizers' sparse blocks and the sentence
    embedding's dense block, each scaled to length 1, side by side."""
    blocks = []
    for f in _text_features(message, "sentence"):
        if f.is_sparse():
            block = scipy.sparse.csr_matrix(f.features)
            block.sum_duplicates()
            blocks.append((block.indices, block.data.astype(np.float32), block.shape[1], True))
        else:
            row = np.asarray(f.features, dtype=np.float32).reshape(-1)
            blocks.append((np.arange(row.size), row, row.size, False))
    return _join(blocks) if blocks else None


def span_vector(message: Message, start: int, end: int) -> Optional[Vector]:
    """The features one sentence of the message would have on its own, from the sequence
    features of its tokens: counts add up, the sentence embedding is the same on each token."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    rows = [i for i, t in enumerate(tokens) if start <= t.start < end]
    blocks = []
    for f in _text_features(message, "sequence"):
        if not rows or f.features.shape[0] != len(tokens):
            return None
        if f.is_sparse():
            summed = scipy.sparse.csr_matrix(f.features)[rows].sum(axis=0).A1
            nonzero = np.flatnonzero(summed)
            blocks.append((nonzero, summed[nonzero].astype(np.float32), summed.size, True))
        else:
            row = np.asarray(f.features, dtype=np.float32)[rows].mean(axis=0)
            blocks.append((np.arange(row.size), row, row.size, False))
    return _join(blocks) if blocks else None


def probabilities(layers: Layers, columns: np.ndarray, values: np.ndarray) -> np.ndarray:
    (hidden_weights, hidden_bias), (output_weights, output_bias) = layers
    # Only the rows of the message's own features: a sparse product, done by hand. Sums of
    # products rather than `@`: for sizes this small, BLAS's threads only spun on the other
    # core (the Rasa server's CPU per message doubled under load).
    hidden = np.maximum((hidden_weights[columns] * values[:, None]).sum(axis=0) + hidden_bias, 0)
    scores = (output_weights * hidden[:, None]).sum(axis=0) + output_bias
    scores = np.exp(scores - scores.max())
    return scores / scores.sum()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FeedForwardIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Chosen on tests/nlu_holdout.yml (README, "Speed").
        return {"hidden_units": 256, "max_epochs": 200, "random_seed": 42}

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        """This whole module (sentence_vector and probabilities are outside the class, which is
        all Rasa's own fingerprint reads): retrain when it changes."""
        return feature_fingerprint(cls, code=(), knowledge=())

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 layers: Optional[Layers] = None, labels: Optional[List[Text]] = None) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.layers, self.labels = layers, labels or []

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "FeedForwardIntentClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.neural_network import MLPClassifier
        from threadpoolctl import threadpool_limits

        columns, values, row_starts, intents, width = [], [], [0], [], 0
        for message in training_data.intent_examples:
            vector = sentence_vector(message)
            if vector is not None:
                columns.append(vector.columns)
                values.append(vector.values)
                row_starts.append(row_starts[-1] + len(vector.columns))
                intents.append(message.get(INTENT))
                width = vector.width
        if len(set(intents)) < 2:
            raise ValueError("FeedForwardIntentClassifier needs examples of at least two intents.")
        features = scipy.sparse.csr_matrix(
            (np.concatenate(values), np.concatenate(columns), np.array(row_starts)),
            shape=(len(intents), width), dtype=np.float32)
        model = MLPClassifier(hidden_layer_sizes=(int(self.config["hidden_units"]),),
                              max_iter=int(self.config["max_epochs"]),
                              random_state=int(self.config["random_seed"]))
        # float32 and one BLAS thread: on 2 cores, threads fighting over the wide first layer
        # tripled the training time.
        with threadpool_limits(1):
            model.fit(features, intents)
        output_weights, output_bias = model.coefs_[1], model.intercepts_[1]
        if len(model.classes_) == 2:
            # sklearn keeps one score (the second class's, through a sigmoid); the first
            # scores 0, so the softmax gives sklearn's own probabilities.
            output_weights = np.hstack([np.zeros_like(output_weights), output_weights])
            output_bias = np.concatenate([[0.0], output_bias])
        self.layers = [(np.ascontiguousarray(model.coefs_[0], dtype=np.float32),
                        model.intercepts_[0].astype(np.float32)),
                       (output_weights.astype(np.float32), output_bias.astype(np.float32))]
        self.labels = [str(label) for label in model.classes_]
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            vector = sentence_vector(message) if self.layers is not None else None
            if vector is None or self.layers is None:
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            p = probabilities(self.layers, vector.columns, vector.values)
            order = np.argsort(-p)[:LABEL_RANKING_LENGTH]
            ranking = [{"name": self.labels[i], "confidence": float(p[i])} for i in order]
            # Not one known word ("flibber jabber wokka", a lone typo): the guess rests on
            # letters alone. Its confidence is 0, so the fallback asks, and did-you-mean can
            # still offer the ranking's first topics.
            top = ranking[0] if vector.complete else {**ranking[0], "confidence": 0.0}
            message.set(INTENT, top, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            message.set(QUESTIONS_KEY, self.each_question(message), add_to_output=True)
        return messages

    def each_question(self, message: Message) -> List[Dict[Text, Any]]:
        """Each "?" sentence of a message that asks several, classified on its own."""
        text = message.get(TEXT) or ""
        spans = question_spans(text)
        if len(spans) < 2 or self.layers is None:
            return []
        questions = []
        for start, end in spans:
            vector = span_vector(message, start, end)
            if vector is None or not vector.complete:
                continue
            p = probabilities(self.layers, vector.columns, vector.values)
            best = int(np.argmax(p))
            questions.append({"text": text[start:end].strip(), "intent": self.labels[best],
                              "confidence": float(p[best])})
        return questions

    def persist(self) -> None:
        if self.layers is None:
            raise ValueError("FeedForwardIntentClassifier: nothing to persist before training.")
        (hidden_weights, hidden_bias), (output_weights, output_bias) = self.layers
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / "layers.npz", hidden_weights=hidden_weights, hidden_bias=hidden_bias,
                     output_weights=output_weights, output_bias=output_bias)
            (directory / "labels.json").write_text(json.dumps(self.labels))

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "FeedForwardIntentClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                a = np.load(directory / "layers.npz", allow_pickle=False)
                labels = json.loads((directory / "labels.json").read_text())
        except (ValueError, FileNotFoundError) as error:
            # Without weights every message would get "did you mean", silently: refuse instead.
            raise ValueError("FeedForwardIntentClassifier: the model holds no trained weights "
                             f"({type(error).__name__}); train it again (make train).") from error
        layers = [(a["hidden_weights"], a["hidden_bias"]), (a["output_weights"], a["output_bias"])]
        return cls(config, model_storage, resource, layers, labels)
