"""Turn plain phrases from the knowledge base into spaCy token patterns.

Medicine names and red-flag phrases are written once, as text, in `data/knowledge/`; both
recognisers build their patterns here, so typo tolerance works the same everywhere.
"""

import functools
from typing import Any, Dict, FrozenSet, Iterable, List, Tuple

import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc


@functools.lru_cache(maxsize=None)
def blank_english() -> Language:
    """A blank English pipeline: tokenizer only, nothing downloaded."""
    return spacy.blank("en")


def allowed_edits(word: str) -> int:
    """How many typos a word of this length may carry and still match.

    Short words get none: "aleve" is one letter from "alive", "hulio" from "hello".
    Six to eight letters allow one ("humera", "enbral", "cosentix"); nine or more allow
    two ("ibuprofin", "methotrexat"). Words with digits ("il-17") must match exactly.
    """
    if not word.isalpha() or len(word) <= 5:
        return 0
    return 1 if len(word) <= 8 else 2


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, by spaCy's own (compiled) function, which its FUZZY operator uses."""
    from spacy.matcher.levenshtein import levenshtein

    return int(levenshtein(a, b))


def token_pattern(phrase: str, fuzzy: bool = True, known: Iterable[str] = ()) -> List[Dict]:
    """The Matcher pattern for a phrase: one dict per token, fuzzy where the length allows.

    A word spelled as one the matcher knows is that word, never a typo of another: "injection"
    is not "infection" two letters off."""
    pattern: List[Dict[str, Any]] = []
    for token in make_doc(phrase.lower()):
        if token.is_space:
            continue
        edits = allowed_edits(token.text) if fuzzy else 0
        if not edits:
            pattern.append({"LOWER": token.text})
            continue
        others = sorted(
            w
            for w in known
            if w != token.text and abs(len(w) - len(token.text)) <= edits and edit_distance(w, token.text) <= edits
        )
        match: Dict[str, Any] = {f"FUZZY{edits}": token.text}
        if others:
            match["NOT_IN"] = others
        pattern.append({"LOWER": match})
    return pattern


def build_matcher(labelled_phrases: Iterable[Tuple[str, str]], fuzzy: bool = True) -> Matcher:
    """A Matcher with one rule per label, from (label, phrase) pairs."""
    labelled_phrases = list(labelled_phrases)
    known = {t.text for _, phrase in labelled_phrases for t in make_doc(phrase.lower()) if not t.is_space}
    by_label: Dict[str, List[List[Dict]]] = {}
    for label, phrase in labelled_phrases:
        pattern = token_pattern(phrase, fuzzy, known)
        if pattern:
            by_label.setdefault(label, []).append(pattern)
    matcher = Matcher(blank_english().vocab)
    for label, patterns in by_label.items():
        matcher.add(label, patterns)
    return matcher


@functools.lru_cache(maxsize=None)
def english_words() -> FrozenSet[str]:
    """About 20,000 whole English words: those the MiniLM tokenizer keeps whole (the registry
    package the sentence encoder comes from). A word in it is spelled as meant, so it is never
    taken for a typo of another: "trapped" is not "tripped", "worse" not "nurse"."""
    import json

    from assistant.sentence_encoder import minilm_dir

    vocabulary = json.loads((minilm_dir() / "tokenizer.json").read_text())["model"]["vocab"]
    return frozenset(w for w in vocabulary if w.isalpha() and len(w) > 5)


def exact_or_typo(doc: Doc, start: int, end: int, words: FrozenSet[str], known: FrozenSet[str] = frozenset()) -> bool:
    """True when every token of a fuzzy match is one of the phrase words, or neither an English
    word nor one of the `known` words (so a typo of one): "peeing" is not "peeling"."""
    return all(t.lower_ in words or (t.lower_ not in english_words() and t.lower_ not in known) for t in doc[start:end])


def make_doc(text: str) -> Doc:
    # Phone keyboards type curly apostrophes; "can’t" must tokenise like "can't".
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    # spaCy cannot hash a lone surrogate (half an emoji, from a broken client): the whole NLU
    # failed on such a message. It reads as "?", one character for one, so offsets still hold.
    return blank_english().make_doc(text.encode("utf-8", "replace").decode("utf-8"))
