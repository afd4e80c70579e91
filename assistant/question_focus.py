"""Find the question in a long, story-like message.

People write "My son, 22, was just diagnosed... we were told it runs in families... should
we all be tested?". The story names many topics; the question says which one is asked. The
focus is every sentence that ends with "?", or the last sentence when none does.
"""
import re
from typing import List, Tuple

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")


def sentence_spans(text: str) -> List[Tuple[int, int]]:
    """Character spans of the sentences (split at . ! ? and line breaks)."""
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group(0).strip()]


def question_spans(text: str) -> List[Tuple[int, int]]:
    """The sentences that end with "?"."""
    return [s for s in sentence_spans(text) if text[s[0]:s[1]].rstrip().endswith("?")]


def focus_spans(text: str) -> List[Tuple[int, int]]:
    """Character spans of the question part; the whole text when it is one sentence."""
    sentences = sentence_spans(text)
    if len(sentences) <= 1:
        return [(0, len(text))]
    return question_spans(text) or [sentences[-1]]


def focus_text(text: str) -> str:
    """The question part of a message, as text."""
    return " ".join(text[start:end].strip() for start, end in focus_spans(text))
