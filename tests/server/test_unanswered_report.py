"""`make report` lists what patients asked that the assistant could not answer, and how they
rated its answers, without ids."""

import json
import subprocess
import sys

from assistant.feedback import feedback_payload
from assistant.knowledge import knowledge_base
from devtools.servers import ROOT


def report(servers, *args):
    result = subprocess.run(
        [sys.executable, "-m", "scripts.unanswered_report", *args],
        cwd=ROOT,
        env=servers.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_report_groups_and_counts_unanswered_questions_without_sender_ids(servers, new_sender):
    senders = [new_sender("report") for _ in range(3)]
    for s in senders[:2]:
        servers.say(s, "What is the best treatment for diabetes?")
    servers.say(senders[2], "what is bone marrow edema?")
    output = report(servers, "--json")
    rows = json.loads(output)["unanswered"]
    diabetes = [r for r in rows if r["question"] == "what is the best treatment for diabetes?"]
    assert diabetes and diabetes[0]["reason"] == "out of scope" and diabetes[0]["count"] >= 2
    assert not any("bone marrow" in r["question"] for r in rows)
    assert not any(s in output for s in senders)


def test_report_has_a_feedback_table_per_topic_with_comments_and_no_sender_ids(servers, new_sender):
    kb = knowledge_base()
    senders = [new_sender("report") for _ in range(3)]
    comment = f"nothing about knees {new_sender('comment')}"
    for s in senders:
        servers.say(s, "what is a flare?")
    servers.say(senders[0], feedback_payload("ask_flare", True))
    servers.say(senders[1], feedback_payload("ask_flare", False))
    servers.say(senders[1], feedback_payload("ask_flare", comment=comment))
    servers.say(senders[2], feedback_payload("ask_flare", False))
    flare = next(r for r in json.loads(report(servers, "--json"))["feedback"] if r["topic"] == "ask_flare")
    # Other tests in this session may have rated flares too: at least these votes, this comment.
    assert flare["helpful"] >= 1 and flare["not_helpful"] >= 2 and comment in flare["comments"]
    table = report(servers)
    assert "## Was this helpful?" in table
    row = next(line for line in table.splitlines() if "`ask_flare`" in line)
    assert row.startswith(f"| {kb.topics['ask_flare'].title} (`ask_flare`) |") and comment in row
    assert not any(s in table for s in senders)
