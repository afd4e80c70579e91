"""Load and check data/knowledge/routing.yml: which intent a message goes to, as data.

- `follow_ups`: subject prefix -> {general intent: the subject's intent} (assistant/follow_up.py);
- `class_topics`: drug class -> the topic that answers a class word alone (assistant/answers.py);
- `medicine_views`: class topic -> the medicine topic that answers it when the message names
  one medicine of the class and no class word (assistant/answers.py, `answering_intent`).

Every name must be a topic in the knowledge base (or, for class_topics' keys, a drug class);
a wrong one stops start-up like any other broken knowledge file, naming the entry. The
knowledge base's loader reads it (`knowledge_base().routing`).
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection, Dict, FrozenSet

from assistant.knowledge_files import KnowledgeBaseError, read_yaml


@dataclass(frozen=True)
class MedicineView:
    answer_as: str  # a medicine topic (assistant/intents.py, MEDICATION_INTENTS)
    classes: FrozenSet[str]  # the drug classes whose medicines it applies to


@dataclass(frozen=True)
class Routing:
    follow_ups: Dict[str, Dict[str, str]]
    class_topics: Dict[str, str]
    medicine_views: Dict[str, MedicineView]


def _mapping(path: Path, entry: str, raw: Any) -> Dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(k, str) for k in raw):
        raise KnowledgeBaseError(path, entry, "must be a mapping")
    return raw


def load_routing(path: Path, topics: Collection[str], drug_classes: Collection[str]) -> Routing:
    """routing.yml, checked against the knowledge base's topics and drug classes."""
    data = read_yaml(path)

    def topic(entry: str, name: Any) -> str:
        if name not in topics:
            raise KnowledgeBaseError(path, entry, f"'{name}' is not a topic in topics/*.yml")
        return name

    follow_ups: Dict[str, Dict[str, str]] = {}
    for prefix, mapping in _mapping(path, "follow_ups", data.get("follow_ups")).items():
        entry = f"follow_ups.{prefix}"
        if not any(t.startswith(prefix) for t in topics):
            raise KnowledgeBaseError(path, entry, f"no topic starts with '{prefix}'")
        follow_ups[prefix] = {
            topic(entry, general): topic(entry, specific)
            for general, specific in _mapping(path, entry, mapping).items()
        }
    class_topics = {}
    for class_id, name in _mapping(path, "class_topics", data.get("class_topics")).items():
        if class_id not in drug_classes:
            raise KnowledgeBaseError(path, f"class_topics.{class_id}", "is not a drug class in medications.yml")
        class_topics[class_id] = topic(f"class_topics.{class_id}", name)
    medicine_views = {}
    for name, view in _mapping(path, "medicine_views", data.get("medicine_views")).items():
        entry = f"medicine_views.{name}"
        view = _mapping(path, entry, view)
        classes = view.get("classes")
        if not isinstance(classes, list) or not classes or not set(classes) <= set(drug_classes):
            raise KnowledgeBaseError(path, entry, "'classes' must list drug classes in medications.yml")
        medicine_views[topic(entry, name)] = MedicineView(topic(entry, view.get("answer_as")), frozenset(classes))
    return Routing(follow_ups, class_topics, medicine_views)
