"""scripts/purge_conversations.py on an SQLite tracker store filled here with aged conversations.

The same script against PostgreSQL runs in tests/scaleout/test_two_servers.py.
"""

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List

from devtools.servers import ROOT

DAY = 24 * 60 * 60


def run_purge(tracker_store_url: str, *args: str) -> Dict:
    env = {
        **os.environ,
        "TRACKER_STORE_DIALECT": tracker_store_url.split(":")[0].split("+")[0],
        "TRACKER_STORE_URL": tracker_store_url,
    }
    done = subprocess.run(
        [sys.executable, "-m", "scripts.purge_conversations", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def fill(url: str, conversations: Dict[str, List[float]]) -> None:
    """One conversation per sender: a user and a bot event at each of the given ages (days)."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(host=url)
    now = time.time()
    for sender, ages in conversations.items():
        evts = []
        for age in sorted(ages, reverse=True):
            at = now - age * DAY
            evts += [
                UserUttered("what is AS?", {"name": "ask_as_definition"}, timestamp=at),
                ActionExecuted("action_answer", timestamp=at + 1),
                BotUttered("AS is ...", timestamp=at + 1),
                ActionExecuted("action_listen", timestamp=at + 2),
            ]
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, evts)))
    store.engine.dispose()


def senders(url: str) -> List[str]:
    from rasa.core.tracker_store import SQLTrackerStore

    store = SQLTrackerStore(host=url)
    try:
        return sorted(asyncio.run(store.keys()))
    finally:
        store.engine.dispose()


def test_purge_deletes_only_conversations_idle_longer_than_the_limit(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'conversations.db'}"
    fill(
        url,
        {
            "idle-40-days": [45, 40],
            "idle-31-days": [31],
            "old-but-active": [90, 40, 1],  # its last event is recent: kept whole
            "today": [0],
        },
    )

    dry = run_purge(url, "--older-than-days", "30", "--dry-run")
    assert (dry["conversations"], dry["events"]) == (2, 12)
    assert len(senders(url)) == 4  # a dry run deletes nothing

    assert run_purge(url, "--older-than-days", "30") == {
        "older_than_days": 30.0,
        "dry_run": False,
        "conversations": 2,
        "events": 12,
    }
    assert senders(url) == ["old-but-active", "today"]
    assert run_purge(url, "--older-than-days", "30")["conversations"] == 0


def test_purge_on_an_empty_store_does_nothing(tmp_path: Path):
    result = run_purge(f"sqlite:///{tmp_path / 'none.db'}", "--older-than-days", "30")
    assert (result["conversations"], result["events"]) == (0, 0)


def test_purge_needs_a_positive_age():
    done = subprocess.run(
        [sys.executable, "-m", "scripts.purge_conversations", "--older-than-days", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
