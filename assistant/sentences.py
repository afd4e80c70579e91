"""One sentence splitter, for the messages people send and for the assistant's own texts.

A sentence ends at a run of . ! or ? followed by white space or the end of the text, or at a
line break: "7.5 mg", "e.g.," and "..." inside a word end none. In the assistant's own edited
texts (`prose=True`) the next sentence also starts with a capital, a digit, a quote or a
bracket, so "(e.g. naproxen)" stays whole; people often start their sentences in lower case.
"""

import re
from typing import List, Tuple

_END = re.compile(r"(?<=[.!?])\s+|\n")
_PROSE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(A-Z0-9])|\n")


def sentence_spans(text: str, prose: bool = False) -> List[Tuple[int, int]]:
    """Character spans of the sentences, without the white space around them."""
    spans, start = [], 0
    for end in [*(m.start() for m in (_PROSE_END if prose else _END).finditer(text or "")), len(text or "")]:
        piece = text[start:end]
        if piece.strip():
            left = start + len(piece) - len(piece.lstrip())
            spans.append((left, start + len(piece.rstrip())))
        start = end
    return spans


def split_sentences(text: str, prose: bool = False) -> List[str]:
    """The sentences of a text, as strings."""
    return [text[start:end] for start, end in sentence_spans(text, prose)]


def question_spans(text: str) -> List[Tuple[int, int]]:
    """The sentences that end with "?" (a message that asks several things: each is classified
    on its own, components/topic_classifier.py)."""
    return [(start, end) for start, end in sentence_spans(text) if text[end - 1] == "?"]
