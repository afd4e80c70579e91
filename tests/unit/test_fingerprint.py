"""No stale model: what shapes the features is in the components' training fingerprint and in
the Makefile's training inputs, so both Rasa's cache and make retrain when it changes."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from rasa.engine.training.fingerprinting import calculate_fingerprint_key

from assistant.knowledge import DEFAULT_KNOWLEDGE_DIR
from components.base import FEATURE_CODE, FEATURE_KNOWLEDGE, feature_fingerprint
from components.feed_forward_intent_classifier import FeedForwardIntentClassifier
from components.question_focus_tokenizer import QuestionFocusTokenizer

ROOT = Path(__file__).resolve().parents[2]


def tokenizer_key() -> str:
    return calculate_fingerprint_key(QuestionFocusTokenizer, QuestionFocusTokenizer.get_default_config(), {})


@pytest.fixture
def catalog_copy(tmp_path, monkeypatch):
    directory = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, directory)
    monkeypatch.setenv("KNOWLEDGE_DIR", str(directory))
    return directory / "medications.yml"


def test_changing_the_catalog_changes_the_tokenizers_fingerprint(catalog_copy):
    before = tokenizer_key()
    assert tokenizer_key() == before  # stable while nothing changes
    data = yaml.safe_load(catalog_copy.read_text())
    generic = next(iter(data["medications"]))
    data["medications"][generic]["brands"] = list(data["medications"][generic].get("brands") or []) + ["Newbrand"]
    catalog_copy.write_text(yaml.safe_dump(data, sort_keys=False))
    assert tokenizer_key() != before


def test_the_fingerprint_covers_the_feature_code_and_the_components_own_module(tmp_path):
    names = {Path(c).name for c in FEATURE_CODE}
    assert {"question_focus.py", "medications.py", "phrase_matching.py"} <= names
    assert all((ROOT / c).is_file() for c in FEATURE_CODE)
    # The classifier's module-level helpers (sentence_vector) count too: its whole file is hashed.
    assert FeedForwardIntentClassifier.fingerprint_addon({}) == feature_fingerprint(
        FeedForwardIntentClassifier, code=(), knowledge=())


def make_variable(name: str) -> str:
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root")}
    done = subprocess.run(["make", "-s", "--no-print-directory", "--eval", f"print-var: ; @echo $({name})",
                           "print-var"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_make_retrains_when_a_fingerprinted_file_changes():
    inputs = set(make_variable("TRAINING_INPUTS").split())
    knowledge = [str((DEFAULT_KNOWLEDGE_DIR / k).relative_to(ROOT)) for k in FEATURE_KNOWLEDGE]
    missing = [f for f in (*FEATURE_CODE, *knowledge) if f not in inputs]
    assert not missing, f"add to FEATURE_FILES in the Makefile: {missing}"
    assert {"config.yml", "domain.yml"} <= inputs
    assert any(i.startswith("components/") for i in inputs)
