"""Tell English from other languages offline, well enough to say "I only understand English".

No network service and no model: a message is non-English when most of its letters are in a
non-Latin script, or when it has clearly more function words of another common language than
of English. Short or mixed messages count as English, so a typo never earns a language notice.
"""

import functools
import re
import unicodedata
from typing import FrozenSet, Tuple

from assistant.knowledge import knowledge_base


@functools.lru_cache(maxsize=1)
def _function_words() -> Tuple[FrozenSet[str], FrozenSet[str]]:
    """English function words, and other languages' that are not also English ones
    (data/knowledge/lexicons.yml)."""
    lexicons = knowledge_base().lexicons
    english = lexicons.set("english_function_words")
    return english, lexicons.set("other_function_words") - english


_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)


def _is_latin(ch: str) -> bool:
    return "LATIN" in unicodedata.name(ch, "")


def looks_non_english(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 3:
        return False
    if sum(not _is_latin(c) for c in letters) / len(letters) > 0.5:
        return True
    words = [w.lower() for w in _WORD.findall(text)]
    english_words, other_words = _function_words()
    english = sum(w in english_words for w in words)
    other = sum(w in other_words for w in words)
    return other >= 2 and other > 2 * english


def shows_other_language(text: str) -> bool:
    """Any sign of another language: the test above, a letter outside plain English (é, ñ, ü,
    other scripts), or a common word of another language. Weaker evidence than
    looks_non_english: enough to trust the classifier's "another language", not to decide it."""
    if looks_non_english(text):
        return True
    if any(c.isalpha() and not c.isascii() for c in text):
        return True
    return any(w.lower() in _function_words()[1] for w in _WORD.findall(text))
