""""Questions for my rheumatologist": a plain list built from what this conversation covered."""
from typing import Dict, Iterable, List, Optional

from assistant import intents
from assistant.checklist import YES
from assistant.knowledge import KnowledgeBase

MAX_TOPIC_QUESTIONS = 5


def conversation_questions(
    kb: KnowledgeBase,
    topics_discussed: Iterable[str],
    medications: Iterable[str] = (),
    checklist_answers: Optional[Dict[str, Optional[str]]] = None,
) -> List[str]:
    """The questions this conversation suggests: its topics', its medicines', the checklist's."""
    a = kb.appointment
    questions: List[str] = []
    for topic in topics_discussed:
        if topic in kb.topics and topic not in intents.MEDICINE_DECISIONS:
            questions.append(a.topics.get(topic) or a.topic_default.format(title=kb.topics[topic].title.lower()))
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
) -> str:
    """Numbered plain text, ready to copy or print."""
    a = kb.appointment
    questions = conversation_questions(kb, topics_discussed, [medication] if medication else [], checklist_answers)
    questions += [q for q in a.general if q not in questions]
    lines = [a.intro, ""] + [f"{i}. {q}" for i, q in enumerate(questions, 1)]
    return "\n".join(lines)
