"""Rule-based red-flag detection: fixed patterns from red_flags.yml, never a model's guess."""
import functools
import re
from typing import Any, Dict, FrozenSet, Iterable, List, Sequence, Set

from assistant.knowledge import KnowledgeBase, knowledge_base
from assistant.lexicons import lexicon_pattern
from assistant.phrase_matching import build_matcher, make_doc
from assistant.sentences import split_sentences

# A thermometer reading counts by its whole degrees ("fever 39.2", "temp 38,5°C", "101.4F"),
# so the phrases in red_flags.yml ("fever 39", "temp 38") need no decimals.
_UNIT = r"(?:\s*°(?:\s*[cf]\b)?|\s*[cf]\b)"
_READING = re.compile(rf"\b(\d{{2,3}})(?:[.,]\d+{_UNIT}?|{_UNIT})(?!\d)", re.IGNORECASE)


def whole_degrees(text: str) -> str:
    return _READING.sub(lambda m: m.group(1), text)


# Diseases and vaccines named after a fever are not a fever: "the travel clinic mentioned yellow
# fever" or "I have hay fever" on a biologic must not read as a fever on a biologic.
_NAMED_FEVER = lexicon_pattern(r"\b({named_fevers})[\s-]+fever\b")


def without_named_fevers(text: str) -> str:
    return _NAMED_FEVER.sub(lambda m: m.group(1).replace(" ", "_") + "_disease", text)


# Words that sit inside a symptom without changing it: "my eye suddenly went red" is "my eye
# went red", "my neck really hurts" is "my neck hurts". The phrases in red_flags.yml are mostly
# written without them; some triggers need "suddenly" itself, so the message is matched both
# with them and without them.
_FILLER = lexicon_pattern(r"\b{fillers}\s+")


def without_fillers(text: str) -> str:
    return _FILLER.sub("", text)


# Asking is not reporting. "Can AS give you pain around the ribs?" asks about a symptom in
# general; "my eye went red this morning, is that my AS?" reports one. A message is a general
# question when nothing in it says the symptom is happening now, and it asks "what if" ("what
# should I do if", "how do I know when"), or asks about AS or people in general. When it also
# speaks of someone ("I", "my husband"), that must be long-standing ("for months",
# "sometimes") or plainly not happening ("I don't have it"). Anything else counts as a report:
# when in doubt, the urgent advice. The words (people, "now", "for months", a past event) are
# lists in data/knowledge/lexicons.yml; the grammar (questions, dates, ages) is here.
_AUX = r"(?:can|could|does|do|is|are|will|would|what|how|why|when|which|should|might|may)(?!n't|n’t|not\b|'t)\b"
_GENERAL_START = re.compile(rf"^\W*(?:(?:hi|hello|hey|dear \w+|quick question|question)\W+)?{_AUX}", re.IGNORECASE)
_GENERAL_ANYWHERE = re.compile(r"\b(?:is it true|what are the (?:warning )?signs)\b", re.IGNORECASE)
# "What if": whoever it would happen to, it is not happening.
_WHAT_IF = re.compile(
    r"\b(?:what should (?:i|we|you|they) do if|what (?:do|would) (?:i|we|you) do if|what if|"
    r"how (?:am i|are we|is one|do you|do i|would i|would you|can i|can you|will i|will we) "
    r"(?:meant to |supposed to )?(?:know|tell) (?:if|when|whether)|when should (?:i|we|you|someone|people)|"
    r"in case|if (?:\w+ )?ever|"
    # Watching for a symptom is waiting for it: "what signs should we look out for in my sister?"
    r"(?:look|looking|watch|watching) (?:out )?for|keep an eye out for)\b", re.IGNORECASE)
_SOMEONE = lexicon_pattern(r"\b(?:{personal_pronouns}|{relations})\b")
_NOW = lexicon_pattern(
    r"\b(?:{happening_now}|"
    # "since this morning" is now; "since July", "since I was 20" or "since then" (a past event
    # just told) is how long something has been.
    r"since(?! (?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"(?:19|20)\d\d|last year|childhood|i was|(?:my )?diagnosis|then)))\b")
# A past event told as background, dated: "fractured his neck at 68", "years ago", "back in
# 2019". An age, not a clock time ("collapsed at 10"): 25 and over, not followed by minutes.
_PAST_EVENT = (r"(?:\d+|a few|two|three|four|five|several|many) (?:years|months) ago|"
               r"{past_events}|in (?:19|20)\d\d|"
               r"at (?:the age of )?(?:2[5-9]|[3-9]\d)\b(?![:.]\d)|when (?:i|he|she|we|they) (?:was|were)")
_DATED_PAST = lexicon_pattern(rf"\b(?:{_PAST_EVENT})\b")
_LONG_STANDING = lexicon_pattern(
    r"\b(?:{long_standing}|for \d+ (?:months|years|weeks)|at (?:the age of )?\d\d\b|"
    + _PAST_EVENT + r")\b")
_NOT_HAPPENING = re.compile(
    r"\b(?:i (?:don't|do not|dont) have (?:it|that|this|any)|(?:i'm|im|i am) (?:ok|okay|fine)|"
    r"just (?:want|wondering|curious|asking)|for the future|no (?:pain|symptoms?) (?:today|now|at the moment)|"
    r"nothing (?:sudden|new)|not (?:sudden|new))\b",
    re.IGNORECASE)


def _asks_in_general(sentence: str) -> bool:
    """A question about people in general: "can a fall break your neck?", "is it true...?"."""
    asks = bool(_GENERAL_ANYWHERE.search(sentence)) or (
        sentence.endswith("?") and bool(_GENERAL_START.search(sentence)))
    return asks and not _SOMEONE.search(sentence)


def happening_now(text: str) -> bool:
    text = text.replace("\u2019", "'")
    return bool(_NOW.search(_NOT_HAPPENING.sub(" ", text)))


def is_general_question(text: str) -> bool:
    """True when the message asks about an urgent symptom in general rather than reporting one."""
    text = text.replace("\u2019", "'")
    not_happening = bool(_NOT_HAPPENING.search(text))
    if happening_now(text):
        return False
    if _WHAT_IF.search(text):
        return True
    sentences = split_sentences(text)
    asks = bool(_GENERAL_ANYWHERE.search(text)) or any(
        s.endswith("?") and _GENERAL_START.search(s) and not _SOMEONE.search(s) for s in sentences)
    if not asks:
        return False
    return not _SOMEONE.search(text) or bool(_LONG_STANDING.search(text)) or not_happening


def told_as_happening(text: str) -> str:
    """The message less its sentences that ask about people in general or tell a dated past
    event. "Is it true a small fall can break the neck? My grandad does his own gutters": the
    fall and the neck are in the general question only, so nobody is reported to have fallen.
    "My dad fractured his neck at 68 after a fall. Should I ask for a scan?": background."""
    return " ".join(s for s in split_sentences(text.replace("\u2019", "'"))
                    if not _asks_in_general(s) and not _DATED_PAST.search(s))


ALWAYS_URGENT = {"self_harm"}


class RedFlagDetector:
    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._flags = kb.red_flags
        phrases = []
        for flag in kb.red_flags.values():
            for t, trigger in enumerate(flag.triggers):
                for g, group in enumerate(trigger):
                    phrases += [(f"{flag.id}|{t}|{g}", phrase) for phrase in group]
        self._matcher = build_matcher(phrases)
        # `urgent` and the rules ask about the same message one after the other.
        self._hits = functools.lru_cache(maxsize=64)(self._match)

    def _match(self, text: str) -> FrozenSet[str]:
        texts = {text, without_fillers(text)}
        docs = [make_doc(whole_degrees(without_named_fevers(t))) for t in texts]
        return frozenset(doc.vocab.strings[match_id] for doc in docs for match_id, _, _ in self._matcher(doc))

    def urgent(self, text: str, earlier_medicines: Iterable[str] = ()) -> List[str]:
        """The red flags the person reports as happening: `find`, less general questions.
        Thoughts of self-harm are always taken as happening, however they are put.

        `earlier_medicines`: medicines (generic names) or drug classes named earlier in the
        conversation. "I'm on Cimzia", then "I have a fever of 39": the fever is on a biologic.
        """
        found = self.find(text, earlier_medicines)
        if not found:
            return []
        if is_general_question(text):
            # Thoughts of self-harm stay urgent however they are asked about, unless the person
            # says plainly they are not having them ("I'm ok, just worried"); the answer still
            # carries the crisis lines (red_flag_asked).
            if _NOT_HAPPENING.search(text.replace("\u2019", "'")):
                return []
            return [f for f in found if f in ALWAYS_URGENT]
        if happening_now(text):
            return found
        rest = told_as_happening(text)
        if len(rest) == len(text.strip()):
            return found
        # A flag none of whose words is outside the general questions and the past was asked
        # about or told as background; a flag with any of its words in the rest still counts.
        told = self._hits(rest) if rest else frozenset()
        return [f for f in found if f in ALWAYS_URGENT or any(hit.startswith(f + "|") for hit in told)]

    def find(self, text: str, earlier_medicines: Iterable[str] = ()) -> List[str]:
        """Ids of the red flags the text describes, most urgent (file order) first.

        A trigger group that names medicines is also met by a medicine named earlier, but
        only when the message itself meets the trigger's other groups: an earlier medicine
        never makes a flag on its own.
        """
        hits = self._hits(text)
        context = self._names(earlier_medicines)
        found = []
        for flag in self._flags.values():
            for t, trigger in enumerate(flag.triggers):
                missing = [g for g in range(len(trigger)) if f"{flag.id}|{t}|{g}" not in hits]
                if not missing or (context and len(missing) < len(trigger)
                                   and all(context & set(trigger[g]) for g in missing)):
                    found.append(flag.id)
                    break
        return found

    def _names(self, ids: Iterable[str]) -> Set[str]:
        """Every lower-case name of the given medicines and classes, as the triggers hold them."""
        names: Set[str] = set()
        for i in ids:
            if i in self._kb.medications:
                names.update(n.lower() for n in self._kb.medications[i].names)
            elif i in self._kb.drug_classes:
                names.update(self._kb.drug_classes[i].words)
        return names


@functools.lru_cache(maxsize=1)
def red_flag_detector() -> RedFlagDetector:
    """The one detector of this process, over the knowledge base's red flags. Building it takes
    about a second and a half, so each server builds it at start-up (components/intent_rules.py,
    rasa_extensions/action_server.py), not on a patient's first message."""
    return RedFlagDetector(knowledge_base())


def medicines_named(events: Sequence[Dict[str, Any]]) -> List[str]:
    """The medicines and drug classes the person named in a conversation, in order, once each.

    Read from the stored events (as dicts): the `medication` and `drug_class` entities of each
    user message, and the `medication` slot. The latest message counts too; its own text is
    matched anyway.
    """
    named: List[str] = []
    for event in events:
        if event.get("event") == "user":
            for entity in (event.get("parse_data") or {}).get("entities") or []:
                if entity.get("entity") in ("medication", "drug_class") and isinstance(entity.get("value"), str):
                    named.append(entity["value"])
        elif event.get("event") == "slot" and event.get("name") == "medication" and isinstance(event.get("value"), str):
            named.append(event["value"])
    return list(dict.fromkeys(named))
