"""The sentence encoder: the numpy MiniLM matches the reference model, the ONNX graph built
from the same weights matches the numpy one (float exactly, int8 closely), and int8 keeps
paraphrases nearer than other topics."""

import numpy as np

from assistant.sentence_encoder import OnnxEncoder, TransformerEncoder, minilm_dir
from tests.conftest import ROOT

GRAPH = ROOT / "build/sentence_encoder/minilm_int8.onnx"  # built by `make install`
SENTENCES = [
    "what is humira",
    "hi",
    "My husband (41) has had AS for 12 years. His MRI showed oedema in the SI joints - "
    "does that mean the Cosentyx isn't working, and should we ask about switching?",
    "wat is bone marow edema 😕",
    "",
]


def cosine(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_numpy_minilm_matches_the_reference_model():
    # sentence-transformers' all-MiniLM-L6-v2 (torch 2.13, CPU) gave these for "what is humira".
    reference = [-0.00764769, 0.02112972, -0.00057172, -0.040325, 0.0089303]
    vector = TransformerEncoder(minilm_dir()).encode("what is humira")
    assert np.allclose(vector[:5], reference, atol=1e-5)
    assert abs(np.linalg.norm(vector) - 1) < 1e-5


def test_onnx_graph_computes_what_the_numpy_encoder_does(tmp_path):
    from scripts.build_onnx_encoder import build_graph

    import onnx

    numpy_encoder = TransformerEncoder(minilm_dir())
    onnx.save(build_graph(minilm_dir()), str(tmp_path / "float.onnx"))
    graphs = {
        "float": OnnxEncoder(tmp_path / "float.onnx", minilm_dir() / "tokenizer.json"),
        "int8": OnnxEncoder(GRAPH, minilm_dir() / "tokenizer.json"),
    }
    for text in SENTENCES:
        expected = numpy_encoder.encode(text)
        assert np.allclose(graphs["float"].encode(text), expected, atol=1e-5), text
        assert cosine(graphs["int8"].encode(text), expected) > 0.97, text
    # int8 keeps meaning: a paraphrase stays nearer than another topic
    int8 = graphs["int8"]
    night = int8.encode("my back pain wakes me up at night")
    assert cosine(night, int8.encode("lower back hurts in the middle of the night")) > cosine(
        night, int8.encode("how much do biologics cost with insurance")
    )
