"""Every guideline recommendation in docs/guideline_coverage.md is answered: its reply, as
rendered, carries the point (the table is the test's data, so the two cannot drift)."""

import re

import pytest

from assistant.answers import educational_reply
from assistant.knowledge import load_knowledge_base
from tests.conftest import ROOT

KB = load_knowledge_base()
ROW = re.compile(r"^\| (ASAS-EULAR 2022|ACR/SAA/SPARTAN 2019) \| (.+?) \| (\S+) \| (.+?) \|$")


def rows():
    found = []
    for line in (ROOT / "docs/guideline_coverage.md").read_text().splitlines():
        m = ROW.match(line)
        if m:
            guideline, recommendation, reply, phrases = m.groups()
            found.append((guideline, recommendation, reply, [p.strip() for p in phrases.split(";")]))
    return found


ROWS = rows()


def test_the_table_covers_the_recommendations_the_issue_lists():
    assert len([r for r in ROWS if r[0] == "ASAS-EULAR 2022"]) >= 15
    assert len([r for r in ROWS if r[0].startswith("ACR")]) >= 8


@pytest.mark.parametrize("person", [None, "your dad"])
@pytest.mark.parametrize("guideline, recommendation, reply, phrases", ROWS, ids=[f"{r[0]}: {r[1][:40]}" for r in ROWS])
def test_the_rendered_reply_carries_the_recommendation(guideline, recommendation, reply, phrases, person):
    intent, _, medicine = reply.partition(":")
    assert intent in KB.topics, reply
    body = educational_reply(KB, intent, medication=medicine or None, person=person).body.lower()
    if person:  # the caregiver's words differ ("your age" is "their age"): check the point
        body = body.replace("their", "your").replace(" they ", " you ")
    missing = [p for p in phrases if p.lower() not in body]
    assert missing == [], (reply, missing, body)
