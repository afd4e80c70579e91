"""The page a clinic's reviewer reads to sign the content off: `make content-report`.

    python -m scripts.content_report [--out results/content_report.md] [--today 2026-12-03]

One table per entry list (topics, drug classes, medicines, red flags, the checklist, the
appointment questions, the answer frame). Each entry shows its last review and by whom (a role),
its next review date (`next_review` if the entry sets one, else the last review plus the
interval in review_policy.yml), its sources with the guideline or label version each rests on,
and whether every reply rendered from it passed the content checks (grade 8 or below, at most
150 words of body, no dose, no advice to stop or change a medicine, no sentence said twice; an
educational reply names its source and ends with the rheumatologist pointer; a red-flag reply
ends with its action). A failing check is named in the row. Exit status 1 when any check fails.
"""

import argparse
import datetime
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import textstat
import yaml

from assistant.answers import MEDICATION_INTENTS, Reply, educational_reply, red_flag_reply
from assistant.checklist import YES, checklist_summary
from assistant.knowledge import DEFAULT_KNOWLEDGE_DIR, KnowledgeBase, Source, load_knowledge_base
from assistant.text_checks import DOSE_PATTERN, advises_medicine_change, repeated_sentences

ROOT = Path(__file__).resolve().parent.parent

MAX_GRADE, MAX_WORDS = 8.0, 150
CAREGIVER = "your son"


def reply_problems(
    reply: Reply, kb: KnowledgeBase, red_flag: Optional[str] = None, max_words: Optional[int] = MAX_WORDS
) -> List[str]:
    """What is wrong with one rendered reply, in a few words each; empty when it passes.
    The checklist summary lists every factor that applies, so it has no word limit."""
    found = []
    grade = textstat.flesch_kincaid_grade(reply.body)
    if grade > MAX_GRADE:
        found.append(f"grade {grade:.1f}")
    if max_words and len(reply.body.split()) > max_words:
        found.append(f"{len(reply.body.split())} words")
    if DOSE_PATTERN.search(reply.text):
        found.append("a dose")
    if advises_medicine_change(reply.text):
        found.append("change advice")
    if repeated_sentences(reply.text):
        found.append("a sentence twice")
    if red_flag:
        if not reply.text.endswith(kb.red_flags[red_flag].action):
            found.append("does not end with the action")
    elif "\n\nSource: " not in reply.text or "rheumatologist" not in reply.text.split("\n\n")[-1]:
        found.append("no source line or pointer")
    return found


def medicine_replies_checked(kb: KnowledgeBase, people: Sequence[Optional[str]], **named: str) -> str:
    """Every medicine reply kind for one medicine or class, for the patient and the carer."""
    return checked(
        ((educational_reply(kb, i, person=p, **named), None) for i in sorted(MEDICATION_INTENTS) for p in people), kb
    )


def checked(
    replies: Iterable[Tuple[Reply, Optional[str]]], kb: KnowledgeBase, max_words: Optional[int] = MAX_WORDS
) -> str:
    problems: List[str] = []
    count = 0
    for reply, flag in replies:
        count += 1
        problems += [p for p in reply_problems(reply, kb, flag, max_words) if p not in problems]
    return f"passed ({count} replies)" if not problems else "FAILED: " + ", ".join(problems)


def next_review(reviewed: datetime.date, months: int, explicit: Optional[datetime.date]) -> datetime.date:
    if explicit:
        return explicit
    year, month = divmod(reviewed.month - 1 + months, 12)
    try:
        return reviewed.replace(year=reviewed.year + year, month=month + 1)
    except ValueError:
        return reviewed.replace(year=reviewed.year + year, month=month + 1, day=28)


def source_cell(sources: Sequence[Source]) -> str:
    out = []
    for s in dict.fromkeys(sources):
        out.append(f"{s.name}" + (f" ({s.version})" if s.version else "") + f" [{s.id}]")
    return "; ".join(out)


def explicit_next_reviews(directory: Path) -> Dict[str, datetime.date]:
    """`next_review` dates the entries set themselves, by entry name."""
    found: Dict[str, datetime.date] = {}

    def walk(node, name=""):
        if isinstance(node, dict):
            if isinstance(node.get("next_review"), datetime.date):
                found[name] = node["next_review"]
            for k, v in node.items():
                walk(v, str(k))
        elif isinstance(node, list):
            for v in node:
                walk(v, name)

    for path in directory.rglob("*.yml"):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def report(directory: Path, today: datetime.date) -> Tuple[str, bool]:
    kb = load_knowledge_base(directory)
    policy = yaml.safe_load((directory / "review_policy.yml").read_text(encoding="utf-8"))
    months = int(policy["interval_months"])
    explicit = explicit_next_reviews(directory)
    ok = True
    lines = [
        f"# Content report, {today}",
        "",
        f"Sign-off: {' '.join(str(policy['sign_off']).split())}",
        "",
        f"Reviewer role on record: {policy['reviewer']}. Review interval: {months} months "
        "(`data/knowledge/review_policy.yml`). A next review date before today is marked OVERDUE.",
        "",
    ]

    def table(title: str, rows: List[Tuple[str, datetime.date, str, Sequence[Source], str]]) -> None:
        nonlocal ok
        lines.extend(
            [
                f"## {title}",
                "",
                "| entry | last review | reviewed by | next review | sources and versions | rendered replies |",
                "| --- | --- | --- | --- | --- | --- |",
            ]
        )
        for name, reviewed, by, sources, result in rows:
            due = next_review(reviewed, months, explicit.get(name))
            due_text = f"{due}" + (" OVERDUE" if due < today else "")
            ok = ok and not result.startswith("FAILED") and due >= today
            lines.append(f"| {name} | {reviewed} | {by} | {due_text} | {source_cell(sources)} | {result} |")
        lines.append("")

    people = (None, CAREGIVER)
    table(
        "Topics",
        [
            (
                t.intent,
                t.reviewed,
                t.reviewed_by,
                t.sources,
                checked(((educational_reply(kb, t.intent, person=p), None) for p in people), kb),
            )
            for t in kb.topics.values()
        ],
    )
    table(
        "Drug classes",
        [
            (c.id, c.reviewed, c.reviewed_by, c.sources, medicine_replies_checked(kb, people, drug_class=c.id))
            for c in kb.drug_classes.values()
        ],
    )
    table(
        "Medicines",
        [
            (
                m.generic,
                m.reviewed,
                m.reviewed_by,
                m.sources,
                medicine_replies_checked(kb, people, medication=m.generic),
            )
            for m in kb.medications.values()
        ],
    )
    table(
        "Red flags",
        [
            (r.id, r.reviewed, r.reviewed_by, r.sources, checked([(red_flag_reply(kb, [r.id]), r.id)], kb))
            for r in kb.red_flags.values()
        ],
    )
    every = {f.slot: YES for f in kb.checklist.factors}
    c = kb.checklist
    summaries = ((checklist_summary(kb, a, p), None) for a in (every, {}) for p in people)
    table(
        "Bone-health checklist",
        [
            (
                "checklist",
                c.reviewed,
                c.reviewed_by,
                [s for f in c.factors for s in f.sources] + list(c.scan_sources),
                checked(summaries, kb, max_words=None),
            )
        ],
    )
    a = kb.appointment
    table("Appointment questions", [("appointment", a.reviewed, a.reviewed_by, [], "not an answer: listed for review")])
    lines.append(
        "Sources with a pinned version are labels (set id or document id) and guidelines; papers are "
        "pinned by DOI or PubMed id in `data/knowledge/sources.yml` (`make validate` checks them)."
    )
    return "\n".join(lines) + "\n", ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge-dir", type=Path, default=DEFAULT_KNOWLEDGE_DIR)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "content_report.md")
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=datetime.date.today())
    args = parser.parse_args(argv)
    text, ok = report(args.knowledge_dir, args.today)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"Content report written to {args.out}" + ("" if ok else " (some entries FAILED or are OVERDUE)"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
