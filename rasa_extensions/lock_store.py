"""The conversation lock store: one server in memory, several servers on Redis, both safe.

Rasa handles one message per conversation at a time with a ticket lock: each message takes
the next ticket and waits until it is the first. Rasa 3.6's RedisLockStore changes a lock by
reading it, changing it in Python and writing it back, so two servers that take a ticket for
the same conversation at the same moment can both get the same number, or one can delete
the lock another has just queued on, and both then handle the conversation at once: turns
are lost (RasaHQ/rasa#9213; the fix, ConcurrentRedisLockStore, went to Rasa Pro only). The
test in tests/scaleout/ lost two of six concurrent messages that way.

Here every change to a lock is one step: a Redis transaction (WATCH the key, MULTI/EXEC,
retried when another server changed it meanwhile), or in memory a change with no await in it.
The ticket logic itself is Rasa's TicketLock, unchanged.

endpoints.yml selects the store with `store: ${LOCK_STORE_TYPE}` (in_memory or redis), so the
variables are the ones Rasa documents; `url`, `port` and the other keys are RedisLockStore's
(`password` and `use_ssl` from LOCK_STORE_PASSWORD and LOCK_STORE_USE_SSL). Locks are kept
under each conversation's pseudonym, never its id.
"""
import json
import os
from typing import Any, Callable, Dict, Optional, Text, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

import rasa_extensions
from assistant import security

T = TypeVar("T")
# A change gets the current lock (None if there is none) and returns the lock to keep (None to
# delete it) and a result.
Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], T]]


def _sanic_workers() -> int:
    try:
        return int(os.environ.get("SANIC_WORKERS") or 1)
    except ValueError:
        return 1  # Rasa itself falls back to one worker then


class TicketLockStore(LockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        kwargs: Dict[Text, Any] = dict(endpoint_config.kwargs)
        self.store = str(kwargs.pop("store", "in_memory") or "in_memory")
        # From the environment these arrive as strings: no password is None, "false" is False.
        kwargs["password"] = kwargs.get("password") or None
        kwargs["use_ssl"] = str(kwargs.get("use_ssl", "")).strip().lower() in {"1", "true", "yes", "on"}
        self._memory: Dict[Text, TicketLock] = {}
        self._redis: Optional[RedisLockStore] = None
        if self.store == "redis":
            kwargs.pop("port", None)
            self._redis = RedisLockStore(host=endpoint_config.url or "localhost",
                                         port=int(endpoint_config.kwargs.get("port") or 6379), **kwargs)
        elif self.store != "in_memory":
            raise ValueError(f"lock_store store: {self.store!r} is neither 'in_memory' nor 'redis'")
        elif _sanic_workers() > 1:
            # Rasa lets a custom lock store run with several workers; each worker would keep
            # its own in-memory locks, and one conversation could be handled twice at once.
            raise ValueError("SANIC_WORKERS runs several server processes, which cannot share an "
                             "in-memory lock: set LOCK_STORE_TYPE=redis (and LOCK_STORE_URL), or "
                             "SANIC_WORKERS=1.")
        super().__init__()
        rasa_extensions.mark_active(f"atomic lock store ({self.store})")
        rasa_extensions.install()

    def lock(self, conversation_id: Text, *args: Any, **kwargs: Any) -> Any:
        """Rasa's lock, under the conversation's pseudonym: a lock key or value never shows the
        id (the widget's id reads its conversation back), e.g. to Redis MONITOR (SECURITY-REVIEW F10)."""
        return super().lock(security.pseudonym(conversation_id), *args, **kwargs)

    # Reading, and the plain writes LockStore's own methods use.
    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        return self._redis.get_lock(conversation_id) if self._redis else self._memory.get(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        if self._redis:
            self._redis.save_lock(lock)
        else:
            self._memory[lock.conversation_id] = lock

    def delete_lock(self, conversation_id: Text) -> None:
        if self._redis:
            self._redis.delete_lock(conversation_id)
        else:
            self._memory.pop(conversation_id, None)

    # Every change, in one step.
    def _change(self, conversation_id: Text, change: "Change[T]") -> T:
        if not self._redis:
            lock, result = change(self._memory.get(conversation_id))
            if lock is None:
                self._memory.pop(conversation_id, None)
            else:
                self._memory[conversation_id] = lock
            return result

        import redis

        key = self._redis.key_prefix + conversation_id
        with self._redis.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock, result = change(TicketLock.from_dict(json.loads(raw)) if raw else None)
                    pipe.multi()
                    if lock is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, lock.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another server changed this lock meanwhile: read it again

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        return self._change(conversation_id, issue)

    def update_lock(self, conversation_id: Text) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: (_without(lock, ticket_number), None))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Remove the ticket, and the lock with it when no one else is queued: in one step."""

        def finish(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            lock = _without(lock, ticket_number)
            return (lock if lock is not None and lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish)


def _without(lock: Optional[TicketLock], ticket_number: int) -> Optional[TicketLock]:
    if lock is not None:
        lock.remove_ticket_for(ticket_number)
    return lock

