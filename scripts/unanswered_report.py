#!/usr/bin/env python3
"""For the content team: what the assistant could not answer, and how people rated its answers.

    make report            # or: .venv/bin/python scripts/unanswered_report.py [--days 30]

Reads the tracker store the servers use (same settings as `make purge`) and prints two tables:
- the user messages the classifier was unsure of (did-you-mean / rephrase) or found out of
  scope, grouped and counted, with why they failed;
- "Was this helpful?": per topic, the helpful and unhelpful votes and the "what was missing?"
  comments (the records the feedback action stored; assistant/feedback.py).
No sender ids are read or printed.
"""
import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.feedback import FEEDBACK_SLOT, feedback_by_topic  # noqa: E402
from assistant.knowledge import knowledge_base  # noqa: E402
from assistant import intents  # noqa: E402
from scripts.purge_conversations import SECONDS_PER_DAY, tracker_store_engine  # noqa: E402

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
        events.c.type_name == "user", events.c.intent_name.in_(list(UNANSWERED)))
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
    # Only the data column: sender_id is never selected.
    query = sa.select(events.c.data).where(events.c.type_name == "slot",
                                           events.c.data.like(f"%{FEEDBACK_SLOT}%"))
    if days:
        query = query.where(events.c.timestamp >= time.time() - days * SECONDS_PER_DAY)
    with engine.connect() as connection:
        slots = [json.loads(data) for (data,) in connection.execute(query)]
    records = [s.get("value") for s in slots if s.get("name") == FEEDBACK_SLOT]
    return feedback_by_topic(records, knowledge_base())


def cell(text: str, limit: int = 200) -> str:
    return " ".join(text.split())[:limit].replace("|", "/")


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
