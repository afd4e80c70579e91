"""Patterns the assistant uses to read messages and to check its own texts.

The same dose pattern finds a dose inside a user's question (so the answer can say it will
not judge it) and, in the tests, proves no text the assistant can send contains one.
"""

import re
from typing import Iterable, List, Optional

from assistant import intents
from assistant.lexicons import lexicon_pattern
from assistant.sentences import split_sentences

_NUMBER = r"(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|half|a couple of)"
_UNIT = (
    r"(?:mg|mcg|µg|g|ml|milligrams?|micrograms?|grams?|tablets?|pills?|capsules?|tabs?|caps?|"
    r"units?|iu|doses?|injections?|shots?|puffs?)"
)
_FREQUENCY = r"(?:times?|x)\s*(?:a|an|per|every|each)?\s*(?:day|daily|week|weekly|month|night)"
DOSE_PATTERN = re.compile(rf"\b{_NUMBER}\s*(?:-\s*)?(?:{_UNIT}\b|{_FREQUENCY}\b)|\b\d+\s*(?:mg|mcg|ml)", re.IGNORECASE)

# Advice to stop or change a medicine, as it would be phrased affirmatively, or passively
# ("a biologic is usually paused", "it should be stopped", "a dose can be skipped"): the passive
# form is the same advice with the person left out. The verbs and participles are
# `change_advice_verbs` and `change_advice_participles` in data/knowledge/lexicons.yml; the
# sentence shapes are here.
_CHANGE_ADVICE = lexicon_pattern(
    r"\b(?:you|they|he|she)\s+(?:can|could|should|may|might)\s+(?:safely\s+|just\s+)?{change_advice_verbs}\b"
    r"|\b(?:it is|it's|its)\s+(?:safe|fine|ok|okay)\s+to\s+(?:stop|skip|pause|double|switch|come off)\b"
    r"|\b(?:stop|skip|pause|double)\s+(?:taking\s+)?(?:your|the|their|his|her)\s+(?:medicine|medication|dose|tablets|pills|injection)\b"
    r"|\b(?:is|are|was|were|be|been|being|gets|get|got)\s+"
    r"(?:usually\s+|often\s+|normally\s+|generally\s+|typically\s+|sometimes\s+|simply\s+|just\s+|safely\s+|then\s+)?"
    r"{change_advice_participles}\b"
)
_NEGATION = re.compile(r"\b(?:not|never|don't|do not|doesn't|can't|cannot|won't|no)\b[^.]{0,40}$", re.IGNORECASE)


def repeated_sentences(text: str) -> List[str]:
    """Sentences that appear more than once in a text (compared without case and spacing)."""
    seen, repeats = set(), []
    for sentence in split_sentences(text, prose=True):
        key = " ".join(sentence.lower().split())
        if key in seen and len(key.split()) > 2:  # "Yes." twice is not a repeat worth a test
            repeats.append(sentence)
        seen.add(key)
    return repeats


def mentions_dose(text: str) -> bool:
    return bool(DOSE_PATTERN.search(text or ""))


def advises_medicine_change(text: str) -> Optional[str]:
    """The phrase that tells someone to stop or change a medicine, if the text has one."""
    for match in _CHANGE_ADVICE.finditer(text):
        if not _NEGATION.search(text[: match.start()]):
            return match.group(0)
    return None


# Questions about changing or dosing a medicine, recognised by their words when the classifier
# is unsure: such a question must get the safety reply, never a guess. The words are lists in
# data/knowledge/lexicons.yml ({name} below); the grammar around them is here.
_MEDICINE_WORDS = lexicon_pattern(r"\b{medicine_words}\b")
_CHANGE_QUESTION = lexicon_pattern(r"\b{change_words}\b")
# "Can I ...", "should we ...", "is it OK to ...", "I want to ...": the person asks to do it.
_ASKS_TO_DO = re.compile(
    r"\b(?:can|could|should|may|shall|must|do|does|would|will)\s+(?:i|we|he|she|they|my \w+|you)\b"
    r"|\b(?:is it|would it be|it's|its)\s+(?:ok|okay|safe|fine|alright|all right|bad|dangerous|a problem)\b"
    r"|\b(?:i|we)\s+(?:want|wanna|need|plan|am planning|'m planning|am thinking|'m thinking|am going|'m going)\b"
    r"|\b(?:thinking|planning) (?:of|about|to)\b|\bhow (?:do|can|should) (?:i|we)\b|\ballowed to\b"
    r"|\bwhen (?:can|should|do) (?:i|we)\b|\btoo (?:much|many)\b|\bhow (?:much|many|often)\b|\bmax(?:imum)?\b",
    re.IGNORECASE,
)
# "Stop the fusion", "stop it getting worse": what is stopped is the disease, not a medicine.
_OBJECT_START = r"^\s*(?:the\s+|my\s+|his\s+|her\s+|it\s+|this\s+|that\s+|as\s+)?"
_DISEASE_AFTER_VERB = lexicon_pattern(_OBJECT_START + r"{disease_objects}\b")
# "Switch me to a biosimilar": the biosimilar topic, whose answer says the team decides.
_BIOSIMILAR_AFTER_VERB = lexicon_pattern(
    _OBJECT_START + r"(?:me\s+)?(?:to|from)\s+(?:a\s+|the\s+)?{biosimilar_words}\b"
)
# "Should I skip my flu shot?", "is Shingrix OK on Humira?": a vaccine is not an AS medicine, and
# skipping or timing one is the vaccines topic (whose answer says to ask the team), not a request
# to change a medicine.
_VACCINE = lexicon_pattern(r"\b{vaccine_words}\b")
_VACCINE_AFTER_VERB = lexicon_pattern(
    r"^\s*(?:the\s+|my\s+|his\s+|her\s+|our\s+|this\s+|that\s+|a\s+|getting\s+|having\s+)?(?:\w+\s+)?"
    r"\b{vaccine_words}\b"
)
# "20mg" is one word: the amount is matched with its number, as people type it.
_DOSE_QUESTION = lexicon_pattern(r"\b(?:{dose_words}|\d*\s*mg)\b")
# "How much can I drink on methotrexate?" is the alcohol topic, with its own no-number answer.
_ALCOHOL = lexicon_pattern(r"\b{alcohol_words}\b")
_COMPARISON = lexicon_pattern(r"\b{comparison_words}\b")


def mentions_medicine_change(text: str) -> bool:
    """A question that compares medicines or speaks of changing one, without asking to: its
    answer adds that nothing is changed without the team."""
    return bool(_CHANGE_QUESTION.search(text or "") or _COMPARISON.search(text or ""))


def asks_about_alcohol(text: str) -> bool:
    return bool(_ALCOHOL.search(text or ""))


def names_a_vaccine(text: str) -> bool:
    return bool(_VACCINE.search(text or ""))


def _asks_to_change(text: str) -> bool:
    for match in _CHANGE_QUESTION.finditer(text):
        rest = text[match.end() :]
        if not (
            _DISEASE_AFTER_VERB.search(rest) or _BIOSIMILAR_AFTER_VERB.search(rest) or _VACCINE_AFTER_VERB.search(rest)
        ):
            return True
    return False


def asks_to_stop_the_disease(text: str) -> bool:
    """ "Is there a way to stop the fusion?", "how do I stop it getting worse?": every change word
    (stop, skip, switch...) is followed by the disease and no medicine is named, so nothing asks
    to change a medicine."""
    text = text or ""
    changes = list(_CHANGE_QUESTION.finditer(text))
    return (
        bool(changes)
        and not _MEDICINE_WORDS.search(text)
        and all(_DISEASE_AFTER_VERB.search(text[m.end() :]) for m in changes)
    )


# "How much prednisone for a flare?", "how many mg of naproxen": the amount asked about is the
# medicine's own. "How many people on Humira", "how much does Taltz cost" ask no amount of it.
_AMOUNT_OF = re.compile(
    r"\bhow (?:much|many)\s+(?:(?:mg|milligrams?|units?)\s+)?(?:of\s+)?(?:my\s+|his\s+|her\s+|the\s+|this\s+)?",
    re.IGNORECASE,
)
_COST = lexicon_pattern(r"\b{cost_words}\b")


def asks_amount_of_medicine(text: str, medicine_starts: Iterable[int] = ()) -> bool:
    """A dose question whatever the rest of the message is about: "how much" or "how many" is
    followed by a medicine (one the recogniser found at `medicine_starts`, or a word like
    "tablets"), and it is not about money or alcohol."""
    text = text or ""
    if _COST.search(text) or _ALCOHOL.search(text):
        return False
    starts = set(medicine_starts)
    return any(m.end() in starts or _MEDICINE_WORDS.match(text, m.end()) for m in _AMOUNT_OF.finditer(text))


def medicine_question_intent(text: str, names_a_medicine: bool) -> Optional[str]:
    """ "ask_stop_medication" or "ask_dosage" when the text asks to change or dose a medicine."""
    if not (names_a_medicine or _MEDICINE_WORDS.search(text)):
        return None
    if not _ASKS_TO_DO.search(text):
        return None
    if _asks_to_change(text):
        return intents.ASK_STOP_MEDICATION
    if _DOSE_QUESTION.search(text) and not _ALCOHOL.search(text):
        return intents.ASK_DOSAGE
    return None
