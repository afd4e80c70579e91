"""Fail when a knowledge entry's review date is in the future or more than 12 months old.

    python -m scripts.check_review_dates [--knowledge-dir data/knowledge] [--today 2026-11-30]

Every entry in data/knowledge/ that records `reviewed` is checked (topics, drug classes,
medicines, red flags, the checklist, the answer frame, the appointment questions): a date in
the future is a typing mistake or a review that has not happened; a date older than 12 months
means the entry is due for review. Each problem is printed with its file and entry, and the
exit status is 1 when there is any. The knowledge base is loaded first, so a missing field
(`reviewed_by`, a source's `url` or `accessed`) is reported too. Called by `make validate`.
"""

import argparse
import datetime
import sys
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import yaml

from assistant.knowledge import DEFAULT_KNOWLEDGE_DIR, KnowledgeBaseError, load_knowledge_base


MAX_AGE_MONTHS = 12


def twelve_months_before(day: datetime.date) -> datetime.date:
    """The same calendar day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - MAX_AGE_MONTHS // 12)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def review_dates(node: Any, where: str = "") -> Iterator[Tuple[str, Any]]:
    """(entry path, value of `reviewed`) for every mapping in a YAML document that records one."""
    if isinstance(node, dict):
        if "reviewed" in node:
            yield where or "(top level)", node["reviewed"]
        for key, value in node.items():
            yield from review_dates(value, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            label = value.get("slot") if isinstance(value, dict) and "slot" in value else str(i)
            yield from review_dates(value, f"{where}[{label}]")


def problems(directory: Path, today: datetime.date) -> List[str]:
    oldest = twelve_months_before(today)
    found = []
    for path in sorted(directory.rglob("*.yml")):
        rel = path.relative_to(directory)
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f)
        for entry, value in review_dates(data):
            if not isinstance(value, datetime.date):
                found.append(f"{rel}: {entry}: 'reviewed' is not a date: {value!r}")
            elif value > today:
                found.append(f"{rel}: {entry}: reviewed {value} is in the future (today is {today})")
            elif value < oldest:
                found.append(
                    f"{rel}: {entry}: reviewed {value} is more than {MAX_AGE_MONTHS} months ago "
                    f"(before {oldest}); review it again"
                )
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge-dir", type=Path, default=DEFAULT_KNOWLEDGE_DIR)
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=datetime.date.today())
    args = parser.parse_args(argv)
    try:
        load_knowledge_base(args.knowledge_dir)
    except KnowledgeBaseError as error:
        print(error, file=sys.stderr)
        return 1
    found = problems(args.knowledge_dir, args.today)
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        print(f"{len(found)} review date problem(s) in {args.knowledge_dir}", file=sys.stderr)
        return 1
    print(f"Review dates OK: none in the future, none older than {MAX_AGE_MONTHS} months.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
