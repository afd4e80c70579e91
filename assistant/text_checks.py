"""Patterns the assistant uses to read messages and to check its own texts.

The same dose pattern finds a dose inside a user's question (so the answer can say it will
not judge it) and, in the tests, proves no text the assistant can send contains one.
"""
import re
from typing import Optional

_NUMBER = r"(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|half|a couple of)"
_UNIT = (
    r"(?:mg|mcg|µg|g|ml|milligrams?|micrograms?|grams?|tablets?|pills?|capsules?|tabs?|caps?|"
    r"units?|iu|doses?|injections?|shots?|puffs?)"
)
_FREQUENCY = r"(?:times?|x)\s*(?:a|an|per|every|each)?\s*(?:day|daily|week|weekly|month|night)"
DOSE_PATTERN = re.compile(
    rf"\b{_NUMBER}\s*(?:-\s*)?(?:{_UNIT}\b|{_FREQUENCY}\b)|\b\d+\s*(?:mg|mcg|ml)", re.IGNORECASE
)

# Advice to stop or change a medicine, as it would be phrased affirmatively.
_CHANGE_ADVICE = re.compile(
    r"\b(?:you|they|he|she)\s+(?:can|could|should|may|might)\s+(?:safely\s+|just\s+)?"
    r"(?:stop|skip|pause|double|switch|come off|cut down|halve|reduce|increase)\b"
    r"|\b(?:it is|it's|its)\s+(?:safe|fine|ok|okay)\s+to\s+(?:stop|skip|pause|double|switch|come off)\b"
    r"|\b(?:stop|skip|pause|double)\s+(?:taking\s+)?(?:your|the|their|his|her)\s+(?:medicine|medication|dose|tablets|pills|injection)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(?:not|never|don't|do not|doesn't|can't|cannot|won't|no)\b[^.]{0,40}$", re.IGNORECASE)


def mentions_dose(text: str) -> bool:
    return bool(DOSE_PATTERN.search(text or ""))


def advises_medicine_change(text: str) -> Optional[str]:
    """The phrase that tells someone to stop or change a medicine, if the text has one."""
    for match in _CHANGE_ADVICE.finditer(text):
        if not _NEGATION.search(text[: match.start()]):
            return match.group(0)
    return None


# Questions about changing or dosing a medicine, recognised by their words when the classifier
# is unsure: such a question must get the safety reply, never a guess.
_MEDICINE_WORDS = re.compile(
    r"\b(?:medicines?|medications?|meds|pills?|tablets?|injections?|jabs?|shots?|infusions?|doses?|drugs?)\b",
    re.IGNORECASE,
)
_CHANGE_QUESTION = re.compile(
    r"\b(?:stop|stopping|skip|skipping|pause|pausing|quit|quitting|come off|coming off|switch|switching|"
    r"take a break|break from|hold off|cut down|cut back|wean|taper|tapering)\b",
    re.IGNORECASE,
)
_DOSE_QUESTION = re.compile(
    r"\b(?:how much|how many|how often|max|maximum|double|doubling|extra|too much|more than|dose|dosage|"
    r"mg|milligrams?)\b",
    re.IGNORECASE,
)


def medicine_question_intent(text: str, names_a_medicine: bool) -> Optional[str]:
    """"ask_stop_medication" or "ask_dosage" when the text asks to change or dose a medicine."""
    if not (names_a_medicine or _MEDICINE_WORDS.search(text)):
        return None
    if _CHANGE_QUESTION.search(text):
        return "ask_stop_medication"
    if _DOSE_QUESTION.search(text):
        return "ask_dosage"
    return None
