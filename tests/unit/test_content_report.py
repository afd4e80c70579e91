"""`make content-report`: the page a reviewer signs lists every entry with its review, next
review, sources and versions, and whether its rendered replies passed the content checks."""

import datetime

from scripts.content_report import next_review, report
from tests.conftest import ROOT


def test_every_entry_is_listed_and_passes(kb):
    text, ok = report(ROOT / "data/knowledge", datetime.date(2026, 12, 3))
    assert ok, [line for line in text.splitlines() if "FAILED" in line or "OVERDUE" in line]
    for name in [*kb.topics, *kb.medications, *kb.drug_classes, *kb.red_flags]:
        assert f"| {name} |" in text, name
    assert "Not yet signed by a clinician" in text  # never more review than is recorded


def test_versions_of_guidelines_and_labels_are_shown(kb):
    text, _ = report(ROOT / "data/knowledge", datetime.date(2026, 12, 3))
    row = next(line for line in text.splitlines() if line.startswith("| upadacitinib |"))
    assert "2966aec7" not in row and "DailyMed version" in row  # the label's version, the set id in sources.yml
    assert "2022 update" in next(line for line in text.splitlines() if line.startswith("| ask_tapering |"))


def test_an_overdue_entry_fails_the_report():
    text, ok = report(ROOT / "data/knowledge", datetime.date(2028, 1, 1))
    assert not ok and "OVERDUE" in text


def test_next_review_is_the_interval_after_the_last_unless_set():
    assert next_review(datetime.date(2026, 12, 3), 12, None) == datetime.date(2027, 12, 3)
    assert next_review(datetime.date(2026, 8, 31), 6, None) == datetime.date(2027, 2, 28)
    assert next_review(datetime.date(2026, 12, 3), 12, datetime.date(2027, 6, 1)) == datetime.date(2027, 6, 1)
