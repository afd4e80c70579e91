"""No stale model: what shapes the topic classifier is in its training fingerprint and in the
Makefile's training inputs, so both Rasa's cache and make retrain when it changes."""

import os
import subprocess
from pathlib import Path

from dataclasses import replace

from assistant.knowledge import load_knowledge_base
from assistant.medications import MedicationFinder, medication_finder
from components.base import FEATURE_CODE, feature_fingerprint, files_fingerprint
from components.topic_classifier import TopicClassifier
from tests.conftest import ROOT


def test_the_fingerprint_covers_the_model_code_the_encoder_the_catalog_and_the_components_own_module():
    names = {Path(c).name for c in FEATURE_CODE}
    # The catalog's names and classes are part of what the classifier reads (medications.py).
    assert {"topic_model.py", "sentence_encoder.py", "medications.py"} <= names
    assert all((ROOT / c).is_file() for c in FEATURE_CODE)
    config = TopicClassifier.get_default_config()
    assert (
        TopicClassifier.fingerprint_addon(config)
        == feature_fingerprint(TopicClassifier)
        + files_fingerprint([Path(config["encoder"])])
        + medication_finder().reading_fingerprint()
    )


def test_the_classifier_retrains_when_a_medicine_name_changes_not_when_its_text_does():
    kb = load_knowledge_base()
    before = MedicationFinder(kb).reading_fingerprint()
    humira = kb.medications["adalimumab"]
    reworded = replace(humira, about=humira.about + " Reworded.")
    kb.medications["adalimumab"] = reworded
    assert MedicationFinder(kb).reading_fingerprint() == before
    kb.medications["adalimumab"] = replace(humira, brands=humira.brands + ("Newbrandimab",))
    assert MedicationFinder(kb).reading_fingerprint() != before


def make_variable(name: str) -> str:
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root")}
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval", f"print-var: ; @echo $({name})", "print-var"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_make_retrains_when_a_fingerprinted_file_changes():
    inputs = set(make_variable("TRAINING_INPUTS").split())
    missing = [f for f in [*FEATURE_CODE, "data/knowledge/medications.yml"] if f not in inputs]
    assert not missing, f"add to FEATURE_FILES in the Makefile: {missing}"
    assert {"config.yml", "domain.yml"} <= inputs
    assert any(i.startswith("components/") for i in inputs)
