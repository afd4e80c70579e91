"""The clinic a person can talk to, and the reply that gives its details.

The clinic describes itself in `data/knowledge/clinic.yml`; a deployment overrides any value
with an environment variable (CLINIC_PHONE, ...), so one file serves every site. Without a
phone number or a message link the reply is a generic line (the rheumatology team's helpline
or the GP) rather than details nobody filled in. Checked as strictly as the knowledge base:
a bad value stops the action server with a message naming it. The knowledge base's loader
reads it (`knowledge_base().clinic`).
"""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Optional

from assistant.knowledge_files import KnowledgeBaseError, knowledge_dir, read_yaml

if TYPE_CHECKING:
    from assistant.knowledge import KnowledgeBase

# clinic.yml field -> the environment variable that overrides it
ENVIRONMENT_VARIABLES = {
    "name": "CLINIC_NAME",
    "phone": "CLINIC_PHONE",
    "opening_hours": "CLINIC_OPENING_HOURS",
    "message_link": "CLINIC_MESSAGE_LINK",
    "out_of_hours": "CLINIC_OUT_OF_HOURS",
}
MAX_VALUE_CHARS = 200


@dataclass(frozen=True)
class Clinic:
    name: str = ""
    phone: str = ""
    opening_hours: str = ""
    message_link: str = ""
    out_of_hours: str = ""

    @property
    def is_configured(self) -> bool:
        """A person can reach the clinic itself: it has a phone number or a message link."""
        return bool(self.phone or self.message_link)


def load_clinic(directory: Optional[Path] = None, environ: Optional[Mapping[str, str]] = None) -> Clinic:
    """clinic.yml from the knowledge folder, then the environment's overrides, checked."""
    environ = os.environ if environ is None else environ
    path = knowledge_dir(directory) / "clinic.yml"
    raw = read_yaml(path).get("clinic")
    if not isinstance(raw, dict):
        raise KnowledgeBaseError(path, "", "expected a 'clinic' mapping")
    unknown = sorted(set(raw) - set(ENVIRONMENT_VARIABLES))
    if unknown:
        raise KnowledgeBaseError(path, "clinic", f"unknown fields {unknown}; known: {list(ENVIRONMENT_VARIABLES)}")
    values = {}
    for field, variable in ENVIRONMENT_VARIABLES.items():
        from_environment = (environ.get(variable) or "").strip()
        value = from_environment or raw.get(field) or ""
        where = f"{field} (from {variable})" if from_environment else field
        values[field] = _checked(path, where, field, value)
    return Clinic(**values)


def _checked(path: Path, where: str, field: str, value: object) -> str:
    if not isinstance(value, str):
        raise KnowledgeBaseError(path, where, "must be text (put it in quotes)")
    value = value.strip()
    if "\n" in value or len(value) > MAX_VALUE_CHARS:
        raise KnowledgeBaseError(path, where, f"must be one line of at most {MAX_VALUE_CHARS} characters")
    if field == "message_link" and value and not value.lower().startswith(("https://", "http://")):
        raise KnowledgeBaseError(path, where, "must be a web address starting with https://")
    return value


def contact_text(kb: "KnowledgeBase", details: Clinic, person: Optional[str] = None) -> str:
    """The clinic's details, one per line, or the generic line; the emergency line always last.
    For a caregiver ("your son"), about that person's care.

    Lines, not paragraphs: channels send each paragraph as a message of its own, and this is one.
    """
    f = kb.frame
    if details.is_configured:
        name = details.name or f["contact_default_name"]
        lines = [
            f["contact_intro_caregiver"].format(name=name, person=person)
            if person
            else f["contact_intro"].format(name=name)
        ]
        for name in ("phone", "opening_hours", "message_link"):
            value = getattr(details, name)
            if value:
                lines.append("- " + f[f"contact_{name}"].format(**{name: value}))
    else:
        lines = [f["contact_unconfigured_caregiver"].format(person=person) if person else f["contact_unconfigured"]]
    if details.out_of_hours:
        lines.append(f["contact_out_of_hours"].format(out_of_hours=details.out_of_hours))
    lines.append(f["contact_emergency"])
    return "\n".join(lines)
