"""The conversation lock store: Rasa's in-memory one for one server, an atomic Redis one for several.

Rasa handles one message per conversation at a time with a ticket lock: each message takes
the next ticket and waits until it is the first. Rasa 3.6's RedisLockStore changes a lock by
reading it, changing it in Python and writing it back, so two servers that take a ticket for
the same conversation at the same moment can both get the same number, or one can delete
the lock another has just queued on, and both then handle the conversation at once: turns
are lost (RasaHQ/rasa#9213; the fix, ConcurrentRedisLockStore, went to Rasa Pro only). The
test in tests/scaleout/ lost two of six concurrent messages that way.

- `AtomicRedisLockStore` is Rasa's RedisLockStore with every change to a lock made in one
  step: a Redis transaction (WATCH the key, MULTI/EXEC), retried after a short random pause
  when another server changed the lock meanwhile. The ticket logic is Rasa's TicketLock.
- In memory, Rasa's own InMemoryLockStore is already atomic: its changes have no await in them.

Both keep locks under each conversation's pseudonym, never its id.

endpoints.yml names `TicketLockStore`, which builds one of the two from `store:
${LOCK_STORE_TYPE}` (in_memory or redis), so the variables are the ones Rasa documents; `url`,
`port` and the other keys are RedisLockStore's (`password` and `use_ssl` from
LOCK_STORE_PASSWORD and LOCK_STORE_USE_SSL).
"""

import json
import os
import random
import time
from typing import Any, Callable, Dict, Optional, Text, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

import rasa_extensions
from assistant import security

T = TypeVar("T")
# A change gets the current lock (None if there is none) and returns the lock to keep (None to
# delete it) and a result.
Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], T]]

# Another server changed the lock between our read and our write: read it again after a pause
# drawn from [0, min(MAX_PAUSE, FIRST_PAUSE * 2**attempt)] seconds ("full jitter"), so servers
# that collided do not collide again in step. After MAX_ATTEMPTS the message fails (LockError).
FIRST_PAUSE = 0.001
MAX_PAUSE = 0.05
MAX_ATTEMPTS = 50


def retry_pause(attempt: int, rng: Callable[[], float] = random.random) -> float:
    return rng() * min(MAX_PAUSE, FIRST_PAUSE * 2**attempt)


class _PseudonymLocks(LockStore):
    def lock(self, conversation_id: Text, *args: Any, **kwargs: Any) -> Any:
        """Rasa's lock, under the conversation's pseudonym: a lock key or value never shows the
        id (the widget's id reads its conversation back), e.g. to Redis MONITOR (SECURITY-REVIEW F10)."""
        return super().lock(security.pseudonym(conversation_id), *args, **kwargs)


class MemoryLockStore(_PseudonymLocks, InMemoryLockStore):
    """Rasa's in-memory lock store, under pseudonyms."""


class AtomicRedisLockStore(_PseudonymLocks, RedisLockStore):
    """Rasa's RedisLockStore, each change to a lock one Redis transaction."""

    sleep: Callable[[float], None] = staticmethod(time.sleep)

    def _change(self, conversation_id: Text, change: "Change[T]") -> T:
        """Compare and set: read the lock under WATCH, apply `change`, write it in MULTI/EXEC;
        when another server wrote the key in between, EXEC raises WatchError and we start over."""
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            for attempt in range(MAX_ATTEMPTS):
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
                    pipe.reset()
                    self.sleep(retry_pause(attempt))
        raise LockError(
            f"The lock of conversation '{conversation_id}' kept changing under us ({MAX_ATTEMPTS} attempts)."
        )

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


def _sanic_workers() -> int:
    try:
        return int(os.environ.get("SANIC_WORKERS") or 1)
    except ValueError:
        return 1  # Rasa itself falls back to one worker then


def create_lock_store(endpoint_config: EndpointConfig) -> LockStore:
    """The store endpoints.yml asks for: `store: in_memory` or `store: redis`."""
    kwargs: Dict[Text, Any] = dict(endpoint_config.kwargs)
    store = str(kwargs.pop("store", "in_memory") or "in_memory")
    lock_store: LockStore
    if store == "redis":
        # From the environment these arrive as strings: no password is None, "false" is False.
        kwargs["password"] = kwargs.get("password") or None
        kwargs["use_ssl"] = security.env_flag("use_ssl", {"use_ssl": str(kwargs.get("use_ssl", ""))})
        kwargs["port"] = int(kwargs.get("port") or 6379)
        lock_store = AtomicRedisLockStore(host=endpoint_config.url or "localhost", **kwargs)
    elif store != "in_memory":
        raise ValueError(f"lock_store store: {store!r} is neither 'in_memory' nor 'redis'")
    elif _sanic_workers() > 1:
        # Rasa lets a custom lock store run with several workers; each worker would keep
        # its own in-memory locks, and one conversation could be handled twice at once.
        raise ValueError(
            "SANIC_WORKERS runs several server processes, which cannot share an "
            "in-memory lock: set LOCK_STORE_TYPE=redis (and LOCK_STORE_URL), or "
            "SANIC_WORKERS=1."
        )
    else:
        lock_store = MemoryLockStore()
    rasa_extensions.mark_active(f"atomic lock store ({store})")
    rasa_extensions.install()
    return lock_store


class TicketLockStore:
    """What endpoints.yml names (Rasa loads a lock store by class): builds the store asked for."""

    def __new__(cls, endpoint_config: EndpointConfig) -> Any:  # noqa: D102
        return create_lock_store(endpoint_config)
