""" "Questions for my rheumatologist": a plain list built from what this conversation covered.

When someone asks for another person ("my dad"), every question speaks of them.
"""

from typing import Dict, Iterable, List, Optional

from assistant import intents
from assistant.checklist import YES
from assistant.knowledge import AppointmentQuestions, KnowledgeBase

MAX_TOPIC_QUESTIONS = 5


def in_sentence(title: str) -> str:
    """A topic title inside a sentence: "What causes AS" → "what causes AS" (acronyms keep capitals)."""
    first = title.split(" ", 1)[0]
    return title if first.isupper() and len(first) > 1 else title[:1].lower() + title[1:]


def _questions(kb: KnowledgeBase, person: Optional[str]) -> AppointmentQuestions:
    return kb.appointment.caregiver if person and kb.appointment.caregiver else kb.appointment


def conversation_questions(
    kb: KnowledgeBase,
    topics_discussed: Iterable[str],
    medications: Iterable[str] = (),
    checklist_answers: Optional[Dict[str, Optional[str]]] = None,
    person: Optional[str] = None,
) -> List[str]:
    """The questions this conversation suggests: its topics', its medicines', the checklist's."""
    a = _questions(kb, person)
    questions: List[str] = []
    for topic in topics_discussed:
        if topic in kb.topics and topic not in intents.MEDICINE_DECISIONS:
            questions.append(a.topics.get(topic) or a.topic_default.format(title=in_sentence(kb.topics[topic].title)))
    questions = list(dict.fromkeys(questions))[:MAX_TOPIC_QUESTIONS]
    questions += [a.medication.format(name=kb.medications[m].display_name) for m in medications if m in kb.medications]
    factors = [f.label.lower() for f in kb.checklist.factors if (checklist_answers or {}).get(f.slot) == YES]
    if factors:
        questions.append(a.checklist.format(factors=", ".join(factors)))
    return questions


def appointment_questions(
    kb: KnowledgeBase,
    topics_discussed: Iterable[str],
    medication: Optional[str] = None,
    checklist_answers: Optional[Dict[str, Optional[str]]] = None,
    person: Optional[str] = None,
) -> str:
    """Numbered plain text, ready to copy or print."""
    a = _questions(kb, person)
    questions = conversation_questions(
        kb, topics_discussed, [medication] if medication else [], checklist_answers, person
    )
    questions += [q for q in a.general if q not in questions]
    lines = [a.intro.format(person=person) if person else a.intro, ""]
    lines += [f"{i}. {q}" for i, q in enumerate(questions, 1)]
    return "\n".join(lines)
