"""Render every educational reply: the knowledge entry, its source, the rheumatologist pointer.

All educational answers go through `render()`, so no answer can leave out its source or the
referral. `educational_reply()` picks what to say for an intent, using the medicine or drug
class the person named (or named earlier) where the topic is about one medicine.
"""

import json
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence

from assistant import intents
from assistant.knowledge import DrugClass, KnowledgeBase, Medication, Source
from assistant.sentences import split_sentences
from assistant.text_checks import mentions_dose, mentions_medicine_change

# Intents whose answer is about one named medicine, when the person names one.
MEDICATION_INTENTS = intents.MEDICATION_INTENTS
# Where a class word alone ("what about biologics?") is best answered by a topic: data, in
# data/knowledge/routing.yml (`class_topics`, checked when it loads).
# Replies that explain why the assistant will not answer; a dose note would repeat them. The
# alcohol answer already asks the person to agree a limit with their team ("14 units a week?").
NO_DOSE_NOTE = intents.MEDICINE_DECISIONS | {intents.ASK_ALCOHOL}


@dataclass
class Reply:
    text: str
    buttons: List[Dict[str, str]] = field(default_factory=list)
    # What the person reads as the answer: the text without the source line and the closing
    # pointer. The content tests measure this (grade, length, repeated sentences).
    body: str = ""


def payload(intent: str, entities: Optional[Dict[str, Any]] = None) -> str:
    """What a button sends: Rasa's `/intent`, with entities as `/intent{"key":value}`."""
    return f"/{intent}" + (json.dumps(entities, separators=(",", ":"), ensure_ascii=False) if entities else "")


def button(title: str, intent: str, entities: Optional[Dict[str, Any]] = None) -> Dict[str, str]:
    """Every button the assistant sends is made here."""
    return {"title": title, "payload": payload(intent, entities)}


def first_upper(text: str) -> str:
    """Capitalise the first letter only: "upadacitinib (Rinvoq)" keeps its brand's capital."""
    return text[:1].upper() + text[1:]


def source_line(kb: KnowledgeBase, sources: Iterable[Source]) -> str:
    """ "Source: NHS; NASS." with each short name once."""
    names = list(dict.fromkeys(s.name for s in sources))
    return f"{kb.frame['source_prefix']} {'; '.join(names)}."


def render(
    kb: KnowledgeBase,
    parts: Sequence[str],
    sources: Iterable[Source],
    person: Optional[str] = None,
    notes: Sequence[str] = (),
    buttons: Sequence[Dict[str, str]] = (),
    referral: Optional[str] = None,
) -> Reply:
    """Body, then any notes, then "Source: ...", then the rheumatologist pointer, last."""
    f = kb.frame
    paragraphs = [f["caregiver_intro"].format(person=person)] if person else []
    paragraphs += [p for p in parts if p]
    paragraphs += list(notes)
    body = "\n\n".join(paragraphs)
    closing = referral or (f["referral_caregiver"] if person else f["referral"])
    text = "\n\n".join([body, source_line(kb, sources), closing])
    return Reply(text, list(buttons), body)


def topic_reply(kb: KnowledgeBase, intent: str, person: Optional[str] = None, notes=()) -> Reply:
    topic = kb.topics[intent]
    answer = topic.caregiver_answer if person and topic.caregiver_answer else topic.answer
    buttons = [button(kb.topics[r].title, r) for r in topic.related]
    referral = None
    if topic.undiagnosed_readers:  # they may have no rheumatologist yet: say how to get one
        referral = kb.frame["referral_undiagnosed_caregiver" if person else "referral_undiagnosed"]
    return render(kb, [answer], topic.sources, person, notes, buttons, referral)


def _class_text(kb: KnowledgeBase, cls: DrugClass, name: str) -> str:
    """A class's text; a group class ("biologic") uses its members' texts."""
    own = getattr(cls, name)
    if own:
        return own
    return " ".join(dict.fromkeys(getattr(kb.drug_classes[m], name) for m in kb.class_members(cls.id)))


# The three views of one medicine, and the buttons that lead from each to the others. The
# first view is the short one; the others are "More about ...".
# "What is X?" shows the first safety points (the most important, by the catalog's order); the
# full list is the side-effects view, behind "More about X: side effects".
KEY_POINTS = 2
_MEDICATION_VIEWS = (
    intents.ASK_DRUG_INFO,
    intents.ASK_DRUG_SIDE_EFFECTS,
    intents.INFORM_CURRENT_MEDICATION,
    intents.ASK_TIME_TO_WORK,
)


def medication_buttons(kb: KnowledgeBase, intent: str, med: Medication) -> List[Dict[str, str]]:
    """ "More about ..." buttons: the other views of the same medicine (the slot remembers it)."""
    # The follow-up reads the medicine from the conversation, so a payload names only the view.
    return [
        button(kb.frame[f"more_{view}"].format(name=med.short_name), view)
        for view in _MEDICATION_VIEWS
        if view != intent and view in kb.topics
    ]


# The longest answer body a person reads on a phone; more detail sits behind a button.
MAX_BODY_WORDS = 150


def _fitting(required: Sequence[str], optional: Sequence[str], person: Optional[str], kb: KnowledgeBase) -> List[str]:
    """`required`, then as many of `optional` (in order) as keep the body within MAX_BODY_WORDS.

    The optional parts are each one button away ("More about ..."), so leaving one out for
    length loses nothing the person cannot reach in one tap.
    """
    words = len(kb.frame["caregiver_intro"].format(person=person).split()) if person else 0
    words += sum(len(p.split()) for p in required)
    kept = []
    for part in optional:
        if words + len(part.split()) <= MAX_BODY_WORDS:
            kept.append(part)
            words += len(part.split())
    return kept


def medication_reply(kb: KnowledgeBase, intent: str, med: Medication, person=None, notes=()) -> Reply:
    """One medicine, one view at a time, so a reply stays short and says each thing once.

    The medicine's own safety points are its side effects and warnings; the class texts are
    used only where the medicine has no text of its own (where it fits, how long it takes).
    Every view carries the medicine's most serious warning (`key_warning`): a person who asks
    only how long Rinvoq takes still reads its boxed warning.
    """
    f = kb.frame
    cls = kb.drug_classes[med.drug_class]
    intro = f["medication_intro"].format(name=first_upper(med.display_name), class_name=cls.name)
    warning = f["medication_key_warning"] + " " + med.key_warning
    sources: Sequence[Source]
    if intent == intents.ASK_DRUG_SIDE_EFFECTS:  # what was asked comes first, the worst first
        safety = " ".join([f["medication_safety"], med.key_warning, *med.safety_points])
        parts = [safety] + _fitting([safety, *notes], [intro], person, kb)
        sources = med.sources
    elif intent == intents.ASK_TIME_TO_WORK:
        time_to_work = med.time_to_work or cls.time_to_work
        parts = [f["medication_time_to_work"].format(name=med.display_name) + " " + time_to_work, warning]
        sources = med.sources if med.time_to_work else list(med.sources) + list(cls.sources)
    elif intent == "inform_current_medication":
        required = [intro, warning, f["medication_path"] + " " + cls.path]
        # The questions to ask come last, when they fit; the appointment questions list them too.
        parts = required + _fitting([*required, *notes], [f["medication_next"] + " " + cls.next_steps], person, kb)
        sources = list(cls.sources) + list(med.sources)
    else:  # what it is: how it is given, what it does, the worst warning and the first points
        given_as = f["medication_given_as"].format(name=first_upper(med.display_name), given_as=med.given_as)
        required = [given_as, med.about, warning]
        label = f["medication_key_points"]
        points: List[str] = []
        for point in med.safety_points[:KEY_POINTS]:  # the next points, while they fit
            candidate = " ".join([label, *points, point])
            if not _fitting([*required, *notes], [candidate], person, kb):
                break
            points.append(point)
        parts = required + ([" ".join([label, *points])] if points else [])
        sources = med.sources
    return render(kb, parts, sources, person, notes, medication_buttons(kb, intent, med))


def class_reply(kb: KnowledgeBase, intent: str, class_id: str, person=None, notes=()) -> Reply:
    cls = kb.drug_classes[class_id]
    field_name = {intents.ASK_DRUG_SIDE_EFFECTS: "side_effects", intents.ASK_TIME_TO_WORK: "time_to_work"}.get(intent)
    if field_name is None:
        class_topics = kb.routing.class_topics
        if class_id in class_topics or not cls.path:
            return topic_reply(kb, class_topics.get(class_id, intent), person, notes)
        # A class with no topic of its own (medicines not used for AS): what it is, and why.
        text = kb.frame["class_intro"].format(class_name=cls.name) + " " + cls.path
        return render(kb, [text, kb.frame["medication_next"] + " " + cls.next_steps], cls.sources, person, notes)
    text = kb.frame["class_intro"].format(class_name=cls.name) + " " + _class_text(kb, cls, field_name)
    return render(kb, [text], cls.sources, person, notes)


def answering_intent(kb: KnowledgeBase, intent: str, medicines: Iterable[str], class_named: bool) -> str:
    """The topic that answers `intent`, given the medicines and class words the message names.

    A class topic asked about one medicine of the class, with no class word, is answered about
    that medicine (routing.yml, `medicine_views`): "can naproxen cause ulcers?" reads naproxen's
    own side effects and key warning; "do NSAIDs cause ulcers?" the class's.
    """
    view = kb.routing.medicine_views.get(intent)
    named = set(medicines)
    if view is None or class_named or len(named) != 1:
        return intent
    medication = kb.medications.get(next(iter(named)))
    return view.answer_as if medication is not None and medication.drug_class in view.classes else intent


def together_warnings(kb: KnowledgeBase, medicines: Iterable[str]) -> List[str]:
    """The class's "not together" warning for each class with two different medicines named."""
    classes = [kb.medications[m].drug_class for m in dict.fromkeys(medicines) if m in kb.medications]
    return [
        kb.drug_classes[c].together
        for c in dict.fromkeys(classes)
        if classes.count(c) > 1 and kb.drug_classes[c].together
    ]


def educational_reply(
    kb: KnowledgeBase,
    intent: str,
    message: str = "",
    medication: Optional[str] = None,
    drug_class: Optional[str] = None,
    person: Optional[str] = None,
    red_flags_asked: Sequence[str] = (),
    medicines: Sequence[str] = (),
) -> Reply:
    """The reply to an educational or safety intent, given what the person named.

    `red_flags_asked`: urgent symptoms the question asks about in general; the answer adds
    what to do if one is happening now. `medicines`: every medicine the message names; two of
    one class add that class's warning about taking them together.
    """
    notes = [kb.frame["dose_mentioned"]] if intent not in NO_DOSE_NOTE and mentions_dose(message) else []
    notes += together_warnings(kb, medicines)
    if (medication or drug_class) and intent not in NO_DOSE_NOTE and mentions_medicine_change(message):
        notes.append(kb.frame["no_change_alone"])
    actions = dict.fromkeys(kb.red_flags[f].action.strip() for f in red_flags_asked if f in kb.red_flags)
    notes += [kb.frame["red_flag_asked"].format(action=a) for a in actions]
    if intent in MEDICATION_INTENTS:
        if medication in kb.medications:
            return medication_reply(kb, intent, kb.medications[medication], person, notes)
        if drug_class in kb.drug_classes:
            return class_reply(kb, intent, drug_class, person, notes)
    return topic_reply(kb, intent, person, notes)


def red_flag_reply(kb: KnowledgeBase, flag_ids: Sequence[str]) -> Reply:
    """Urgent advice for each flag found, ending with what to do now.

    The last thing a frightened reader sees is the action (the number to call, where to go):
    never the routine rheumatologist pointer, and never a long list of sources. The basis of
    the advice is named in one short line before it; the team is told "when you are safe".
    """
    f = kb.frame
    flags = [kb.red_flags[i] for i in flag_ids if i in kb.red_flags]
    if flags:
        advice = [f["red_flag_intro"]] + [flag.advice for flag in flags]
        actions = [flag.action for flag in flags]
        sources = [s for flag in flags for s in flag.sources]
    else:  # flagged by the classifier alone: the general urgent advice, its action said last
        action = f["red_flag_unspecified_action"]
        advice = [f["red_flag_unspecified"][: -len(action)].strip()]
        actions, sources = [action], []
    names = list(dict.fromkeys(s.name for s in sources))
    basis = f["red_flag_basis"].format(names=", ".join(names)) if names else f["red_flag_basis_own"]
    # Two flags can share a step ("Go to the emergency department now."): say it once.
    action = " ".join(dict.fromkeys(s for a in actions for s in split_sentences(a, prose=True)))
    paragraphs = advice + [basis, f["red_flag_team"], action]
    body = "\n\n".join(advice + [f["red_flag_team"], action])
    return Reply("\n\n".join(paragraphs), [], body)


def caregiver_welcome(kb: KnowledgeBase, person: Optional[str], topics: Sequence[Dict[str, str]]) -> Reply:
    """To someone who says they look after a person with AS, before any question; `topics` are
    the greeting's buttons (domain.yml, utter_greet), so the main topics are listed once."""
    text = kb.frame["caregiver_welcome"].format(person=person or "the person you care for")
    return Reply(text, [button(b["title"], b["payload"].lstrip("/")) for b in topics], body=text)
