"""`make validate` refuses review dates in the future or older than 12 months, naming the entry."""

import datetime
import shutil
import subprocess
import sys

import pytest

from assistant.knowledge import DEFAULT_KNOWLEDGE_DIR
from scripts.check_review_dates import main, problems, twelve_months_before
from tests.conftest import ROOT


@pytest.fixture
def knowledge(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, target)
    return target


def _set_review(path, entry_line, date):
    text = path.read_text()
    start = text.index(entry_line)
    at = text.index("    reviewed: ", start)
    end = text.index("\n", at)
    path.write_text(text[:at] + f"    reviewed: {date}" + text[end:])


def test_the_real_knowledge_base_is_in_date():
    assert problems(DEFAULT_KNOWLEDGE_DIR, datetime.date.today()) == []


def test_a_review_in_the_future_is_refused_by_name(knowledge, capsys):
    _set_review(knowledge / "topics" / "bones.yml", "  ask_bone_density:\n", "2031-01-01")
    assert main(["--knowledge-dir", str(knowledge), "--today", "2026-11-30"]) == 1
    err = capsys.readouterr().err
    assert "topics/bones.yml: topics.ask_bone_density: reviewed 2031-01-01 is in the future" in err


def test_a_review_older_than_twelve_months_is_refused_by_name(knowledge, capsys):
    _set_review(knowledge / "medications.yml", "  adalimumab:\n", "2025-11-29")
    assert main(["--knowledge-dir", str(knowledge), "--today", "2026-11-30"]) == 1
    err = capsys.readouterr().err
    assert "medications.yml: medications.adalimumab: reviewed 2025-11-29 is more than 12 months ago" in err


def test_exactly_twelve_months_is_still_in_date(knowledge):
    _set_review(knowledge / "medications.yml", "  adalimumab:\n", "2025-12-03")
    assert problems(knowledge, datetime.date(2026, 12, 3)) == []
    assert twelve_months_before(datetime.date(2028, 2, 29)) == datetime.date(2027, 2, 28)


def test_the_script_runs_from_the_command_line():
    result = subprocess.run(
        [sys.executable, "-m", "scripts.check_review_dates"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
