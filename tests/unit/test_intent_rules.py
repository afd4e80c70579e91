"""The rules table, case by case (tests/fixtures/intent_rules.yml), and its place in config.yml."""

import pytest
import yaml

from assistant.rules import Parse, apply_rules
from assistant.rules.table import RULES
from tests.conftest import ROOT

CASES = yaml.safe_load((ROOT / "tests/fixtures/intent_rules.yml").read_text())["cases"]
RULE_NAMES = {name for name, _ in RULES}


def run(case):
    ranking = [{"name": name, "confidence": c} for name, c in case["ranking"]]
    medicines = tuple({"entity": e, "value": v, "start": s, "end": t} for e, v, s, t in case.get("medicines") or [])
    return apply_rules(Parse(case["text"], ranking, medicines))


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:50] for c in CASES])
def test_rule_case(case):
    parse = run(case)
    assert parse.top == case["served"]
    assert set(case.get("fired") or ()) <= set(parse.fired), parse.fired
    assert not set(case.get("not_fired") or ()) & set(parse.fired), parse.fired


def test_every_rule_has_cases_both_ways():
    for name in RULE_NAMES:
        assert any(name in (c.get("fired") or ()) for c in CASES), f"{name}: no case where it acts"
        assert any(name in (c.get("not_fired") or ()) for c in CASES) or name in {"stop_is_conversation_control"}, (
            f"{name}: no case where it must not act"
        )


def test_rules_never_pick_an_educational_topic():
    """An override is only ever a safety reply or the language reply; the rest is ruling out."""
    from assistant import intents

    allowed = set(intents.SAFETY_INTENTS) | {intents.NON_ENGLISH}
    for case in CASES:
        ranking = [{"name": name, "confidence": c} for name, c in case["ranking"]]
        for name, rule in RULES:
            verdict = rule(Parse(case["text"], ranking))
            assert verdict is None or verdict.override in allowed | {None}, (name, case["text"])


def test_the_red_flag_rule_runs_last():
    assert RULES[-1][0] == "red_flag"


def test_the_pipeline_order_is_pinned():
    pipeline = [c["name"] for c in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]]
    assert pipeline == [
        "WhitespaceTokenizer",
        "components.topic_classifier.TopicClassifier",
        "components.medication_recognizer.MedicationRecognizer",
        "components.intent_rules.IntentRules",
        "FallbackClassifier",
    ]
