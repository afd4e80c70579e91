"""Distil the static sentence encoder from all-MiniLM-L6-v2 (run by `make install`).

The model2vec method, in numpy: every word piece of the vocabulary goes through the full
encoder on its own ([CLS] piece [SEP], mean-pooled), the vectors are reduced with PCA, and
each is weighted by log(1 + rank), since BERT's vocabulary lists common words first and
common words carry little meaning. The result is a table of one vector per piece, read by
`assistant.sentence_encoder.StaticEncoder`. Deterministic: the same weights give the same file.

    python scripts/build_sentence_encoder.py build/sentence_encoder/minilm_static.npz
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from assistant.sentence_encoder import TransformerEncoder, minilm_dir  # noqa: E402

DIMENSIONS = 256
BATCH = 512


def distil(encoder: TransformerEncoder, dimensions: int) -> np.ndarray:
    vocab_size = encoder.w["embeddings.word_embeddings.weight"].shape[0]
    cls, sep = encoder.tokenizer.token_to_id("[CLS]"), encoder.tokenizer.token_to_id("[SEP]")
    vectors = np.empty((vocab_size, encoder.dim), dtype=np.float32)
    for start in range(0, vocab_size, BATCH):
        pieces = np.arange(start, min(start + BATCH, vocab_size))
        ids = np.stack([np.full_like(pieces, cls), pieces, np.full_like(pieces, sep)], axis=1)
        vectors[pieces] = encoder.encode_batch(ids)
    # PCA: centre, then project on the leading directions (the SVD of the covariance).
    centred = vectors - vectors.mean(0)
    _, _, components = np.linalg.svd(centred.astype(np.float64), full_matrices=False)
    reduced = centred @ components[:dimensions].T.astype(np.float32)
    weights = np.log1p(np.arange(vocab_size, dtype=np.float32))[:, None]
    return (reduced * weights).astype(np.float16)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--dimensions", type=int, default=DIMENSIONS)
    args = parser.parse_args()
    started = time.perf_counter()
    table = distil(TransformerEncoder(minilm_dir()), args.dimensions)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, embeddings=table)
    tmp.replace(args.out)
    print(f"{args.out}: {table.shape[0]} pieces x {table.shape[1]} dims, "
          f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
