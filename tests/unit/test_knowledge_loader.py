"""The loader accepts the real knowledge base and refuses broken files by name."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from assistant.knowledge import DEFAULT_KNOWLEDGE_DIR, KnowledgeBaseError, load_knowledge_base
from tests.conftest import ROOT


def test_real_knowledge_base_loads(kb):
    assert len(kb.topics) >= 38
    assert len(kb.medications) >= 20
    assert len(kb.red_flags) >= 9
    assert all(t.sources for t in kb.topics.values())


@pytest.fixture
def broken_dir(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, target)
    return target


def _edit(path: Path, change):
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.mark.parametrize(
    "change, entry, problem",
    [
        (lambda d: d["topics"]["ask_bme_definition"].pop("answer"), "ask_bme_definition", "'answer' is missing"),
        (lambda d: d["topics"]["ask_bme_cause"].update(answer="   "), "ask_bme_cause", "'answer' is missing or empty"),
        (
            lambda d: d["topics"]["ask_bme_symptoms"].update(sources=["made_up_journal"]),
            "ask_bme_symptoms",
            "unknown source",
        ),
        (lambda d: d["topics"]["ask_bme_treatment"].pop("reviewed"), "ask_bme_treatment", "'reviewed'"),
        (
            lambda d: d["topics"]["ask_bme_diagnosis"].update(related=["ask_nothing"]),
            "ask_bme_diagnosis",
            "unknown topics",
        ),
    ],
)
def test_broken_topic_names_file_and_entry(broken_dir, change, entry, problem):
    _edit(broken_dir / "topics" / "bone_marrow_edema.yml", change)
    with pytest.raises(KnowledgeBaseError) as err:
        load_knowledge_base(broken_dir)
    message = str(err.value)
    assert "bone_marrow_edema.yml" in message and entry in message and problem in message


@pytest.mark.parametrize("field", ["url", "accessed"])
def test_a_source_without_its_address_or_access_date_is_refused(broken_dir, field):
    _edit(broken_dir / "sources.yml", lambda d: d["sources"]["nhs"].pop(field))
    with pytest.raises(KnowledgeBaseError, match=rf"sources.yml, entry 'nhs'.*'{field}'"):
        load_knowledge_base(broken_dir)


def test_a_source_address_must_be_a_web_address(broken_dir):
    _edit(broken_dir / "sources.yml", lambda d: d["sources"]["nhs"].update(url="NHS website"))
    with pytest.raises(KnowledgeBaseError, match=r"sources.yml, entry 'nhs'.*'url'"):
        load_knowledge_base(broken_dir)


@pytest.mark.parametrize(
    "file, section, entry",
    [
        ("topics/bone_marrow_edema.yml", "topics", "ask_bme_definition"),
        ("medications.yml", "medications", "adalimumab"),
        ("medications.yml", "drug_classes", "nsaid"),
        ("red_flags.yml", "red_flags", "self_harm"),
    ],
)
def test_an_entry_without_its_reviewer_is_refused(broken_dir, file, section, entry):
    _edit(broken_dir / file, lambda d: d[section][entry].pop("reviewed_by"))
    with pytest.raises(KnowledgeBaseError, match=rf"entry '{entry}'.*'reviewed_by'"):
        load_knowledge_base(broken_dir)


def test_a_red_flag_without_its_closing_action_is_refused(broken_dir):
    _edit(broken_dir / "red_flags.yml", lambda d: d["red_flags"]["chest_breathing"].pop("action"))
    with pytest.raises(KnowledgeBaseError, match=r"entry 'chest_breathing'.*'action'"):
        load_knowledge_base(broken_dir)


def test_broken_medication_names_entry(broken_dir):
    _edit(broken_dir / "medications.yml", lambda d: d["medications"]["adalimumab"].update(**{"class": "vitamin"}))
    with pytest.raises(KnowledgeBaseError, match=r"medications.yml, entry 'adalimumab'.*'class'"):
        load_knowledge_base(broken_dir)


def test_invalid_yaml_is_reported(broken_dir):
    (broken_dir / "sources.yml").write_text("sources: [unclosed\n")
    with pytest.raises(KnowledgeBaseError, match="sources.yml.*not valid YAML"):
        load_knowledge_base(broken_dir)


def test_missing_file_is_reported(broken_dir):
    (broken_dir / "red_flags.yml").unlink()
    with pytest.raises(KnowledgeBaseError, match="red_flags.yml.*missing"):
        load_knowledge_base(broken_dir)


def test_action_server_refuses_to_start_with_a_broken_file(broken_dir):
    _edit(broken_dir / "topics" / "bones.yml", lambda d: d["topics"]["ask_bone_density"].update(sources=["nobody"]))
    env = {**os.environ, "KNOWLEDGE_DIR": str(broken_dir), "RASA_TELEMETRY_ENABLED": "false"}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "run", "actions", "--actions", "actions", "--port", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "bones.yml, entry 'ask_bone_density'" in result.stdout + result.stderr
