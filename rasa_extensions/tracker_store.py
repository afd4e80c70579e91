"""The SQL tracker store, with each conversation's latest tracker kept in memory between turns.

Rasa's SQLTrackerStore rebuilds the whole tracker from the database on every message: it
reads every event of the session, parses the JSON and replays the events one by one. In a
py-spy profile under load (20 conversations x 25 messages) that was about 32% of the Rasa
server's time, and saving (a count query, then ORM inserts) another 12%.

This store writes exactly the same rows to the same `events` table (so the purge script, the
scale-out setup, PostgreSQL and a plain SQLTrackerStore all read them as before), and keeps
the tracker it has just saved in a small in-memory cache. On the next message it asks the
database one cheap question: how many events does the current session hold, and what are the
newest event's id and timestamp? Only when the answer matches the cached tracker is it used;
anything else (another Rasa server wrote to this conversation, the purge script deleted it, a
new session started, the tracker was changed after it was saved) falls back to Rasa's full
rebuild. So the database stays the one source of truth, and a restart loses nothing.

A cached tracker is handed out once (removed from the cache) and comes back when it is saved,
so two requests never share one tracker object; an unsaved tracker is never served again.
Entries leave the cache after `cache_minutes` without a message, so conversation text does not
linger in memory, and at most `cache_size` conversations are kept (a 25-turn conversation is
about 100 KB of JSON in the database, a few times that in memory). Both can be set in
endpoints.yml next to `type`.
"""

import itertools
import json
import logging
import sqlite3
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Optional, Text, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

import rasa_extensions
from rasa_extensions import retention

logger = logging.getLogger(__name__)

# (number of events in the current session, newest event id, newest event timestamp)
StoredState = Tuple[int, Optional[int], Optional[float]]


# How often the write-ahead log is copied into the database file, away from the server's loop.
CHECKPOINT_SECONDS = 2.0


def _write_ahead_log_without_checkpoints(connection: Any, _record: Any) -> None:
    retention.secure_delete_on_connect(connection, _record)
    connection.execute("PRAGMA journal_mode=WAL")
    # SQLite copies the log into the database (a checkpoint) inside whichever commit crosses
    # 1,000 pages; that commit then held up every conversation for a moment (the p95 tail
    # under load). The thread below does it instead.
    connection.execute("PRAGMA wal_autocheckpoint=0")


def _checkpoint_in_background(store: "CachedSQLTrackerStore", path: Text) -> None:
    store_ref = weakref.ref(store)  # the thread ends with the store

    def checkpoint_now_and_then() -> None:
        connection = sqlite3.connect(path, check_same_thread=False)
        try:
            while store_ref() is not None:
                time.sleep(CHECKPOINT_SECONDS)
                try:
                    # PASSIVE: copy what it can without waiting for, or blocking, anyone.
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error as error:
                    logger.warning(f"SQLite checkpoint failed ({error}); trying again.")
        finally:
            connection.close()

    threading.Thread(target=checkpoint_now_and_then, name="sqlite-checkpoint", daemon=True).start()


def _make_sqlite_directory(dialect: Optional[Text], url: Optional[Text]) -> None:
    """SQLite creates the database file, not its directory (var/ on a fresh clone), and with
    the umask's mode: both are made here, owner-only."""
    if (dialect or "sqlite") == "sqlite" and url and url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        if path and path != ":memory:":
            retention.create_owner_only(path)


@dataclass
class _Entry:
    tracker: DialogueStateTracker
    state: StoredState
    saved_at: float


class CachedSQLTrackerStore(SQLTrackerStore):
    engine: Any  # set by SQLTrackerStore.__init__, replaced for an SQLite file

    def __init__(self, *args: Any, cache_size: int = 500, cache_minutes: float = 30, **kwargs: Any) -> None:
        _make_sqlite_directory(kwargs.get("dialect"), kwargs.get("host"))
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            self._keep_sqlite_connections()
        self.cache_size = int(cache_size)
        self.cache_seconds = float(cache_minutes) * 60
        self._cache: "OrderedDict[Text, _Entry]" = OrderedDict()

        events = self.SQLEvent.__table__
        sender = sa.bindparam("sender_id")
        # The current session, as Rasa's SQLTrackerStore defines it: the events from the
        # newest `session_started` on, or all of them when there is none.
        session_start = (
            sa.select(sa.func.max(events.c.timestamp))
            .where(events.c.sender_id == sender, events.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        self._state_query = sa.select(
            sa.func.count(events.c.id), sa.func.max(events.c.id), sa.func.max(events.c.timestamp)
        ).where(
            events.c.sender_id == sender,
            sa.or_(session_start.is_(None), events.c.timestamp >= session_start),
        )
        self._insert = events.insert()
        self._delete = events.delete().where(events.c.sender_id == sender)
        retention.purge_on_schedule(self, lambda store: store.engine)
        rasa_extensions.mark_active("cached SQL tracker store")
        rasa_extensions.install()

    def _keep_sqlite_connections(self) -> None:
        """For an SQLite file: keep connections open, and write through a write-ahead log.

        SQLAlchemy 1.4 opens a new SQLite connection for every session (NullPool): two per
        message here. A small pool keeps them. The write-ahead log makes a commit one append
        and one fsync instead of a rollback journal's several; with SQLite's default
        `synchronous=FULL` a committed message still survives a power cut. A thread copies
        the log into the database file every few seconds.
        """
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url, poolclass=sa.pool.QueuePool, pool_size=2, max_overflow=8, connect_args={"check_same_thread": False}
        )
        sa.event.listen(self.engine, "connect", _write_ahead_log_without_checkpoints)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        _checkpoint_in_background(self, url.database)

    async def erase(self, sender_id: Text) -> int:
        """Delete every event of the conversation (messages, votes, comments): the person's
        right to erasure. With SQLite's secure_delete the rows are overwritten on disk."""
        self._cache.pop(sender_id, None)
        with self.session_scope() as session:
            deleted = session.execute(self._delete, {"sender_id": sender_id}).rowcount
            session.commit()
        if self.engine.dialect.name == "sqlite":
            try:  # older copies of those pages in the write-ahead log go too
                with self.engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            except Exception as error:  # noqa: BLE001 - the rows are gone; the log is reused anyway
                logger.warning("Checkpoint after an erasure failed (%s).", type(error).__name__)
        return int(deleted or 0)

    @SQLTrackerStore.domain.setter
    def domain(self, domain: Optional[Domain]) -> None:
        # A new model can bring new slots: trackers built with the old domain are dropped.
        self._domain = domain or Domain.empty()
        self._cache.clear()

    def _stored_state(self, session: Any, sender_id: Text) -> StoredState:
        count, newest_id, newest_timestamp = session.execute(self._state_query, {"sender_id": sender_id}).one()
        return int(count), newest_id, newest_timestamp

    def _take_cached(self, sender_id: Text) -> Optional[_Entry]:
        entry = self._cache.pop(sender_id, None)
        now = time.monotonic()
        # Drop what has waited too long (the oldest entries are first).
        while self._cache:
            oldest_id, oldest = next(iter(self._cache.items()))
            if now - oldest.saved_at <= self.cache_seconds:
                break
            del self._cache[oldest_id]
        if entry is None or now - entry.saved_at > self.cache_seconds:
            return None
        return entry

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        entry = self._take_cached(sender_id)
        if entry is not None:
            with self.session_scope() as session:
                state = self._stored_state(session, sender_id)
            if state == entry.state and len(entry.tracker.events) == state[0]:
                return entry.tracker
            logger.debug("Cached tracker is out of date; reading it from the database.")
        return await super().retrieve(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        sender_id = tracker.sender_id
        with self.session_scope() as session:
            stored_count = self._stored_state(session, sender_id)[0]
            rows = []
            for event in itertools.islice(tracker.events, stored_count, None):
                data = event.as_dict()
                rows.append(
                    {
                        "sender_id": sender_id,
                        "type_name": event.type_name,
                        "timestamp": data.get("timestamp"),
                        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                        "action_name": data.get("name"),
                        "data": json.dumps(data),
                    }
                )
            if rows:
                session.execute(self._insert, rows)
            state = self._stored_state(session, sender_id)
            session.commit()

        self._cache.pop(sender_id, None)
        if len(tracker.events) == state[0]:
            self._cache[sender_id] = _Entry(tracker, state, time.monotonic())
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        logger.debug(f"Tracker with sender_id '{sender_id}' stored to database")
