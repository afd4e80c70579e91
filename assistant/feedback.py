""" "Was this helpful?": the vote buttons under an answer, reading a vote, and the per-topic table.

A vote is a button payload that names the topic it rates, e.g.
`/feedback{"topic":"ask_bme_definition","helpful":true}`, so it works the same in the widget and
in every channel with buttons, and a vote on an old answer counts for that answer's topic. The
widget's optional "what was missing?" comment is `/feedback{"topic":...,"comment":"..."}`.
The feedback action stores each checked vote or comment as one record (a slot event) in the
conversation, where the report reads it and the purge deletes it.
"""

import json
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence

from assistant import intents
from assistant.answers import button
from assistant.answers import payload as button_payload
from assistant.knowledge import KnowledgeBase

FEEDBACK_SLOT = "answer_feedback"  # the record: {"topic": ..., "helpful": bool} or {"topic": ..., "comment": ...}
# Metadata on the thank-you for a vote: the widget shows it beside the thumbs, not as a message.
FEEDBACK_REPLY = "feedback_reply"
MAX_COMMENT_CHARS = 500  # the widget's limit too; a comment is a sentence or two, not a story


def feedback_payload(topic: str, helpful: Optional[bool] = None, comment: Optional[str] = None) -> str:
    entities: Dict[str, Any] = {"topic": topic}
    if helpful is not None:
        entities["helpful"] = helpful
    if comment is not None:
        entities["comment"] = comment
    return button_payload(intents.FEEDBACK, entities)


def feedback_buttons(kb: KnowledgeBase, topic: str) -> List[Dict[str, str]]:
    """👍 and 👎 for one answer; the widget draws them as thumbs, channels as quick replies."""
    return [
        button(kb.frame["feedback_helpful"], intents.FEEDBACK, {"topic": topic, "helpful": True}),
        button(kb.frame["feedback_not_helpful"], intents.FEEDBACK, {"topic": topic, "helpful": False}),
    ]


def is_feedback_payload(text: str) -> bool:
    return (text or "").startswith(f"/{intents.FEEDBACK}{{")


def rated_topic(payload: str) -> Optional[str]:
    """The topic a feedback button rates; None for any other payload."""
    if not is_feedback_payload(payload):
        return None
    try:
        entities = json.loads(payload[len(intents.FEEDBACK) + 1 :])
    except ValueError:
        return None
    return entities.get("topic") if isinstance(entities, dict) else None


@dataclass(frozen=True)
class Feedback:
    topic: str
    helpful: Optional[bool] = None
    comment: Optional[str] = None

    def record(self) -> Dict[str, Any]:
        return {
            k: v
            for k, v in (("topic", self.topic), ("helpful", self.helpful), ("comment", self.comment))
            if v is not None
        }


def read_feedback(entities: Sequence[Dict[str, Any]], topics: Iterable[str]) -> Optional[Feedback]:
    """The vote or comment in a feedback message's entities; None unless it names a known topic
    and carries a yes/no vote or a non-empty comment (a typed "/feedback{...}" proves nothing)."""
    values = {e.get("entity"): e.get("value") for e in entities or []}
    topic, helpful, comment = values.get("topic"), values.get("helpful"), values.get("comment")
    if not isinstance(topic, str) or topic not in set(topics):
        return None
    helpful = helpful if isinstance(helpful, bool) else None
    comment = " ".join(comment.split())[:MAX_COMMENT_CHARS] if isinstance(comment, str) else ""
    if helpful is None and not comment:
        return None
    return Feedback(topic, helpful, comment or None)


def feedback_by_topic(records: Iterable[Dict[str, Any]], kb: KnowledgeBase) -> List[Dict[str, Any]]:
    """Per topic: helpful and unhelpful votes and the comments, most unhelpful first."""
    table: Dict[str, Dict[str, Any]] = {}
    for record in records:
        topic = record.get("topic") if isinstance(record, dict) else None
        if topic not in kb.topics:
            continue
        row = table.setdefault(
            topic, {"topic": topic, "title": kb.topics[topic].title, "helpful": 0, "not_helpful": 0, "comments": []}
        )
        if record.get("helpful") is True:
            row["helpful"] += 1
        elif record.get("helpful") is False:
            row["not_helpful"] += 1
        if isinstance(record.get("comment"), str) and record["comment"]:
            row["comments"].append(record["comment"])
    return sorted(table.values(), key=lambda r: (-r["not_helpful"], -r["helpful"], r["topic"]))
