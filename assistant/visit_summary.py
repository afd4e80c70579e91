"""The visit summary: what this conversation covered, as one message to print or copy.

It holds only what the person said or chose here (the topics answered, the medicines they
named, their checklist answers) and the questions those suggest; nothing about them from
anywhere else, no score and no advice.
"""

from typing import Dict, Iterable, List, Optional

from assistant.appointment import conversation_questions
from assistant.checklist import NOT_SURE, YES
from assistant.knowledge import KnowledgeBase


def checklist_done(kb: KnowledgeBase, answers: Dict[str, Optional[str]]) -> bool:
    return all(answers.get(f.slot) for f in kb.checklist.factors)


def visit_summary(
    kb: KnowledgeBase,
    topics_discussed: Iterable[str],
    medicines: Iterable[str] = (),
    checklist_answers: Optional[Dict[str, Optional[str]]] = None,
    person: Optional[str] = None,
) -> str:
    f = kb.frame
    answers = checklist_answers or {}
    topics = [t for t in dict.fromkeys(topics_discussed) if t in kb.topics]
    meds = [m for m in dict.fromkeys(medicines) if m in kb.medications]
    paragraphs = [f["summary_title_caregiver"].format(person=person) if person else f["summary_title"]]
    if topics:
        paragraphs.append(_list(f["summary_topics"], [kb.topics[t].title for t in topics]))
    else:
        paragraphs.append(f["summary_no_topics"])
    if meds:
        paragraphs.append(_list(f["summary_medicines"], [kb.medications[m].display_name for m in meds]))
    if checklist_done(kb, answers):
        paragraphs.append(_checklist_result(kb, answers))
    questions = conversation_questions(kb, topics, meds, answers if checklist_done(kb, answers) else None, person)
    if questions:
        paragraphs.append(f["summary_questions"] + "\n" + "\n".join(f"{i}. {q}" for i, q in enumerate(questions, 1)))
    paragraphs.append(f["summary_disclaimer"])
    # Lines, not blank-line paragraphs: channels send each paragraph as a message of its own,
    # and the summary is one message, to print or copy whole.
    return "\n".join(paragraphs)


def _list(heading: str, items: List[str]) -> str:
    return heading + "\n" + "\n".join(f"- {item}" for item in items)


def _checklist_result(kb: KnowledgeBase, answers: Dict[str, Optional[str]]) -> str:
    f = kb.frame
    applies = [c.label for c in kb.checklist.factors if answers.get(c.slot) == YES]
    unsure = [c.label for c in kb.checklist.factors if answers.get(c.slot) == NOT_SURE]
    text = _list(f["summary_checklist"], applies) if applies else f["summary_checklist_none"]
    if unsure:
        text += "\n" + _list(f["summary_checklist_not_sure"], unsure)
    return text
