"""Summarise `rasa test nlu` results on the held-out set and fail below the accuracy floor.

Prints overall accuracy and macro-F1, accuracy on long (40+ word) messages alone, and the
weakest intents; writes the summary to <results>/summary.json for the note and `make bench`.
"""

import argparse
import json
import sys
from pathlib import Path

import yaml

LONG_WORDS = 40


def holdout_examples(path: Path):
    for block in yaml.safe_load(path.read_text())["nlu"]:
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                yield block["intent"], line[2:].strip()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("results", type=Path)
    parser.add_argument("holdout", type=Path)
    parser.add_argument("--min-accuracy", type=float, default=0.9)
    args = parser.parse_args()

    report = json.loads((args.results / "intent_report.json").read_text())
    errors = json.loads((args.results / "intent_errors.json").read_text())
    examples = list(holdout_examples(args.holdout))
    long_texts = {text for _, text in examples if len(text.split()) >= LONG_WORDS}
    long_errors = [e for e in errors if e["text"] in long_texts]
    summary = {
        "examples": len(examples),
        "accuracy": round(report["accuracy"], 4),
        "macro_f1": round(report["macro avg"]["f1-score"], 4),
        "long_examples": len(long_texts),
        "long_accuracy": round(1 - len(long_errors) / len(long_texts), 4) if long_texts else None,
        "weakest_intents": sorted(
            (
                (k, round(v["f1-score"], 3))
                for k, v in report.items()
                if isinstance(v, dict) and "support" in v and k not in ("macro avg", "weighted avg", "micro avg")
            ),
            key=lambda kv: kv[1],
        )[:8],
    }
    (args.results / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    if summary["accuracy"] < args.min_accuracy:
        print(f"FAIL: held-out intent accuracy {summary['accuracy']:.3f} < {args.min_accuracy}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
