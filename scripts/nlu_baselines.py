"""The simple baselines the served pipeline must beat, trained on the same data every run.

Three logistic regressions over the training examples of data/nlu (the same examples Rasa
trains on; entity annotations stripped):

- TF-IDF + LR: word 1-2-grams and character 2-5-grams;
- MiniLM + LR: the whole message through the project's int8 ONNX all-MiniLM-L6-v2 encoder;
- MiniLM + TF-IDF + LR: both, side by side.

No fallback threshold and no rules: a baseline always answers its top intent. `make test-nlu`
(scripts/evaluate_understanding.py) scores them on the real-question halves beside the
pipeline; the pipeline keeps a part only where it beats the best of them on the sealed half.
"""
import re
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

import numpy as np
import scipy.sparse
import yaml

ROOT = Path(__file__).resolve().parent.parent
ONNX_ENCODER = ROOT / "build/sentence_encoder/minilm_int8.onnx"
_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]+\)|\[([^\]]+)\]\{[^}]+\}")


def training_examples(nlu_dir: Path = ROOT / "data/nlu") -> Tuple[List[str], List[str]]:
    """(texts, intents) of every intent example under nlu_dir, annotations stripped."""
    texts, intents = [], []
    for path in sorted(nlu_dir.rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text()) or {}).get("nlu", []):
            if "intent" not in block:
                continue
            for line in (block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    texts.append(_ANNOTATION.sub(lambda m: m.group(1) or m.group(2), line[2:]).strip())
                    intents.append(block["intent"])
    return texts, intents


def tfidf_vectorizer():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
    ])


class MiniLM:
    """Whole-message vectors from the int8 ONNX encoder, remembered per text for this run."""

    def __init__(self, graph: Path = ONNX_ENCODER) -> None:
        from assistant.sentence_encoder import OnnxEncoder, minilm_dir

        self.encoder = OnnxEncoder(graph, minilm_dir() / "tokenizer.json")
        self.cache: Dict[str, np.ndarray] = {}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        for text in texts:
            if text not in self.cache:
                self.cache[text] = self.encoder.encode(text)
        return np.stack([self.cache[t] for t in texts])


Predict = Callable[[Sequence[str]], List[str]]


def train_baselines(texts: Sequence[str], intents: Sequence[str], minilm: MiniLM, c: float = 10.0) -> Dict[str, Predict]:
    """The three baselines, trained; each maps texts to top intents."""
    from sklearn.linear_model import LogisticRegression

    def fit(features):
        return LogisticRegression(C=c, max_iter=3000).fit(features, list(intents))

    tfidf = tfidf_vectorizer().fit(texts)
    sparse_train = tfidf.transform(texts)
    dense_train = minilm(texts)
    tfidf_lr = fit(sparse_train)
    minilm_lr = fit(dense_train)
    both_lr = fit(scipy.sparse.hstack([sparse_train, scipy.sparse.csr_matrix(dense_train)]).tocsr())

    def both(batch):
        return scipy.sparse.hstack([tfidf.transform(batch), scipy.sparse.csr_matrix(minilm(batch))]).tocsr()

    return {
        "TF-IDF + LR": lambda batch: list(tfidf_lr.predict(tfidf.transform(batch))),
        "MiniLM + LR": lambda batch: list(minilm_lr.predict(minilm(batch))),
        "MiniLM + TF-IDF + LR": lambda batch: list(both_lr.predict(both(batch))),
    }
