"""Short follow-ups like "and how is that treated?" continue the topic just discussed.

The classifier sees "how is that treated?" as the general treatment question; after a bone
marrow edema answer the person means treating bone marrow edema. Only short messages that
point back ("it", "that", "this") are re-routed, and only within the same subject. Which
intent goes where is data: `follow_ups` in data/knowledge/routing.yml.

A short follow-up that names only a new medicine or a new person ("and for Humira?", "what
about my son?") asks the previous question again, about them: after "how long until Cosentyx
works?", "and for Humira?" is how long Humira takes, whatever topic the few words look like.
"""

from typing import Iterable, Optional, Tuple

from assistant.caregiver import person_spans
from assistant.knowledge import knowledge_base
from assistant.lexicons import lexicon_pattern

# Words that carry no question of their own around a name: "and for", "what about", "how about".
_ONLY_GLUE = lexicon_pattern(r"^(?:{glue_words}|\s|[^\w\s])*$")
MAX_NAME_ONLY_WORDS = 6


def names_only(text: str, name_spans: Iterable[Tuple[int, int]]) -> bool:
    """True when the message is a new medicine or person and glue words only ("and Cimzia?")."""
    if len(text.split()) > MAX_NAME_ONLY_WORDS:
        return False
    spans = list(name_spans) + person_spans(text)
    if not spans:
        return False
    rest = text
    for start, end in sorted(spans, reverse=True):
        rest = rest[:start] + " " + rest[end:]
    return bool(_ONLY_GLUE.match(rest))


_POINTS_BACK = lexicon_pattern(r"\b{points_back}\b")
MAX_FOLLOW_UP_WORDS = 8


def resolve_follow_up(
    intent: str, text: str, previous_topic: Optional[str], name_spans: Iterable[Tuple[int, int]] = ()
) -> str:
    if previous_topic and names_only(text, name_spans):
        return previous_topic
    if not previous_topic or len(text.split()) > MAX_FOLLOW_UP_WORDS or not _POINTS_BACK.search(text):
        return intent
    for subject, mapping in knowledge_base().routing.follow_ups.items():
        if previous_topic.startswith(subject):
            return mapping.get(intent, intent)
    return intent
