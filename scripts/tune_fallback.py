"""How each FallbackClassifier threshold trades correct answers for caught mistakes.

Reads `rasa test nlu --successes` output on the held-out set (the classifier's own
confidences) and prints, per threshold: correct answers that would become a "did you mean"
offer, and wrong answers that would be caught instead of stated confidently.
Usage: python scripts/tune_fallback.py results/nlu
"""
import json
import sys
from pathlib import Path

THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


def table(results: Path):
    successes = json.loads((results / "intent_successes.json").read_text())
    errors = json.loads((results / "intent_errors.json").read_text())
    rows = []
    for th in THRESHOLDS:
        lost = sum(x["intent_prediction"]["confidence"] < th for x in successes)
        caught = sum(x["intent_prediction"]["confidence"] < th for x in errors)
        rows.append({"threshold": th, "correct_to_fallback": lost, "correct": len(successes),
                     "wrong_caught": caught, "wrong": len(errors)})
    return rows


if __name__ == "__main__":
    rows = table(Path(sys.argv[1]))
    print("| threshold | correct answers sent to did-you-mean | wrong answers caught |")
    print("| --- | --- | --- |")
    for r in rows:
        print(f"| {r['threshold']} | {r['correct_to_fallback']}/{r['correct']} | {r['wrong_caught']}/{r['wrong']} |")
