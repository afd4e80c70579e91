"""The cached SQL tracker store answers exactly what the database holds, only faster.

Each test stores conversations through CachedSQLTrackerStore in a fresh SQLite file and reads
them back the way the Rasa server does; a plain SQLTrackerStore on the same file plays the
second server, or the reader that a clinic's own tools would be.
"""

import asyncio

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered

from rasa_extensions.tracker_store import CachedSQLTrackerStore

DOMAIN = Domain.from_dict(
    {
        "intents": ["greet"],
        "slots": {"caregiver": {"type": "bool", "influence_conversation": False, "mappings": [{"type": "custom"}]}},
    }
)


def run(coroutine):
    return asyncio.run(coroutine)


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'conversations.db'}"


def cached(url, **kwargs):
    return CachedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", host=url, **kwargs)


def plain(url):
    return SQLTrackerStore(domain=DOMAIN, dialect="sqlite", host=url)


def texts(tracker):
    return [e.text for e in tracker.events if isinstance(e, (UserUttered, BotUttered))]


def turn(store, sender, user_text, bot_text):
    """One turn as the Rasa server takes it: read, add the message and the reply, save."""

    async def go():
        tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
        tracker.update(UserUttered(user_text, {"name": "greet", "confidence": 1.0}))
        tracker.update(ActionExecuted("action_answer"))
        tracker.update(BotUttered(bot_text))
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)
        return tracker

    return run(go())


def test_what_it_saves_is_what_rasas_own_sql_store_reads(url):
    store = cached(url)
    turn(store, "ann", "hello", "Hi! I can explain AS.")
    turn(store, "ann", "what is bone marrow edema?", "It is extra fluid in the bone.")

    from_plain = run(plain(url).retrieve("ann"))
    from_cached = run(store.retrieve("ann"))
    expected = ["hello", "Hi! I can explain AS.", "what is bone marrow edema?", "It is extra fluid in the bone."]
    assert texts(from_plain) == texts(from_cached) == expected
    assert [e.as_dict() for e in from_plain.events] == [e.as_dict() for e in from_cached.events]


def test_the_next_turn_is_served_from_memory(url):
    store = cached(url)
    saved = turn(store, "ann", "hello", "Hi!")
    assert run(store.retrieve("ann")) is saved
    # Handed out once: a second reader without a save in between gets its own copy.
    again = run(store.retrieve("ann"))
    assert again is not saved and texts(again) == ["hello", "Hi!"]


def test_a_turn_taken_by_another_server_is_not_missed(url):
    store, other = cached(url), plain(url)
    turn(store, "ann", "hello", "Hi!")
    turn(other, "ann", "what is AS?", "A kind of arthritis of the spine.")
    assert texts(run(store.retrieve("ann"))) == ["hello", "Hi!", "what is AS?", "A kind of arthritis of the spine."]


def test_a_purged_conversation_is_gone_from_memory_too(url):
    store = cached(url)
    turn(store, "ann", "my back hurts at night", "That is called inflammatory pain.")
    engine = plain(url).engine
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM events WHERE sender_id = 'ann'")
    assert run(store.retrieve("ann")) is None


def test_changes_that_were_never_saved_are_not_served(url):
    store = cached(url)
    tracker = turn(store, "ann", "hello", "Hi!")
    tracker.update(UserUttered("this was never saved"))
    assert texts(run(store.retrieve("ann"))) == ["hello", "Hi!"]


def test_a_new_session_starts_clean_and_keeps_the_old_one_stored(url):
    store = cached(url)
    tracker = turn(store, "ann", "hello", "Hi!")
    # What action_session_start adds when the session has expired, in the same tracker.
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(SlotSet("caregiver", True))
    tracker.update(ActionExecuted("action_listen"))
    run(store.save(tracker))

    current = run(store.retrieve("ann"))
    assert texts(current) == []
    assert isinstance(current.events[0], SessionStarted)
    assert current.get_slot("caregiver") is True
    assert texts(run(store.retrieve_full_tracker("ann"))) == ["hello", "Hi!"]


def test_memory_is_bounded_by_size_and_time(url):
    small = cached(url, cache_size=2)
    first = turn(small, "a", "1", "one")
    turn(small, "b", "2", "two")
    turn(small, "c", "3", "three")
    assert run(small.retrieve("a")) is not first  # evicted, read from the database
    assert texts(run(small.retrieve("a"))) == ["1", "one"]

    no_time = cached(url, cache_minutes=0)
    saved = turn(no_time, "d", "4", "four")
    assert run(no_time.retrieve("d")) is not saved


def test_a_new_model_drops_trackers_built_with_the_old_domain(url):
    store = cached(url)
    saved = turn(store, "ann", "hello", "Hi!")
    store.domain = DOMAIN
    assert run(store.retrieve("ann")) is not saved
