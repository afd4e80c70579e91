"""One vocabulary: every intent name the Python code uses is one domain.yml declares.

The names live in assistant/intents.py; the routing tables are data (data/knowledge/routing.yml,
checked by assistant/routing.py when it loads). These tests read domain.yml as it is, so new
intents need nothing here.
"""

import ast
import re
from typing import Iterator, Set, Tuple

import pytest
import yaml

from assistant import intents
from assistant.knowledge import load_knowledge_base
from tests.conftest import ROOT

PACKAGES = ("assistant", "actions", "components", "channels", "rasa_extensions", "scripts")
# How the intents of this domain are named (a string like this in the code is an intent).
INTENT_LIKE = re.compile(r"^(ask|report|inform|request)_[a-z0-9_]+$")


def domain_intents() -> Set[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    return {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}


def string_literals() -> Iterator[Tuple[str, str]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", node.value


def test_every_name_in_the_intents_module_is_declared_in_the_domain():
    unknown = intents.names() - domain_intents() - intents.RASA_BUILT_IN
    assert not unknown, f"assistant/intents.py names intents domain.yml does not have: {sorted(unknown)}"


def test_every_intent_named_in_the_code_is_declared_in_the_domain():
    known = domain_intents() | intents.RASA_BUILT_IN
    for_payload = re.compile(r"^/(\w+)$")  # a button payload, "/ask_bme_definition"
    wrong = []
    for where, text in string_literals():
        name = for_payload.sub(r"\1", text)
        if (INTENT_LIKE.match(name) or name in intents.names()) and name not in known:
            wrong.append(f"{where} {name!r}")
    assert not wrong, "\n".join(wrong)


def test_the_routing_tables_name_only_topics_the_domain_declares():
    routing = load_knowledge_base().routing
    named = {n for table in routing.follow_ups.values() for pair in table.items() for n in pair}
    named |= set(routing.class_topics.values())
    named |= {n for topic, view in routing.medicine_views.items() for n in (topic, view.answer_as)}
    assert named and not named - domain_intents()


def test_a_routing_entry_naming_no_topic_stops_loading(tmp_path):
    import shutil

    from assistant.knowledge import DEFAULT_KNOWLEDGE_DIR, KnowledgeBaseError

    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, tmp_path / "knowledge")
    path = tmp_path / "knowledge" / "routing.yml"
    data = yaml.safe_load(path.read_text())
    data["follow_ups"]["ask_bme_"]["ask_treatment_options"] = "ask_bme_treatmnet"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(KnowledgeBaseError, match=r"routing.yml, entry 'follow_ups.ask_bme_'.*ask_bme_treatmnet"):
        load_knowledge_base(tmp_path / "knowledge")


def test_a_medicine_view_for_a_class_the_catalog_lacks_stops_loading(tmp_path):
    import shutil

    from assistant.knowledge import DEFAULT_KNOWLEDGE_DIR, KnowledgeBaseError

    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, tmp_path / "knowledge")
    path = tmp_path / "knowledge" / "routing.yml"
    data = yaml.safe_load(path.read_text())
    data["medicine_views"]["ask_nsaid_side_effects"]["classes"] = ["nsiad"]
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(KnowledgeBaseError, match=r"medicine_views.ask_nsaid_side_effects"):
        load_knowledge_base(tmp_path / "knowledge")
