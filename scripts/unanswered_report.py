#!/usr/bin/env python3
"""For the content team: the questions the assistant could not answer, grouped and counted.

    make report            # or: .venv/bin/python scripts/unanswered_report.py [--days 30]

Reads the tracker store the servers use (same settings as `make purge`) and lists user
messages the classifier was unsure of (did-you-mean / rephrase) or found out of scope. No
sender ids are read or printed: only the text, how often it was asked, and why it failed.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=float, default=0, help="only the last N days (default: all)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--endpoints", type=Path, help="default: ENDPOINTS (endpoints.env.yml)")
    args = parser.parse_args()
    os.chdir(ROOT)
    engine = tracker_store_engine(args.endpoints)
    try:
        rows = unanswered(engine, args.days)
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print("| asked | why | question |\n| --- | --- | --- |")
    for row in rows:
        print(f"| {row['count']} | {row['reason']} | {row['question'][:200].replace('|', '/')} |")


if __name__ == "__main__":
    main()
