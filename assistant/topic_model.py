"""The topic classifier: a logistic regression over what the words are and what they mean.

Two blocks of features, side by side, for the whole message:
- words: TF-IDF of word 1-2-grams and of character 2-4-grams (the character grams make typos
  like "osteoperosis" look like the word they mean);
- meaning: the all-MiniLM-L6-v2 sentence vector (the int8 ONNX encoder), so real patients'
  words that no example used land near examples that mean the same.

This is the simplest model that scored best on the sealed test half of the real questions,
against a feed-forward network, a second opinion and question-focus features (docs/decisions/,
"One topic classifier"); scripts/nlu_baselines.py trains the same model family as the yardstick
every run. Plain numpy and scikit-learn, no Rasa: components/topic_classifier.py serves it.

Stored as plain arrays and JSON (vocabularies, idf weights, coefficients), never a pickle, so
loading a model runs no code from it.
"""

import json
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import scipy.sparse

# The character grams: a gram seen in one example only is mostly a typo of that example.
CHAR_MIN_DF = 2
# lbfgs stops at this gradient tolerance: 1e-2 gave the same dev accuracy as 1e-4 in about half the time.
TOLERANCE = 1e-2
Encoder = Callable[[str], np.ndarray]


def _vectorizers():
    from sklearn.feature_extraction.text import TfidfVectorizer

    return (
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32),
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=CHAR_MIN_DF, dtype=np.float32
        ),
    )


def _restore(vectorizer, vocabulary: Dict[str, int], idf: np.ndarray):
    vectorizer.vocabulary_ = vocabulary
    vectorizer.idf_ = idf
    return vectorizer


class TopicModel:
    def __init__(self, encoder: Optional[Encoder], use_words: bool = True, use_meaning: bool = True) -> None:
        if not (use_words or use_meaning):
            raise ValueError("TopicModel needs words, meaning or both.")
        self.encoder = encoder
        self.use_words, self.use_meaning = use_words, use_meaning
        self.words, self.chars = _vectorizers()
        self.weights: Optional[np.ndarray] = None  # (labels, features)
        # The same weights as (features, labels), contiguous, for scoring: a sparse row times
        # the transposed view made scipy copy all the weights on every message (1.6 ms, about a
        # fifth of the Rasa server's CPU under load); times this copy it is 0.02 ms.
        self._scoring: Optional[np.ndarray] = None
        self.bias: Optional[np.ndarray] = None
        self.labels: List[str] = []

    # -- features ---------------------------------------------------------------------------
    def features(self, texts: Sequence[str], meaning: Optional[np.ndarray] = None) -> scipy.sparse.csr_matrix:
        blocks = []
        if self.use_words:
            blocks += [self.words.transform(texts), self.chars.transform(texts)]
        if self.use_meaning:
            if meaning is None:
                meaning = np.stack([self._encode(t) for t in texts])
            blocks.append(scipy.sparse.csr_matrix(meaning))
        return scipy.sparse.hstack(blocks, format="csr", dtype=np.float32)

    def _encode(self, text: str) -> np.ndarray:
        if self.encoder is None:
            raise ValueError("TopicModel: no sentence encoder.")
        return self.encoder(text)

    def knows_a_word(self, text: str) -> bool:
        """False when not one word of the text was seen in training ("flibber jabber"): a guess
        from letters or meaning alone would answer gibberish."""
        # The vocabulary lookup alone: the word features themselves are built once, for the ranking.
        vocabulary = self.words.vocabulary_
        return any(term in vocabulary for term in self.words.build_analyzer()(text))

    # -- training and prediction ------------------------------------------------------------
    def fit(
        self, texts: Sequence[str], intents: Sequence[str], meaning: Optional[np.ndarray] = None, c: float = 10.0
    ) -> "TopicModel":
        from sklearn.linear_model import LogisticRegression

        if self.use_words:
            self.words.fit(texts)
            self.chars.fit(texts)
        features = self.features(texts, meaning)
        model = LogisticRegression(C=c, max_iter=1000, tol=TOLERANCE).fit(features, list(intents))
        if len(model.classes_) < 3:
            raise ValueError("TopicModel needs examples of at least three intents.")
        self.set_weights(model.coef_, model.intercept_)
        self.labels = [str(label) for label in model.classes_]
        return self

    def set_weights(self, weights: np.ndarray, bias: np.ndarray) -> None:
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)
        self._scoring = np.ascontiguousarray(self.weights.T)
        self.bias = np.asarray(bias, dtype=np.float32)

    def probabilities(self, texts: Sequence[str], meaning: Optional[np.ndarray] = None) -> np.ndarray:
        if self._scoring is None or self.bias is None:
            raise ValueError("TopicModel: not trained.")
        scores = np.asarray(self.features(texts, meaning) @ self._scoring) + self.bias
        scores = np.exp(scores - scores.max(1, keepdims=True))
        return scores / scores.sum(1, keepdims=True)

    def ranking(self, text: str, length: int = 10) -> List[Tuple[str, float]]:
        p = self.probabilities([text])[0]
        order = np.argsort(-p)[:length]
        return [(self.labels[i], float(p[i])) for i in order]

    def predict(self, texts: Sequence[str], meaning: Optional[np.ndarray] = None) -> List[str]:
        return [self.labels[i] for i in self.probabilities(texts, meaning).argmax(1)]

    # -- storage ----------------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        if self.weights is None or self.bias is None:
            raise ValueError("TopicModel: nothing to save before training.")
        np.savez(
            directory / "topic_model.npz",
            weights=self.weights,
            bias=self.bias,
            word_idf=getattr(self.words, "idf_", np.zeros(0)),
            char_idf=getattr(self.chars, "idf_", np.zeros(0)),
        )
        vocabularies = {
            "words": {k: int(v) for k, v in getattr(self.words, "vocabulary_", {}).items()},
            "chars": {k: int(v) for k, v in getattr(self.chars, "vocabulary_", {}).items()},
        }
        (directory / "topic_model.json").write_text(
            json.dumps(
                {
                    "labels": self.labels,
                    "use_words": self.use_words,
                    "use_meaning": self.use_meaning,
                    "vocabularies": vocabularies,
                }
            )
        )

    @classmethod
    def load(cls, directory: Path, encoder: Optional[Encoder]) -> "TopicModel":
        meta = json.loads((directory / "topic_model.json").read_text())
        with np.load(directory / "topic_model.npz", allow_pickle=False) as arrays:
            model = cls(encoder, meta["use_words"], meta["use_meaning"])
            model.set_weights(arrays["weights"], arrays["bias"])
            if model.use_words:
                _restore(model.words, meta["vocabularies"]["words"], arrays["word_idf"])
                _restore(model.chars, meta["vocabularies"]["chars"], arrays["char_idf"])
        model.labels = meta["labels"]
        return model
