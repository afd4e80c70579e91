"""Notice when someone asks on behalf of another person, so answers address them properly."""

from typing import List, Optional, Tuple

from assistant.lexicons import lexicon_pattern

# "my son has AS" is about the son; "my wife said I should ask" is still about the writer.
# The words: `relations` and `reported_speech` in data/knowledge/lexicons.yml.
_ON_BEHALF = lexicon_pattern(r"\b(?:my|our)\s+(?:[\w-]+\s+){0,3}({relations})\b(?!\s+{reported_speech})")


def care_recipient(text: str) -> Optional[str]:
    """ "your son" when the message is about the writer's son; None otherwise."""
    match = _ON_BEHALF.search(text or "")
    return f"your {match.group(1).lower()}" if match else None


def person_spans(text: str) -> List[Tuple[int, int]]:
    """Where the message names someone the writer cares for ("my son")."""
    return [m.span() for m in _ON_BEHALF.finditer(text or "")]


# The words: `first_person` and `third_person` in data/knowledge/lexicons.yml.
_FIRST_PERSON = lexicon_pattern(r"\b(?:{first_person})\b")
_THIRD_PERSON = lexicon_pattern(r"\b(?:{third_person})\b")


def speaks_of_self(text: str) -> bool:
    """A carer who now asks about themselves ("what about my bone risk?"): the writer, and
    nobody else, is named. The answer then speaks to them, not of the person they care for."""
    text = (text or "").replace("\u2019", "'")
    return bool(_FIRST_PERSON.search(text)) and not _THIRD_PERSON.search(text) and care_recipient(text) is None
