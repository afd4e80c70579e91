"""Two questions in one message: find the second topic so it can be offered, not lost."""

import re
from typing import Dict, List, Optional, Sequence, Tuple

from assistant.follow_up import resolve_follow_up
from assistant.sentences import question_spans

# A second question is a second "?" sentence, or is joined by "and"/"also" + a question word.
_JOINED_QUESTION = re.compile(
    r"\b(?:and|also|plus)\s+(?:what|how|is|are|can|could|does|do|should|will|why|when)\b", re.IGNORECASE
)
# The classifier is confident by design, so the second question often scores only a few percent.
MIN_SECOND_CONFIDENCE = 0.02


def asks_two_questions(text: str) -> bool:
    return len(question_spans(text or "")) >= 2 or bool(_JOINED_QUESTION.search(text or ""))


# A question read on its own is one short sentence: its own topic must be clear.
MIN_QUESTION_CONFIDENCE = 0.5


def second_topic(
    text: str, ranking: List[Dict], first: str, answerable: set, questions: Sequence[Dict] = ()
) -> Optional[str]:
    """The other topic asked about, when the message asks two things and we answer it.

    `questions` are the message's "?" sentences, each classified on its own by the NLU
    (parse data "questions"); without them ("what is BME and how is it treated?") the
    runner-up of the whole message's ranking stands in.
    """
    if questions:
        for question in questions:
            # "What is BME? And how is it treated?": the second points back to the first.
            name = resolve_follow_up(question.get("intent") or "", question.get("text") or "", first)
            if name != first and name in answerable and question.get("confidence", 0) >= MIN_QUESTION_CONFIDENCE:
                return name
        return None
    if not asks_two_questions(text):
        return None
    for entry in ranking:
        runner_up = entry.get("name")
        if runner_up == first or runner_up not in answerable:
            continue
        return runner_up if entry.get("confidence", 0) >= MIN_SECOND_CONFIDENCE else None
    return None


# The runner-up is offered when it is at least this likely relative to the first. Tuned on the
# dev half: at 0.5 one question in six gets the offer, and 10 of its 23 misses get the right
# topic one tap away (0.3: a quarter offered for 12; 0.7: 7% offered for 5).
CLOSE_CALL = 0.5


def close_call(ranking: List[Dict], first: str, answerable: set) -> Optional[str]:
    """The runner-up topic when the classifier found it nearly as likely as the one answered."""
    top = next((r for r in ranking if r.get("name") == first), None)
    if not top or top.get("confidence", 0) >= 1.0:  # a rule decided: nothing is close
        return None
    for entry in ranking:
        name = entry.get("name")
        if name == first or name not in answerable:
            continue
        return name if entry.get("confidence", 0) >= CLOSE_CALL * top.get("confidence", 0) else None
    return None


def offered_topic(
    text: str,
    ranking: List[Dict],
    first: str,
    answerable: set,
    questions: Sequence[Dict] = (),
    read_in_context: bool = False,
) -> Tuple[Optional[str], str]:
    """The topic to offer beside the answer, and the answer frame's sentence that introduces it:
    a second question asked ("second_question"), else a close runner-up ("close_call"). A
    follow-up re-read in context was not ranked for its topic, so no runner-up is close to it."""
    second = second_topic(text, ranking, first, answerable, questions)
    if second:
        return second, "second_question"
    close = None if read_in_context else close_call(ranking, first, answerable)
    return (close, "close_call") if close else (None, "")
