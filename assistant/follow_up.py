"""Short follow-ups like "and how is that treated?" continue the topic just discussed.

The classifier sees "how is that treated?" as the general treatment question; after a bone
marrow edema answer the person means treating bone marrow edema. Only short messages that
point back ("it", "that", "this") are re-routed, and only within the same subject. Which
intent goes where is data: `follow_ups` in data/knowledge/routing.yml.
"""
import re
from typing import Optional

from assistant.routing import routing

_POINTS_BACK = re.compile(r"\b(it|that|this|those|these|them)\b", re.IGNORECASE)
MAX_FOLLOW_UP_WORDS = 8


def resolve_follow_up(intent: str, text: str, previous_topic: Optional[str]) -> str:
    if not previous_topic or len(text.split()) > MAX_FOLLOW_UP_WORDS or not _POINTS_BACK.search(text):
        return intent
    for subject, mapping in routing().follow_ups.items():
        if previous_topic.startswith(subject):
            return mapping.get(intent, intent)
    return intent
