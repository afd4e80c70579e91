"""Notice when someone asks on behalf of another person, so answers address them properly."""
import re
from typing import List, Optional, Tuple

_RELATIONS = (
    "son|daughter|wife|husband|partner|boyfriend|girlfriend|fiance|fiancee|mum|mom|mother|"
    "dad|father|child|children|kid|kids|teenager|brother|sister|grandson|granddaughter|grandmother|"
    "grandfather|grandma|grandpa|aunt|uncle|niece|nephew|friend"
)
# "my son has AS" is about the son; "my wife said I should ask" is still about the writer.
_ON_BEHALF = re.compile(
    rf"\b(?:my|our)\s+(?:[\w-]+\s+){{0,3}}({_RELATIONS})\b(?!\s+(?:says|said|told|thinks|thought|wants|asked|suggested))",
    re.IGNORECASE,
)


def care_recipient(text: str) -> Optional[str]:
    """"your son" when the message is about the writer's son; None otherwise."""
    match = _ON_BEHALF.search(text or "")
    return f"your {match.group(1).lower()}" if match else None


def person_spans(text: str) -> List[Tuple[int, int]]:
    """Where the message names someone the writer cares for ("my son")."""
    return [m.span() for m in _ON_BEHALF.finditer(text or "")]
