"""How well the trained model understands real questions: the project's main NLU measure.

Runs every question of tests/real_questions.yml and tests/nlu_holdout.yml through the whole
NLU pipeline as served (classifier, fallback, medicine guard, red-flag rules), and reports:

- intent accuracy: the served intent is the labelled one or one of its accepted alternatives;
- "did you mean" rate: the fallback took the message;
- emergency replies to questions that report nothing urgent;
- accuracy on long messages (25 words or more);
- for real questions, how often the answer we would send carries the labelled facts.

Writes results/understanding/report.md (with every miss) and report.json, and exits non-zero
when a figure is past its floor. `make test-nlu` runs it.

    python scripts/evaluate_understanding.py models/as-assistant.tar.gz --min-real-accuracy 0.9 ...
"""
import argparse
import asyncio
import json
import logging
import os
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LONG_WORDS = 25
DID_YOU_MEAN = "nlu_fallback"
EMERGENCY = "report_red_flag"


@dataclass
class Question:
    text: str
    intent: str
    also_ok: Sequence[str] = ()
    facts: Sequence[Sequence[str]] = ()


@dataclass
class Outcome:
    text: str
    expected: str
    served: str
    confidence: float
    right: bool
    long: bool
    facts_ok: Optional[bool] = None
    # The classifier's own first guess and its confidence, before the fallback: for tuning.
    guess: str = ""
    guess_confidence: float = 0.0
    # The fast classifier was unsure and the full encoder's second opinion was asked.
    second_opinion: bool = False


@dataclass
class Summary:
    name: str
    count: int
    accuracy: float
    did_you_mean: float
    false_emergency: float
    long_count: int
    long_accuracy: float
    facts: Optional[float] = None
    second_opinion: float = 0.0
    misses: List[Dict] = field(default_factory=list)
    thresholds: List[Dict] = field(default_factory=list)


def real_questions(path: Path) -> List[Question]:
    data = yaml.safe_load(path.read_text())["questions"]
    return [Question(q["text"], q["intent"], q.get("also_ok") or (), q.get("facts") or ()) for q in data]


def holdout_questions(path: Path) -> List[Question]:
    questions = []
    for block in yaml.safe_load(path.read_text())["nlu"]:
        for line in block.get("examples", "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line[2:])
                questions.append(Question(text, block["intent"]))
    return questions


def carries_facts(reply: str, facts: Sequence[Sequence[str]]) -> bool:
    reply = reply.lower()
    return all(any(word.lower() in reply for word in group) for group in facts)


def reply_text(parse: Dict, text: str) -> str:
    """The answer text the assistant would send for this parse (educational topics and red
    flags; other replies, like "did you mean", carry no facts)."""
    from assistant.answers import educational_reply, red_flag_reply
    from assistant.knowledge import knowledge_base

    kb = knowledge_base()
    intent = parse["intent"]["name"]
    entities = {e["entity"]: e["value"] for e in parse.get("entities", [])}
    if intent == EMERGENCY:
        flags = [e["value"] for e in parse.get("entities", []) if e["entity"] == "red_flag"]
        return red_flag_reply(kb, flags).text
    if intent in kb.topics:
        asked = [e["value"] for e in parse.get("entities", []) if e["entity"] == "red_flag_asked"]
        return educational_reply(kb, intent, text, entities.get("medication"), entities.get("drug_class"),
                                 None, asked).text
    return ""


async def evaluate(agent, name: str, questions: List[Question], with_facts: bool) -> Summary:
    outcomes = []
    for q in questions:
        parse = await agent.parse_message(q.text)
        served = parse["intent"]["name"] or DID_YOU_MEAN
        outcome = Outcome(q.text, q.intent, served, round(parse["intent"].get("confidence", 0.0), 3),
                          served == q.intent or served in q.also_ok, len(q.text.split()) >= LONG_WORDS,
                          second_opinion=bool(parse.get("second_opinion")))
        guess = next((r for r in parse.get("intent_ranking") or [] if r["name"] != DID_YOU_MEAN), None)
        if guess and served == DID_YOU_MEAN:
            outcome.guess, outcome.guess_confidence = guess["name"], guess["confidence"]
        else:
            outcome.guess, outcome.guess_confidence = served, parse["intent"].get("confidence", 0.0)
        if with_facts and q.facts:
            outcome.facts_ok = carries_facts(reply_text(parse, q.text), q.facts)
        outcomes.append(outcome)
    longs = [o for o in outcomes if o.long]
    not_urgent = [o for o in outcomes if o.expected != EMERGENCY]
    with_fact_labels = [o for o in outcomes if o.facts_ok is not None]

    def share(part: List, whole: List) -> float:
        return round(len(part) / len(whole), 4) if whole else 0.0

    return Summary(
        name=name, count=len(outcomes),
        accuracy=share([o for o in outcomes if o.right], outcomes),
        did_you_mean=share([o for o in outcomes if o.served == DID_YOU_MEAN], outcomes),
        false_emergency=share([o for o in not_urgent if o.served == EMERGENCY], not_urgent),
        long_count=len(longs), long_accuracy=share([o for o in longs if o.right], longs),
        facts=share([o for o in with_fact_labels if o.facts_ok], with_fact_labels) if with_fact_labels else None,
        second_opinion=share([o for o in outcomes if o.second_opinion], outcomes),
        misses=[asdict(o) for o in outcomes if not o.right],
        thresholds=threshold_table(questions, outcomes),
    )


def threshold_table(questions: List[Question], outcomes: List[Outcome]) -> List[Dict]:
    """Accuracy and did-you-mean rate had the fallback threshold been t (rule overrides,
    which come with confidence 1, are unaffected)."""
    rows = []
    for t in (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5):
        served = [o.guess if o.guess_confidence >= t else DID_YOU_MEAN for o in outcomes]
        right = [s == q.intent or s in q.also_ok for s, q in zip(served, questions, strict=True)]
        rows.append({"threshold": t, "accuracy": round(sum(right) / len(right), 4),
                     "did_you_mean": round(served.count(DID_YOU_MEAN) / len(served), 4)})
    return rows


def markdown(summaries: List[Summary]) -> str:
    lines = ["# Understanding: real questions and the held-out set", "",
             "| set | questions | intent | did you mean | emergency, not urgent | long (n) | long | facts "
             "| second opinion asked |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for s in summaries:
        facts = f"{s.facts:.1%}" if s.facts is not None else "-"
        lines.append(f"| {s.name} | {s.count} | {s.accuracy:.1%} | {s.did_you_mean:.1%} | "
                     f"{s.false_emergency:.1%} | {s.long_count} | {s.long_accuracy:.1%} | {facts} | "
                     f"{s.second_opinion:.1%} |")
    for s in summaries:
        lines += ["", f"Fallback threshold, {s.name}: " + ", ".join(
            f"{r['threshold']}: {r['accuracy']:.1%} right / {r['did_you_mean']:.1%} did-you-mean"
            for r in s.thresholds)]
    for s in summaries:
        lines += ["", f"## Misses: {s.name} ({len(s.misses)})", "", "| expected | served | conf | text |",
                  "| --- | --- | ---: | --- |"]
        for m in s.misses:
            text = m["text"].replace("|", "/").replace("\n", " ")
            lines.append(f"| {m['expected']} | {m['served']} | {m['confidence']} | {text[:160]} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--real", type=Path, default=Path("tests/real_questions.yml"))
    parser.add_argument("--holdout", type=Path, default=Path("tests/nlu_holdout.yml"))
    parser.add_argument("--out", type=Path, default=Path("results/understanding"))
    parser.add_argument("--min-real-accuracy", type=float, default=0.0)
    parser.add_argument("--max-did-you-mean", type=float, default=1.0)
    parser.add_argument("--max-false-emergency", type=float, default=1.0)
    parser.add_argument("--min-long-accuracy", type=float, default=0.0)
    parser.add_argument("--min-holdout-accuracy", type=float, default=0.0)
    args = parser.parse_args()

    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    logging.disable(logging.WARNING)
    from rasa.core.agent import Agent

    agent = Agent.load(args.model)
    real = asyncio.run(evaluate(agent, "real questions", real_questions(args.real), with_facts=True))
    holdout = asyncio.run(evaluate(agent, "held-out set", holdout_questions(args.holdout), with_facts=False))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.md").write_text(markdown([real, holdout]))
    (args.out / "report.json").write_text(json.dumps([asdict(real), asdict(holdout)], indent=1))
    print(markdown([real, holdout]).split("\n## ")[0])

    failures = []
    for s in (real,):
        if s.accuracy < args.min_real_accuracy:
            failures.append(f"{s.name}: intent accuracy {s.accuracy:.1%} < {args.min_real_accuracy:.1%}")
        if s.did_you_mean > args.max_did_you_mean:
            failures.append(f"{s.name}: did-you-mean {s.did_you_mean:.1%} > {args.max_did_you_mean:.1%}")
        if s.false_emergency > args.max_false_emergency:
            failures.append(f"{s.name}: emergency replies to non-urgent questions "
                            f"{s.false_emergency:.1%} > {args.max_false_emergency:.1%}")
        if s.long_accuracy < args.min_long_accuracy:
            failures.append(f"{s.name}: long messages {s.long_accuracy:.1%} < {args.min_long_accuracy:.1%}")
    if holdout.accuracy < args.min_holdout_accuracy:
        failures.append(f"held-out: intent accuracy {holdout.accuracy:.1%} < {args.min_holdout_accuracy:.1%}")
    for failure in failures:
        print("FAIL", failure, file=sys.stderr)
    print(f"Every miss: {args.out / 'report.md'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
