#!/usr/bin/env python3
"""For the content team: what the assistant could not answer, and how people rated its answers.

    make report            # or: .venv/bin/python -m scripts.unanswered_report [--days 30]

Reads the tracker store the servers use (same settings as `make purge`) and prints two tables:
- the user messages the classifier was unsure of (did-you-mean / rephrase) or found out of
  scope, grouped and counted, with why they failed;
- "Was this helpful?": per topic, the helpful and unhelpful votes and the "what was missing?"
  comments (the records the feedback action stored; assistant/feedback.py).
No sender ids are printed: they are read only to count one vote and one comment per person
and topic (the last one), so one person cannot skew the table. What people typed is escaped
for Markdown and HTML, so a report rendered on a wiki shows it as text (SECURITY-REVIEW F11).
"""

import argparse
import json
import os
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List

from assistant.feedback import FEEDBACK_SLOT, feedback_by_topic
from assistant.knowledge import knowledge_base
from assistant import intents
from scripts.purge_conversations import SECONDS_PER_DAY, tracker_store_engine

ROOT = Path(__file__).resolve().parent.parent

UNANSWERED = {intents.NLU_FALLBACK: "not understood", intents.OUT_OF_SCOPE: "out of scope"}


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def unanswered(engine: Any, days: float = 0) -> List[Dict[str, Any]]:
    import sqlalchemy as sa
    from rasa.core.tracker_store import SQLTrackerStore

    events = SQLTrackerStore.SQLEvent.__table__
    if not sa.inspect(engine).has_table(events.name):
        return []
    query = sa.select(events.c.intent_name, events.c.data).where(
        events.c.type_name == "user", events.c.intent_name.in_(list(UNANSWERED))
    )
    if days:
        query = query.where(events.c.timestamp >= time.time() - days * SECONDS_PER_DAY)
    counts: Counter = Counter()
    with engine.connect() as connection:
        for intent, data in connection.execute(query):
            text = (json.loads(data).get("text") or "").strip()
            if text and not text.startswith("/"):  # button payloads are not questions
                counts[(normalise(text), UNANSWERED[intent])] += 1
    return [{"question": q, "reason": r, "count": n} for (q, r), n in counts.most_common()]


def feedback(engine: Any, days: float = 0) -> List[Dict[str, Any]]:
    """Per topic: votes and comments, from the feedback records (slot events) in the store."""
    import sqlalchemy as sa
    from rasa.core.tracker_store import SQLTrackerStore

    events = SQLTrackerStore.SQLEvent.__table__
    if not sa.inspect(engine).has_table(events.name):
        return []
    query = (
        sa.select(events.c.sender_id, events.c.data)
        .where(events.c.type_name == "slot", events.c.data.like(f"%{FEEDBACK_SLOT}%"))
        .order_by(events.c.id)
    )
    if days:
        query = query.where(events.c.timestamp >= time.time() - days * SECONDS_PER_DAY)
    with engine.connect() as connection:
        slots = [(sender, json.loads(data)) for sender, data in connection.execute(query)]
    records = [(sender, s.get("value")) for sender, s in slots if s.get("name") == FEEDBACK_SLOT]
    return feedback_by_topic(one_per_person(records), knowledge_base())


def one_per_person(records: List[Any]) -> List[Dict[str, Any]]:
    """(sender, record) in stored order -> each person's last vote and last comment per topic."""
    last: Dict[Any, Dict[str, Any]] = {}
    for sender, record in records:
        if not isinstance(record, dict):
            continue
        kind = "comment" if record.get("comment") else "vote"
        last[(sender, record.get("topic"), kind)] = record
    return list(last.values())


# Characters that Markdown or HTML would read as markup, as HTML entities.
MARKUP = {c: f"&#{ord(c)};" for c in "&<>[]()!`*_\\|#~"}


def cell(text: str, limit: int = 200) -> str:
    """One table cell of what someone typed: one line, cut, and shown as text wherever the
    report is rendered (no link, image, HTML or table break)."""
    escaped = "".join(MARKUP.get(c, c) for c in " ".join(text.split())[:limit])
    return escaped.replace("://", ":&#47;&#47;")  # no bare link either


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=float, default=0, help="only the last N days (default: all)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--endpoints", type=Path, help="default: ENDPOINTS (endpoints.env.yml)")
    args = parser.parse_args()
    os.chdir(ROOT)
    engine = tracker_store_engine(args.endpoints)
    try:
        rows, votes = unanswered(engine, args.days), feedback(engine, args.days)
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps({"unanswered": rows, "feedback": votes}, indent=2, ensure_ascii=False))
        return
    print("## Not answered\n\n| asked | why | question |\n| --- | --- | --- |")
    for row in rows:
        print(f"| {row['count']} | {row['reason']} | {cell(row['question'])} |")
    print("\n## Was this helpful?\n\n| topic | helpful | not helpful | what was missing |\n| --- | --- | --- | --- |")
    for row in votes:
        comments = " / ".join(f'"{cell(c)}"' for c in row["comments"])
        print(f"| {cell(row['title'])} (`{row['topic']}`) | {row['helpful']} | {row['not_helpful']} | {comments} |")


if __name__ == "__main__":
    main()
