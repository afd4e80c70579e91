"""The bone-health checklist: read answers, and sum up what applies without any score."""

from typing import Dict, Optional

from assistant import intents
from assistant.answers import Reply, render
from assistant.knowledge import KnowledgeBase

YES, NO, NOT_SURE = "yes", "no", "not_sure"
ANSWER_BY_INTENT = {intents.AFFIRM: YES, intents.DENY: NO, intents.NOT_SURE: NOT_SURE}
INTENT_BY_ANSWER = {answer: intent for intent, answer in ANSWER_BY_INTENT.items()}


def answer_from_intent(intent: str) -> Optional[str]:
    return ANSWER_BY_INTENT.get(intent)


def checklist_summary(kb: KnowledgeBase, answers: Dict[str, Optional[str]], person: Optional[str] = None) -> Reply:
    """The factors answered yes, why each matters, what to ask; never a score or a verdict."""
    c = kb.checklist
    texts = {**c.texts, **c.caregiver_texts} if person else c.texts  # about "them" for a caregiver
    applies = [f for f in c.factors if answers.get(f.slot) == YES]
    unsure = [f for f in c.factors if answers.get(f.slot) == NOT_SURE]
    parts = []
    if applies:
        parts.append(texts["summary_intro"])
        parts += [f"- {f.label}: {f.caregiver_why if person else f.why}" for f in applies]
    else:
        parts.append(texts["summary_none"])
    if unsure:
        parts.append(texts["summary_not_sure"] + " " + ", ".join(f.label.lower() for f in unsure) + ".")
    parts += [texts["scan_question"], texts["no_score"]]
    sources = [s for f in applies for s in f.sources] + list(c.scan_sources)
    return render(kb, parts, sources, person)
