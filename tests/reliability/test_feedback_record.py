"""Votes and comments on answers are part of the conversation record: they survive a restart of
both servers, and the purge deletes them with the conversation."""
import json
import subprocess
import sys
import time
import uuid

import pytest
import requests

from assistant.feedback import FEEDBACK_SLOT, feedback_payload
from tests.servers import ROOT, running_servers

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    with running_servers(tmp_path_factory.mktemp("feedback-record")) as s:
        yield s


def records(servers, sender):
    return [e["value"] for e in servers.tracker_events(sender) if e["event"] == "slot" and e["name"] == FEEDBACK_SLOT]


def run_script(servers, *args):
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=servers.env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def report_row(servers, topic):
    rows = json.loads(run_script(servers, "scripts/unanswered_report.py", "--json"))["feedback"]
    return next((r for r in rows if r["topic"] == topic), None)


def test_feedback_survives_a_restart_and_is_purged_with_the_conversation(servers):
    sender = f"web-{uuid.uuid4()}"
    comment = f"no word on driving {uuid.uuid4().hex[:6]}"
    servers.say(sender, "what is a flare?")
    servers.say(sender, feedback_payload("ask_flare", False))
    servers.say(sender, feedback_payload("ask_flare", comment=comment))
    expected = [{"topic": "ask_flare", "helpful": False}, {"topic": "ask_flare", "comment": comment}]
    assert records(servers, sender) == expected

    servers.stop()
    servers.start_actions()
    servers.start_rasa()
    assert records(servers, sender) == expected
    row = report_row(servers, "ask_flare")
    assert row["not_helpful"] == 1 and row["comments"] == [comment]
    history = requests.post(f"{servers.url}/webhooks/rest/history", json={"sender": sender},
                            timeout=30).json()["messages"]
    assert [m.get("vote") for m in history if m["from"] == "bot" and m.get("vote")] == ["not_helpful"]

    time.sleep(2)  # the conversation is now idle for longer than the cut-off below (1 s)
    purged = json.loads(run_script(servers, "scripts/purge_conversations.py", "--older-than-days", str(1 / 86400)))
    assert purged["conversations"] == 1
    assert records(servers, sender) == []
    assert report_row(servers, "ask_flare") is None
    assert requests.post(f"{servers.url}/webhooks/rest/history", json={"sender": sender},
                         timeout=30).json() == {"messages": []}
