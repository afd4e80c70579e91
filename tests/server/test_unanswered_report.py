"""`make report` lists what patients asked that the assistant could not answer, without ids."""
import json
import subprocess
import sys
import uuid

from tests.servers import ROOT


def test_report_groups_and_counts_unanswered_questions_without_sender_ids(servers):
    senders = [f"report-{uuid.uuid4().hex[:8]}" for _ in range(3)]
    for s in senders[:2]:
        servers.say(s, "What is the best treatment for diabetes?")
    servers.say(senders[2], "what is bone marrow edema?")
    result = subprocess.run([sys.executable, "scripts/unanswered_report.py", "--json"], cwd=ROOT,
                            env=servers.env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    diabetes = [r for r in rows if r["question"] == "what is the best treatment for diabetes?"]
    assert diabetes and diabetes[0]["reason"] == "out of scope" and diabetes[0]["count"] >= 2
    assert not any("bone marrow" in r["question"] for r in rows)
    assert not any(s in result.stdout for s in senders)
