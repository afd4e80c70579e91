"""Votes and comments on answers are part of the conversation record: they survive a restart of
both servers, and the purge deletes them with the conversation."""

import json
import subprocess
import sys
import time

import requests

from assistant.feedback import feedback_payload
from devtools.servers import ROOT
from tests.conftest import feedback_records

# A pair of its own: the test restarts both servers, and the purge must find this conversation alone.
OWN_SERVERS: dict = {}


def run_script(servers, *args):
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=servers.env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def report_row(servers, topic):
    rows = json.loads(run_script(servers, "-m", "scripts.unanswered_report", "--json"))["feedback"]
    return next((r for r in rows if r["topic"] == topic), None)


def test_feedback_survives_a_restart_and_is_purged_with_the_conversation(own_servers, new_sender):
    servers = own_servers
    sender = new_sender("web")
    comment = f"no word on driving {new_sender('comment')}"
    servers.say(sender, "what is a flare?")
    servers.say(sender, feedback_payload("ask_flare", False))
    servers.say(sender, feedback_payload("ask_flare", comment=comment))
    expected = [{"topic": "ask_flare", "helpful": False}, {"topic": "ask_flare", "comment": comment}]
    assert feedback_records(servers, sender) == expected

    servers.stop()
    servers.start_actions()
    servers.start_rasa()
    assert feedback_records(servers, sender) == expected
    row = report_row(servers, "ask_flare")
    assert row["not_helpful"] == 1 and row["comments"] == [comment]
    history = requests.post(f"{servers.url}/webhooks/rest/history", json={"sender": sender}, timeout=30).json()[
        "messages"
    ]
    assert [m.get("vote") for m in history if m["from"] == "bot" and m.get("vote")] == ["not_helpful"]

    # A cut-off of half the time the conversation has been idle so far: it is idle for longer.
    idle = time.time() - max(e["timestamp"] for e in servers.tracker_events(sender))
    cutoff_days = str(idle / 2 / 86400)
    purged = json.loads(run_script(servers, "-m", "scripts.purge_conversations", "--older-than-days", cutoff_days))
    assert purged["conversations"] == 1
    assert feedback_records(servers, sender) == []
    assert report_row(servers, "ask_flare") is None
    assert requests.post(f"{servers.url}/webhooks/rest/history", json={"sender": sender}, timeout=30).json() == {
        "messages": []
    }
