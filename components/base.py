"""What the NLU components share: the training pass-through of the rule-based ones, and the
fingerprint that tells Rasa's training cache what else shaped a component's output."""

import hashlib
import inspect
from pathlib import Path
from typing import Any, Dict, Iterable, List, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.knowledge_files import knowledge_dir

INTENT_RANKING = "intent_ranking"
PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The code that shapes what the topic classifier learns: its model, its sentence encoder, and
# how it reads medicine names.
# The Makefile's FEATURE_FILES lists the same files (tests/unit/test_fingerprint.py checks), so
# `make` retrains when one changes.
FEATURE_CODE = (
    "assistant/topic_model.py",
    "assistant/sentence_encoder.py",
    "assistant/medications.py",
    "assistant/phrase_matching.py",
)


class EncoderNotBuiltError(FileNotFoundError):
    pass


def built_encoder(path: Path) -> Path:
    """A file `make install` builds (the encoders under build/), or a clear error saying so."""
    if not path.exists():
        raise EncoderNotBuiltError(f"{path} is missing: run `make install`, which builds the sentence encoders.")
    return path


def knowledge_path(name: Text) -> Path:
    """A file of the knowledge base this process reads (KNOWLEDGE_DIR, as the loader does)."""
    return knowledge_dir() / name


def files_fingerprint(paths: Iterable[Path]) -> Text:
    """One hash over the files' names (relative to the project where they are in it) and bytes."""
    digest = hashlib.sha256()
    for path in paths:
        path = Path(path).resolve()
        try:
            name = str(path.relative_to(PROJECT_ROOT))
        except ValueError:
            name = path.name  # a knowledge base elsewhere (KNOWLEDGE_DIR): its file name
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()


def feature_fingerprint(
    component_class: type, code: Iterable[Text] = FEATURE_CODE, knowledge: Iterable[Text] = ()
) -> Text:
    """For a component's `fingerprint_addon`: its whole module (Rasa's own fingerprint sees
    only the class's source, not module-level helpers), plus the given project files and
    knowledge files. Rasa retrains the component, and what follows it, when any of them change.

        @classmethod
        def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
            return feature_fingerprint(cls)
    """
    paths = [Path(inspect.getfile(component_class))]
    paths += [PROJECT_ROOT / c for c in code]
    paths += [knowledge_path(k) for k in knowledge]
    return files_fingerprint(paths)


class RuleComponent(GraphComponent):
    """A component with no training: it applies fixed rules at inference time only."""

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = config

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if message.get("text"):
                self.process_message(message)
        return messages

    def process_message(self, message: Message) -> None:
        raise NotImplementedError


def named_medicines(message: Message, kinds: Tuple[str, ...] = ("medication", "drug_class")) -> List[Dict[Text, Any]]:
    """The medicines (and, by default, medicine classes) the recogniser found in the message."""
    return [e for e in message.get("entities") or [] if e.get("entity") in kinds]


def override_intent(message: Message, intent: str) -> None:
    """Set `intent` with full confidence, keeping the classifier's ranking below it."""
    ranking = [r for r in message.get(INTENT_RANKING) or [] if r.get(INTENT_NAME_KEY) != intent]
    top = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING, [top] + ranking, add_to_output=True)
