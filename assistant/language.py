"""Tell English from other languages offline, well enough to say "I only understand English".

No network service and no model: a message is non-English when most of its letters are in a
non-Latin script, or when it has clearly more function words of another common language than
of English. Short or mixed messages count as English, so a typo never earns a language notice.
"""
import re
import unicodedata

_ENGLISH = set(
    "the a an and or but is are was were be been am i you he she it we they my your his her our "
    "their me him them what how why when where who which can could should would will do does did "
    "have has had not no yes of to in on at for with from about this that these those there here "
    "if so any some get got hi hello thanks thank please im ive dont cant".split()
)
_OTHER = set(
    # Spanish, French, German, Portuguese, Italian, Dutch, Turkish function words.
    "el la los las un una unos es son está estoy tengo que qué por para con como cómo pero muy "
    "le les des est je suis j'ai une du avec pour pas mais dans qui quoi comment "
    "der die das ist ich bin habe nicht und mit ein eine für wie warum auch sehr gegen bei hilft mein meine kann "
    "o os um uma não com para é estou tenho do da dos das mas "
    "il lo gli è sono ho non per che di mi della come perché "
    "de het een ik ben heb niet en met voor wat hoe "
    "bir ve bu ne nasıl için çok var yok ben".split()
)
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
    english = sum(w in _ENGLISH for w in words)
    other = sum(w in _OTHER and w not in _ENGLISH for w in words)
    return other >= 2 and other > 2 * english


def shows_other_language(text: str) -> bool:
    """Any sign of another language: the test above, a letter outside plain English (é, ñ, ü,
    other scripts), or a common word of another language. Weaker evidence than
    looks_non_english: enough to trust the classifier's "another language", not to decide it."""
    if looks_non_english(text):
        return True
    if any(c.isalpha() and not c.isascii() for c in text):
        return True
    return any(w.lower() in _OTHER and w.lower() not in _ENGLISH for w in _WORD.findall(text))
