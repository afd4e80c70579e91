"""Rule-based red-flag detection: fixed patterns from red_flags.yml, never a model's guess."""

import functools
import re
from typing import Any, Dict, FrozenSet, Iterable, List, Sequence, Set, Tuple

from spacy.lang.en.stop_words import STOP_WORDS

from assistant.knowledge import KnowledgeBase, knowledge_base
from assistant.lexicons import lexicon_pattern
from assistant.medications import medication_finder
from assistant.phrase_matching import build_matcher, english_words, exact_or_typo, make_doc
from assistant.sentences import split_sentences

# A thermometer reading counts by its whole degrees ("fever 39.2", "temp 38,5°C", "101.4F"),
# so the phrases in red_flags.yml ("fever 39", "temp 38") need no decimals.
_UNIT = r"(?:\s*°(?:\s*[cf]\b)?|\s*[cf]\b)"
_READING = re.compile(rf"\b(\d{{2,3}})(?:[.,]\d+{_UNIT}?|{_UNIT})(?!\d)", re.IGNORECASE)


_NAMED_READING = re.compile(r"(?:fever|temp|temperature)\W*(?:\w+\W+)?$", re.IGNORECASE)


def whole_degrees(text: str) -> str:
    """Readings to whole degrees; a bare fever-range reading ("38.4 this morning") reads as a
    temperature ("temp 38")."""

    def whole(m: re.Match) -> str:
        degrees = int(m.group(1))
        bare = not _NAMED_READING.search(text[max(0, m.start() - 25) : m.start()])
        return f"temp {degrees}" if bare and (37 <= degrees <= 42 or 99 <= degrees <= 107) else m.group(1)

    return _READING.sub(whole, text)


# Diseases and vaccines named after a fever are not a fever: "the travel clinic mentioned yellow
# fever" or "I have hay fever" on a biologic must not read as a fever on a biologic.
_NAMED_FEVER = lexicon_pattern(r"\b({named_fevers})[\s-]+fever\b")


def without_named_fevers(text: str) -> str:
    return _NAMED_FEVER.sub(lambda m: m.group(1).replace(" ", "_") + "_disease", text)


# A vaccine named after a disease is not the disease: "has everyone had the pneumonia vaccine?"
# on Humira tells no pneumonia, "the shingles jab" no shingles near the eye.
_NAMED_VACCINE = lexicon_pattern(r"\b{vaccine_words}\b")


def without_named_vaccines(text: str) -> str:
    return _NAMED_VACCINE.sub("vaccine", text)


# What comes right before a symptom that is said to be absent ("no fever", "not any fever",
# "no numbness or weakness"): a negation, up to two words between, or a short "or" list after
# it. A doubt is no negation: "not sure if flu or sepsis" tells sepsis.
_NEGATED = lexicon_pattern(
    r"\b{negations}\s+(?:{negation_fillers}\s+){0,2}"
    r"(?:(?:(?!and\b|but\b|if\b|whether\b|sure\b|know\b|certain\b)\w+\s+){1,3}(?:or|nor)\s+(?:{negation_fillers}\s+){0,2})?$"
)


def said_absent(prefix: str) -> bool:
    """True when the text before a symptom ends by saying it is absent ("no", "not any", "no
    fever or"), within the sentence."""
    return bool(_NEGATED.search(prefix.replace("\u2019", "'")))


# Words that sit inside a symptom without changing it: "my eye suddenly went red" is "my eye
# went red", "my neck really hurts" is "my neck hurts". The phrases in red_flags.yml are mostly
# written without them; some triggers need "suddenly" itself, so the message is matched both
# with them and without them.
_FILLER = lexicon_pattern(r"\b{fillers}\s+")


_HAS_BEEN = re.compile(r"\b(?:has been|have been|had been|'s been)\b", re.IGNORECASE)


def without_fillers(text: str) -> str:
    """The text without filler words, and "has been red" read as "is red"."""
    return _HAS_BEEN.sub("is", _FILLER.sub("", text))


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
# "Is this normal?", "is it covid or the med?", "could that be it?" ask about what was just told.
# "Is it normal to get chest pain with AS?" asks in general.
_ABOUT_THE_STORY = re.compile(
    r"^\W*(?:(?:is|could|can|would|might|does|will|should) (?:this|that|these|those)\b|"
    r"is it (?!(?:\w+ )?(?:to|for|that)\b))",
    re.IGNORECASE,
)
# Hearsay and conditionals tell nobody's symptom: "I've read stories of people taking it daily",
# "someone in a group said her husband got sepsis", "if I get a fever out there, what do I do?".
_NOT_TOLD = re.compile(
    # Only a condition about what may come ("if I get", "if he ever", "if it happens"): "if I
    # have numbness down there, is that an emergency?" is how people report what they have now.
    r"^\W*(?:(?:and|but|so|or) )?if (?:i|he|she|we|you|they|it|(?:my|his|her|the) (?:\w+ ){0,5}?\w+) "
    r"(?:ever|get|gets|got|"
    r"were|was|should|start|starts|develop|develops|catch|catches|happen|happens|come|comes|go|goes|turn|turns|"
    r"become|becomes)\b|"
    # "Say I slipped on ice this winter": a supposition.
    r"^\W*(?:say|suppose|imagine|let'?s say) (?:i|he|she|we|you|they|my)\b|"
    r"\b(?:i(?:'ve| have)? (?:read|heard|seen)|(?:read|heard) (?:that|about|online|somewhere)|"
    r"someone (?:in|on|said|told)|people (?:say|said|told)|told me|apparently|"
    r"(?:stories|posts|threads) (?:of|about|from))\b",
    re.IGNORECASE,
)
_GENERAL_ANYWHERE = re.compile(r"\b(?:is it true|what are the (?:warning )?signs)\b", re.IGNORECASE)
# "What if": whoever it would happen to, it is not happening.
_WHAT_IF = re.compile(
    r"\b(?:what should (?:i|we|you|they) do if|what (?:do|would) (?:i|we|you) do if|what if|"
    r"how (?:am i|are we|is one|do you|do i|would i|would you|can i|can you|will i|will we) "
    r"(?:meant to |supposed to )?(?:know|tell) (?:if|when|whether)|when should (?:i|we|you|someone|people)|"
    r"in case|if (?:\w+ )?ever|"
    # Watching for a symptom is waiting for it: "what signs should we look out for in my sister?"
    r"(?:look|looking|watch|watching) (?:out )?for|keep an eye out for)\b",
    re.IGNORECASE,
)
_SOMEONE = lexicon_pattern(r"\b(?:{personal_pronouns}|{relations})\b")
_TODAY = (
    r"{happening_now}|"
    # "since this morning" or "since the injection" is now; "since July", "since I was 20",
    # "since my brother's heart attack" or "since then" (a past event just told) is how long
    # something has been.
    r"since (?:this|today|tonight|yesterday|last night|i woke|waking|lunch|breakfast|dinner|an hour|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|\d+ ?(?:am|pm|o'?clock)|"
    r"(?:the|my|his|her) (?:fall|injection|jab|infusion|accident|first dose|last dose))|"
    # "it just started hurting" is now; "he has just started Rinvoq" is a medicine.
    r"just started(?= to\b| (?!taking|using|having)\w+ing\b|\s*[.,!?]|$)"
)
_SAID_TODAY = lexicon_pattern(rf"\b(?:{_TODAY})\b")
_NOW = lexicon_pattern(rf"\b(?:{_TODAY}|{{sudden_start}})\b")
# A past event told as background, dated: "fractured his neck at 68", "years ago", "back in
# 2019". An age, not a clock time ("collapsed at 10"): 25 and over, not followed by minutes.
_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
_PAST_EVENT = (
    r"(?:years|months|winters|summers) (?:ago|back|later)|(?:a|one|two|three|a few) (?:year|month)s? later|"
    # A named month is never today: "fainted once in july", "my next dose is due in december".
    rf"{{past_events}}|(?:last|in) {_MONTH}|in (?:19|20)\d\d|"
    rf"(?:{_MONTH}|spring|summer|autumn|fall|winter) (?:of )?(?:19|20)\d\d|"
    r"in (?:my|his|her|their) (?:teens|twenties|thirties|forties|fifties|sixties|seventies|eighties)|"
    r"at (?:the age of )?(?:2[5-9]|[3-9]\d)\b(?![:.]\d)|when (?:i|he|she|we|they) (?:was|were)"
)
_DATED_PAST = lexicon_pattern(rf"\b(?:{_PAST_EVENT})\b")
_LONG_STANDING = lexicon_pattern(
    r"\b(?:{long_standing}|for \d+ (?:months|years|weeks)|at (?:the age of )?\d\d\b|" + _PAST_EVENT + r")\b"
)
_NOT_HAPPENING = re.compile(
    r"\b(?:i (?:don't|do not|dont) have (?:it|that|this|any)|(?:i'm|im|i am) (?:ok|okay|fine)|"
    r"just (?:want|wondering|curious|asking)|for the future|no (?:pain|symptoms?) (?:today|now|at the moment)|"
    r"nothing (?:sudden|new)|not (?:sudden|new))\b",
    re.IGNORECASE,
)


def _asks_in_general(sentence: str) -> bool:
    """A question about people in general: "can a fall break your neck?", "is it true...?"."""
    asks = bool(_GENERAL_ANYWHERE.search(sentence)) or (
        sentence.endswith("?") and bool(_GENERAL_START.search(sentence)) and not _ABOUT_THE_STORY.search(sentence)
    )
    return asks and not _SOMEONE.search(sentence)


def happening_now(text: str) -> bool:
    """A symptom is said to be happening now ("since this morning", "suddenly"). A sudden start
    in a sentence that tells a dated past event is past ("back in 2019 I woke up with a red
    eye"); a time that is today never is ("my dad broke his neck at 68, and today I fell")."""
    text = _NOT_HAPPENING.sub(" ", text.replace("\u2019", "'"))
    return any(_SAID_TODAY.search(s) or (_NOW.search(s) and not _DATED_PAST.search(s)) for s in split_sentences(text))


def is_general_question(text: str) -> bool:
    """True when the message asks about an urgent symptom in general rather than reporting one."""
    text = text.replace("\u2019", "'")
    not_happening = bool(_NOT_HAPPENING.search(text))
    if happening_now(text):
        return False
    if _WHAT_IF.search(text):
        return True
    sentences = split_sentences(text)
    asks = bool(_GENERAL_ANYWHERE.search(text)) or any(_asks_in_general(s) for s in sentences)
    if not asks:
        return False
    return not _SOMEONE.search(text) or bool(_LONG_STANDING.search(text)) or not_happening


# An episode told as over: "she's recovering", "he's fine now", "recovered fully". Not "I'm
# recovering from a chest infection": that one may be why the fever is happening.
_OVER = re.compile(
    r"\b(?:recovered fully|fully recovered|made a full recovery|"
    r"(?:(?:she|he|they)(?:'s|s|'re|re)?|is|are) recovering(?! from)|"
    r"(?:(?:she|he|it|they|we|i)(?:'s|s|'re|re|'m|m)?|is|was|are) (?:fine|ok|okay|better|well) now|"
    r"nothing since|never since)\b",
    re.IGNORECASE,
)
# Asking what to watch for: "what would a serious one look like", "how do you spot sepsis
# early". The sentence from there on asks in general; what comes before it is still told ("my
# dad has a fever of 39.5 on Humira, what are the signs of sepsis?" is a report).
_WATCHING = re.compile(
    r"\b(?:what (?:are|would be|r) the (?:\w+ )?signs|how (?:do|would|can|could|will) (?:you|i|we|one|people) "
    r"(?:spot|recogni[sz]e|tell)|what (?:\w+ ){0,4}(?:would|does|do|did|will|might) (?:\w+ ){0,4}?look like|"
    r"is \w+ enough to (?:worry|go|call|ring)|something to (?:ring|call|worry) about|"
    r"at what point (?:would|should|do|does|is))\b",
    re.IGNORECASE,
)


def _background(sentence: str) -> bool:
    """A dated past event, hearsay, a condition or an episode that is over: "my dad fractured
    his neck at 68", "someone said her husband got sepsis", "if I get a fever out there", "she's
    recovering". Never one that also says now:
    "I had uveitis in 2019 and since this morning the eye is red again"."""
    return bool(_DATED_PAST.search(sentence) or _NOT_TOLD.search(sentence) or _OVER.search(sentence)) and not (
        _SAID_TODAY.search(sentence)
    )


# A sentence's parts, for telling past from present: "my bloods were fine in June but now I have
# a fever of 39" dates only its first part.
_CLAUSES = re.compile(r",?\s+but\s+", re.IGNORECASE)
# A dated part's clauses, and what speaks in the present in one (`split_story`).
_SUBCLAUSES = re.compile(r"\s*[,;]\s*|\s+(?:and|so|then)\s+", re.IGNORECASE)
_PRESENT = re.compile(
    r"\b(?:(?:i|he|she|it|they|we|my \w+|his \w+|her \w+)(?:'m|'s|'re| am| is| are| has| have| feel| feels| keep| "
    r"keeps| can't| cant| cannot)|now|currently)\b",
    re.IGNORECASE,
)


def split_story(text: str) -> Tuple[List[str], List[str], List[str]]:
    """The message's sentences (or their parts around "but") as (told as happening, general
    questions, background)."""
    told: List[str] = []
    general: List[str] = []
    background: List[str] = []
    for sentence in split_sentences(text.replace("\u2019", "'")):
        for part in _CLAUSES.split(sentence):
            if _asks_in_general(part):
                general.append(part)
            elif not _background(part):
                watching = _WATCHING.search(part)
                if watching is None:
                    told.append(part)
                    continue
                told += [part[: watching.start()]] if part[: watching.start()].strip() else []
                general.append(part[watching.start() :])
            elif _NOT_TOLD.search(part) or _OVER.search(part):
                background.append(part)
            else:
                # Dated: from a clause that speaks in the present until the next dated one, it is
                # still told ("I was diagnosed in 2019 and my eye is red and painful").
                # A clause that asks ("would they ever restart a biologic after sepsis") tells nothing.
                now = False
                for clause in _SUBCLAUSES.split(part):
                    asks = bool(_GENERAL_START.search(clause))
                    now = not (asks or _DATED_PAST.search(clause)) and (now or bool(_PRESENT.search(clause)))
                    (told if now else background).append(clause)
    return told, general, background


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
        # Each label's own words: a token outside them matched as a typo, and must not be a
        # real word ("a trapped nerve" is not "tripped").
        self._phrases: Dict[str, List[str]] = {}
        for label, phrase in phrases:
            self._phrases.setdefault(label, []).append(phrase.lower())
        self._words: Dict[str, FrozenSet[str]] = {
            label: frozenset(t.lower_ for p in group for t in make_doc(p)) for label, group in self._phrases.items()
        }
        english_words()
        # Every word of every trigger is a word people use here ("peeing", "pooing"): it is not
        # a typo of another flag's word.
        self._known = frozenset(w for words in self._words.values() for w in words)
        # Words that say who, when or which medicine, not what is felt: a story's "I'm", "since"
        # or "Humira" tells no symptom (`urgent`).
        names = {w for m in kb.medications.values() for n in m.names for w in n.lower().split()} | {
            w for c in kb.drug_classes.values() for p in c.words for w in p.split()
        }
        lexicons = kb.lexicons
        self._not_symptoms = (
            frozenset(STOP_WORDS)
            | names
            | lexicons.set("relations")
            | lexicons.set("personal_pronouns")
            | lexicons.set("third_person")
            | lexicons.set("story_context_words")
        )
        # `urgent` and the rules ask about the same message one after the other.
        self._matches = functools.lru_cache(maxsize=64)(self._match)

    def _hits(self, text: str) -> FrozenSet[str]:
        """The trigger groups (labels "flag|trigger|group") the text meets."""
        return self._matches(text)[0]

    def _symptom_hits(self, text: str) -> FrozenSet[str]:
        """The groups met by words that tell a symptom, not only a person, a time or a medicine."""
        return self._matches(text)[1]

    def _match(self, text: str) -> Tuple[FrozenSet[str], FrozenSet[str]]:
        texts = {text, without_fillers(text)}
        docs = [make_doc(whole_degrees(without_named_fevers(without_named_vaccines(t)))) for t in texts]
        hits, symptoms = set(), set()
        for doc in docs:
            for match_id, start, end in self._matcher(doc):
                label = doc.vocab.strings[match_id]
                if not exact_or_typo(doc, start, end, self._words[label], self._known):
                    continue
                # "No fever, no sore throat" tells no fever; self-harm is read however put.
                if label.split("|")[0] not in ALWAYS_URGENT and said_absent(doc.text[: doc[start].idx]):
                    continue
                hits.add(label)
                if any(t.lower_ not in self._not_symptoms for t in doc[start:end]):
                    symptoms.add(label)
        return frozenset(hits), frozenset(symptoms)

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
        told, general, background = split_story(text)
        if not general and not background:
            return found
        # What is told as happening must meet the flag by itself, or tell one of its symptoms
        # (not only a medicine) while a general question in the message supplies the rest ("can
        # a fall break your neck? my grandad fell off a ladder"). Background never does.
        told_text = " ".join(told)
        # A medicine named anywhere in the message is still taken unless said otherwise:
        # "diagnosed in 2019, a year later I started Humira, and now I have a fever of 39".
        medicines = [*earlier_medicines, *(m.value for m in medication_finder().find(text))]
        whole = set(self.find(told_text, medicines)) if told else set()
        symptoms = {hit.split("|")[0] for hit in self._symptom_hits(told_text)} if told else set()
        with_questions = set(self.find(" ".join(told + general), medicines)) if told and general else set()
        return [f for f in found if f in ALWAYS_URGENT or f in whole or (f in symptoms and f in with_questions)]

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
                if not missing or (
                    context and len(missing) < len(trigger) and all(context & set(trigger[g]) for g in missing)
                ):
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
