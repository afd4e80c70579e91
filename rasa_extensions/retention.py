"""How long conversations are kept, and that deleted ones are really gone.

- `purge(engine, days)` deletes every conversation whose newest event is older than `days`
  (scripts/purge_conversations.py, `make purge`, and the schedule below).
- The Rasa server purges on a schedule (SECURITY-REVIEW F9): RETENTION_DAYS (default 30; 0 =
  never) every PURGE_INTERVAL_HOURS (default 24), once soon after start, in a thread.
- SQLite: every connection sets `secure_delete` (deleted rows are overwritten, not left in
  free pages), a purge ends with VACUUM and a truncating checkpoint of the write-ahead log,
  and the database file is created owner-only (0600) before SQLite opens it, so its -wal and
  -shm files are too.
"""

import logging
import os
import threading
import time
import weakref
from typing import Any, Callable, Dict, Optional

logger = logging.getLogger(__name__)

SECONDS_PER_DAY = 24 * 60 * 60
DEFAULT_RETENTION_DAYS = 30.0
DEFAULT_PURGE_INTERVAL_HOURS = 24.0


def _number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name) or default)
    except ValueError:
        logger.warning("%s is not a number; using %s.", name, default)
        return default


def retention_days() -> float:
    return _number("RETENTION_DAYS", DEFAULT_RETENTION_DAYS)


def purge_interval_seconds() -> float:
    return _number("PURGE_INTERVAL_HOURS", DEFAULT_PURGE_INTERVAL_HOURS) * 3600


def secure_delete_on_connect(connection: Any, _record: Any) -> None:
    """SQLAlchemy `connect` listener for SQLite: deleted content is overwritten with zeros."""
    connection.execute("PRAGMA secure_delete=ON")


def create_owner_only(path: str) -> None:
    """The SQLite file (and its directory) before SQLite creates them with the umask's mode."""
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, mode=0o700, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))


def purge(engine: Any, older_than_days: float, dry_run: bool = False) -> Dict[str, Any]:
    import sqlalchemy as sa
    from rasa.core.tracker_store import SQLTrackerStore

    events = SQLTrackerStore.SQLEvent.__table__
    cutoff = time.time() - older_than_days * SECONDS_PER_DAY
    result = {"older_than_days": older_than_days, "dry_run": dry_run, "conversations": 0, "events": 0}
    if not sa.inspect(engine).has_table(events.name):
        return result
    idle = sa.select(events.c.sender_id).group_by(events.c.sender_id).having(sa.func.max(events.c.timestamp) < cutoff)
    with engine.begin() as connection:  # one transaction: counted and deleted together
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA secure_delete=ON")
        result["conversations"] = connection.execute(sa.select(sa.func.count()).select_from(idle.subquery())).scalar()
        selected = events.c.sender_id.in_(idle)
        if dry_run:
            result["events"] = connection.execute(
                sa.select(sa.func.count()).select_from(events).where(selected)
            ).scalar()
        else:
            # The condition is evaluated again here, so a conversation that got a message
            # since the count above is kept.
            result["events"] = connection.execute(events.delete().where(selected)).rowcount
    if result["events"] and not dry_run:
        compact(engine)
    return result


def compact(engine: Any) -> None:
    """SQLite: rebuild the file without the freed pages and empty the write-ahead log, so no
    copy of deleted text is left on disk. Other databases: their own VACUUM is theirs."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        raw = connection.connection  # the DB-API connection: VACUUM runs outside a transaction
        raw.execute("PRAGMA secure_delete=ON")
        raw.execute("VACUUM")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def purge_on_schedule(
    owner: Any, engine_of: Callable[[Any], Any], days: Optional[float] = None, interval: Optional[float] = None
) -> Optional[threading.Thread]:
    """A daemon thread purging `engine_of(owner)` every `interval` seconds while `owner` lives."""
    days = retention_days() if days is None else days
    interval = purge_interval_seconds() if interval is None else interval
    if days <= 0 or interval <= 0:
        logger.info("Conversations are kept until purged by hand (RETENTION_DAYS=%s).", days)
        return None
    logger.info(
        "Retention: conversations idle for more than %g days are deleted every %g hours.", days, interval / 3600
    )
    owner_ref = weakref.ref(owner)
    wake = threading.Event()

    def run() -> None:
        delay = min(60.0, interval)  # the first purge soon after start
        while not wake.wait(delay):
            store = owner_ref()
            if store is None:
                return
            try:
                done = purge(engine_of(store), days)
                if done["conversations"]:
                    logger.info(
                        "Retention: deleted %s conversations idle for more than %s days.", done["conversations"], days
                    )
            except Exception as error:  # noqa: BLE001 - try again next time
                logger.warning("Retention purge failed (%s); trying again later.", type(error).__name__)
            del store
            delay = interval

    thread = threading.Thread(target=run, name="retention-purge", daemon=True)
    thread.start()
    return thread
