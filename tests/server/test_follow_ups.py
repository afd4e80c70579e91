"""Follow-ups in context, over REST as a new user would try them (tests/fixtures/follow_ups.yml)."""

import json

import pytest
import yaml

from tests.conftest import ROOT

EXCHANGES = yaml.safe_load((ROOT / "tests/fixtures/follow_ups.yml").read_text())["exchanges"]


def answered_topic(messages):
    """The topic the answer's feedback buttons name (/feedback{"topic": ...})."""
    for message in messages:
        for button in message.get("buttons") or []:
            payload = button.get("payload", "")
            if payload.startswith("/feedback"):
                return json.loads(payload[len("/feedback") :])["topic"]
    return None


def known_failure(exchange):
    return [pytest.mark.xfail(reason=exchange["known_failure"], strict=True)] if exchange.get("known_failure") else []


CASES = [pytest.param(e, id=" / ".join(e["turns"])[:60], marks=known_failure(e)) for e in EXCHANGES]


@pytest.mark.parametrize("exchange", CASES)
def test_a_follow_up_asks_the_previous_question_about_what_it_names(servers, exchange, new_sender):
    sender = new_sender("follow")
    for turn in exchange["turns"]:
        messages = servers.say(sender, turn)
    assert answered_topic(messages) == exchange["topic"], [m.get("text", "")[:80] for m in messages]
    if exchange.get("mentions"):
        text = " ".join(m.get("text", "") for m in messages).lower()
        assert any(word.lower() in text for word in exchange["mentions"]), text[:300]


def test_there_are_at_least_thirty_exchanges():
    assert len(EXCHANGES) >= 30
