"""The scale-out profile: two Rasa servers share PostgreSQL conversations and a Redis lock.

Only environment variables change (README, "Profiles"); endpoints.yml is the same file.
One action server, two Rasa servers on their own ports; a conversation moves between them.
"""

import json
import os
import subprocess
import sys
import threading
from typing import Dict, Iterator, List, Tuple

import pytest
import sqlalchemy as sa

from devtools.servers import ROOT, Servers

CONCURRENT_QUESTIONS = [
    "what is bone marrow edema?",
    "what are biologics?",
    "what are NSAIDs?",
    "what are JAK inhibitors?",
    "what is ankylosing spondylitis?",
    "what is a bone density scan?",
]


def profile(postgres_url: str, redis_port: int) -> Dict[str, str]:
    """The scale-out profile, as README documents it."""
    return {
        "TRACKER_STORE_DIALECT": "postgresql",
        "TRACKER_STORE_URL": postgres_url,
        "LOCK_STORE_TYPE": "redis",
        "LOCK_STORE_URL": "127.0.0.1",
        "LOCK_STORE_PORT": str(redis_port),
    }


@pytest.fixture(scope="module")
def two_servers(start_servers, tmp_path_factory, postgres_url, redis_port) -> Iterator[Tuple[Servers, Servers]]:
    env = profile(postgres_url, redis_port)
    with start_servers("server-a", env=env) as a:
        b = Servers(
            tmp_path_factory.mktemp("server-b"),
            env={**env, "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{a.action_port}/webhook"},
        )
        try:
            b.start_rasa()  # B has no action server of its own: it uses A's
            yield a, b
        finally:
            b.stop()


def test_the_second_turn_on_the_other_server_knows_the_first(two_servers, postgres_url):
    a, b = two_servers
    sender = "scaleout-context"
    assert "Etanercept" in a.text(sender, "tell me about Enbrel")
    assert "Etanercept" in b.text(sender, "what are its side effects?")

    engine = sa.create_engine(postgres_url)  # and the turns are in PostgreSQL
    try:
        with engine.connect() as connection:
            stored = connection.execute(
                sa.text("SELECT count(*) FROM events WHERE sender_id = :s AND type_name = 'user'"), {"s": sender}
            ).scalar()
    finally:
        engine.dispose()
    assert stored == 2


def test_concurrent_messages_for_one_conversation_are_handled_one_at_a_time(two_servers):
    a, b = two_servers
    sender = "scaleout-concurrent"
    a.text(sender, "hello")  # the session start, so every turn below is just question -> answer

    replies: Dict[str, List[str]] = {}
    start = threading.Barrier(len(CONCURRENT_QUESTIONS))

    def ask(server: Servers, question: str) -> None:
        start.wait()
        replies[question] = [m["text"] for m in server.say(sender, question, timeout=180) if m.get("text")]

    threads = [threading.Thread(target=ask, args=((a, b)[i % 2], q)) for i, q in enumerate(CONCURRENT_QUESTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert sorted(replies) == sorted(CONCURRENT_QUESTIONS), "a request did not finish"

    events = a.tracker_events(sender)
    turns: List[Tuple[str, List[str], str]] = []  # (user text, bot texts after it, last action before it)
    last_action = None
    for event in events:
        if event["event"] == "user":
            turns.append((event["text"], [], last_action))
        elif event["event"] == "bot" and turns:
            turns[-1][1].append(event["text"])
        elif event["event"] == "action":
            last_action = event["name"]
    assert [t[0] for t in turns[:1]] == ["hello"]
    concurrent = turns[1:]
    assert sorted(t[0] for t in concurrent) == sorted(CONCURRENT_QUESTIONS)  # each once: none lost or doubled
    for question, bot_texts, action_before in concurrent:
        # Each turn is whole: its own answer follows it, and Rasa listened before the next one.
        assert bot_texts and "Source:" in "\n".join(bot_texts), question
        assert bot_texts == replies[question], question
        assert action_before == "action_listen", question


def test_purge_works_on_postgresql(two_servers, postgres_url):
    a, b = two_servers
    old, recent = "scaleout-purge-old", "scaleout-purge-recent"
    a.text(old, "what are biologics?")
    b.text(recent, "what are biologics?")
    engine = sa.create_engine(postgres_url)
    try:
        with engine.begin() as connection:  # age one conversation by 40 days
            connection.execute(
                sa.text("UPDATE events SET timestamp = timestamp - 40 * 86400 WHERE sender_id = :s"), {"s": old}
            )
    finally:
        engine.dispose()

    env = {**os.environ, **profile(postgres_url, 0)}
    done = subprocess.run(
        [sys.executable, "-m", "scripts.purge_conversations", "--older-than-days", "30"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["conversations"] == 1
    assert not [e for e in a.tracker_events(old) if e["event"] == "user"]
    assert [e["text"] for e in b.tracker_events(recent) if e["event"] == "user"] == ["what are biologics?"]
