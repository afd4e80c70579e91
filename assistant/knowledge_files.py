"""Where the knowledge files are and how each is read: the knowledge base's loader
(assistant/knowledge.py) and its parts (routing.py, clinic.py, lexicons.py) share these."""

import os
from pathlib import Path
from typing import Any, Dict, Optional

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KNOWLEDGE_DIR = PROJECT_ROOT / "data" / "knowledge"


class KnowledgeBaseError(ValueError):
    """A knowledge file is broken; the message names the file, the entry and the problem."""

    def __init__(self, path: Path, entry: str, problem: str) -> None:
        self.path, self.entry, self.problem = Path(path), entry, problem
        where = f"{Path(path).name}" + (f", entry '{entry}'" if entry else "")
        super().__init__(f"Knowledge base error in {where}: {problem} ({path})")


def knowledge_dir(directory: Optional[Path] = None) -> Path:
    """The knowledge folder this process reads: `directory`, else KNOWLEDGE_DIR, else data/knowledge."""
    return Path(directory or os.environ.get("KNOWLEDGE_DIR") or DEFAULT_KNOWLEDGE_DIR)


def read_yaml(path: Path) -> Dict[str, Any]:
    """A knowledge file's top-level mapping; a missing or broken file is a KnowledgeBaseError."""
    if not path.is_file():
        raise KnowledgeBaseError(path, "", "file is missing")
    try:
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f)
    except yaml.YAMLError as e:
        raise KnowledgeBaseError(path, "", f"not valid YAML: {e}") from e
    if not isinstance(data, dict):
        raise KnowledgeBaseError(path, "", "expected a mapping at the top level")
    return data
