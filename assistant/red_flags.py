"""Rule-based red-flag detection: fixed patterns from red_flags.yml, never a model's guess."""
import re
from typing import List

from assistant.knowledge import KnowledgeBase
from assistant.phrase_matching import build_matcher, make_doc


# A thermometer reading counts by its whole degrees ("fever 39.2", "temp 38,5°C", "101.4F"),
# so the phrases in red_flags.yml ("fever 39", "temp 38") need no decimals.
_UNIT = r"(?:\s*°(?:\s*[cf]\b)?|\s*[cf]\b)"
_READING = re.compile(rf"\b(\d{{2,3}})(?:[.,]\d+{_UNIT}?|{_UNIT})(?!\d)", re.IGNORECASE)


def whole_degrees(text: str) -> str:
    return _READING.sub(lambda m: m.group(1), text)


class RedFlagDetector:
    def __init__(self, kb: KnowledgeBase) -> None:
        self._flags = kb.red_flags
        phrases = []
        for flag in kb.red_flags.values():
            for t, trigger in enumerate(flag.triggers):
                for g, group in enumerate(trigger):
                    phrases += [(f"{flag.id}|{t}|{g}", phrase) for phrase in group]
        self._matcher = build_matcher(phrases)

    def find(self, text: str) -> List[str]:
        """Ids of the red flags the text describes, most urgent (file order) first."""
        doc = make_doc(whole_degrees(text))
        hits = {doc.vocab.strings[match_id] for match_id, _, _ in self._matcher(doc)}
        found = []
        for flag in self._flags.values():
            for t, trigger in enumerate(flag.triggers):
                if all(f"{flag.id}|{t}|{g}" in hits for g in range(len(trigger))):
                    found.append(flag.id)
                    break
        return found
