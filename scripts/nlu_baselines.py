"""The simple baselines the served pipeline must beat, trained on the same data every run.

Three logistic regressions over the training examples of data/nlu (the same examples Rasa
trains on; entity annotations stripped):

- TF-IDF + LR: word 1-2-grams and character 2-4-grams;
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
BASELINES = {"TF-IDF + LR": (True, False), "MiniLM + LR": (False, True), "MiniLM + TF-IDF + LR": (True, True)}


def train_baselines(texts: Sequence[str], intents: Sequence[str], minilm: MiniLM) -> Dict[str, Predict]:
    """The three baselines, trained: the served model's own family (assistant/topic_model.py)
    with one block of features or both, the whole message only, and no fallback or rules."""
    from assistant.topic_model import TopicModel

    meaning = minilm(texts)
    models = {}
    for name, (words, sense) in BASELINES.items():
        model = TopicModel(None, use_words=words, use_meaning=sense).fit(texts, intents, meaning if sense else None)
        models[name] = _predictor(model, minilm, sense)
    return models


def _predictor(model, minilm: MiniLM, sense: bool) -> Predict:
    return lambda batch: model.predict(batch, minilm(batch) if sense else None)
