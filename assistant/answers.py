"""Render every educational reply: the knowledge entry, its source, the rheumatologist pointer.

All educational answers go through `render()`, so no answer can leave out its source or the
referral. `educational_reply()` picks what to say for an intent, using the medicine or drug
class the person named (or named earlier) where the topic is about one medicine.
"""
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence

from assistant.knowledge import DrugClass, KnowledgeBase, Medication, Source
from assistant.text_checks import mentions_dose

# Intents whose answer is about one named medicine, when the person names one.
MEDICATION_INTENTS = {
    "ask_drug_info", "ask_drug_side_effects", "ask_time_to_work", "inform_current_medication",
}
# Where a class word alone ("what about biologics?") is best answered by a topic.
CLASS_TOPICS = {
    "nsaid": "ask_nsaids", "csdmard": "ask_dmards", "dmard": "ask_dmards",
    "tnf_blocker": "ask_biologics", "il17_inhibitor": "ask_biologics", "biologic": "ask_biologics",
    "jak_inhibitor": "ask_jak_inhibitors", "steroid": "ask_steroid_injections",
}
# Replies that explain why the assistant will not answer; a dose note would repeat them.
NO_DOSE_NOTE = {"ask_dosage", "ask_stop_medication"}


@dataclass
class Reply:
    text: str
    buttons: List[Dict[str, str]] = field(default_factory=list)


def button(title: str, intent: str) -> Dict[str, str]:
    return {"title": title, "payload": f"/{intent}"}


def render(
    kb: KnowledgeBase,
    parts: Sequence[str],
    sources: Iterable[Source],
    person: Optional[str] = None,
    notes: Sequence[str] = (),
    buttons: Sequence[Dict[str, str]] = (),
) -> Reply:
    """Body, then any notes, then "Source: ...", then the rheumatologist pointer, last."""
    f = kb.frame
    names = list(dict.fromkeys(s.name for s in sources))
    paragraphs = [f["caregiver_intro"].format(person=person)] if person else []
    paragraphs += [p for p in parts if p]
    paragraphs += list(notes)
    paragraphs.append(f"{f['source_prefix']} {'; '.join(names)}.")
    paragraphs.append(f["referral_caregiver"] if person else f["referral"])
    return Reply("\n\n".join(paragraphs), list(buttons))


def topic_reply(kb: KnowledgeBase, intent: str, person: Optional[str] = None, notes=()) -> Reply:
    topic = kb.topics[intent]
    answer = topic.caregiver_answer if person and topic.caregiver_answer else topic.answer
    buttons = [button(kb.topics[r].title, r) for r in topic.related]
    return render(kb, [answer], topic.sources, person, notes, buttons)


def _class_text(kb: KnowledgeBase, cls: DrugClass, name: str) -> str:
    """A class's text; a group class ("biologic") uses its members' texts."""
    own = getattr(cls, name)
    if own:
        return own
    return " ".join(dict.fromkeys(getattr(kb.drug_classes[m], name) for m in kb.class_members(cls.id)))


def medication_reply(kb: KnowledgeBase, intent: str, med: Medication, person=None, notes=()) -> Reply:
    f = kb.frame
    cls = kb.drug_classes[med.drug_class]
    intro = f["medication_intro"].format(name=med.display_name.capitalize(), class_name=cls.name)
    if intent == "ask_drug_side_effects":
        parts = [intro, f["medication_side_effects"].format(class_name=cls.name) + " " + cls.side_effects,
                 f["medication_safety"] + " " + " ".join(med.safety_points)]
    elif intent == "ask_time_to_work":
        parts = [f["medication_time_to_work"].format(name=med.display_name) + " " + cls.time_to_work]
    elif intent == "inform_current_medication":
        parts = [intro, f["medication_path"] + " " + cls.path, f["medication_next"] + " " + cls.next_steps]
    else:
        parts = [intro + " " + f["medication_given_as"].format(given_as=med.given_as), med.about,
                 f["medication_path"] + " " + cls.path,
                 f["medication_safety"] + " " + " ".join(med.safety_points)]
    sources = list(med.sources) + list(cls.sources)
    buttons = [button(kb.topics[t].title, t) for t in ("ask_drug_side_effects", "ask_time_to_work")
               if t != intent and t in kb.topics]
    return render(kb, parts, sources, person, notes, buttons)


def class_reply(kb: KnowledgeBase, intent: str, class_id: str, person=None, notes=()) -> Reply:
    cls = kb.drug_classes[class_id]
    field_name = {"ask_drug_side_effects": "side_effects", "ask_time_to_work": "time_to_work"}.get(intent)
    if field_name is None:
        return topic_reply(kb, CLASS_TOPICS.get(class_id, intent), person, notes)
    text = kb.frame["class_intro"].format(class_name=cls.name) + " " + _class_text(kb, cls, field_name)
    return render(kb, [text], cls.sources, person, notes)


def educational_reply(
    kb: KnowledgeBase,
    intent: str,
    message: str = "",
    medication: Optional[str] = None,
    drug_class: Optional[str] = None,
    person: Optional[str] = None,
) -> Reply:
    """The reply to an educational or safety intent, given what the person named."""
    notes = [kb.frame["dose_mentioned"]] if intent not in NO_DOSE_NOTE and mentions_dose(message) else []
    if intent in MEDICATION_INTENTS:
        if medication in kb.medications:
            return medication_reply(kb, intent, kb.medications[medication], person, notes)
        if drug_class in kb.drug_classes:
            return class_reply(kb, intent, drug_class, person, notes)
    return topic_reply(kb, intent, person, notes)


def red_flag_reply(kb: KnowledgeBase, flag_ids: Sequence[str]) -> Reply:
    """Urgent advice for each flag found; a general urgent line when the model alone flagged it."""
    flags = [kb.red_flags[i] for i in flag_ids if i in kb.red_flags]
    if not flags:
        all_sources = [s for flag in kb.red_flags.values() for s in flag.sources]
        return render(kb, [kb.frame["red_flag_unspecified"]], all_sources)
    parts = [kb.frame["red_flag_intro"]] + [flag.advice for flag in flags]
    return render(kb, parts, [s for flag in flags for s in flag.sources])
