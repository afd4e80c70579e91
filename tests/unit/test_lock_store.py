"""The lock store: the compare-and-set of AtomicRedisLockStore against a fake Redis pipeline
(no server), its bounded back-off, and which store endpoints.yml's settings build."""

import json
from typing import Dict, List, Optional

import pytest
import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockError
from rasa.utils.endpoints import EndpointConfig

from rasa_extensions import lock_store
from rasa_extensions.lock_store import AtomicRedisLockStore, MemoryLockStore, TicketLockStore


class FakePipeline:
    """Just what _change uses of redis-py's Pipeline. `conflicts` EXECs raise WatchError, as
    when another server writes the watched key between our WATCH and our EXEC; each conflict
    also applies `intruder` to the stored lock, as that other server's write would."""

    def __init__(self, data: Dict[str, bytes], conflicts: int = 0, intruder=None) -> None:
        self.data, self.conflicts, self.intruder = data, conflicts, intruder
        self.queued: List = []
        self.calls: List[str] = []

    def __enter__(self) -> "FakePipeline":
        return self

    def __exit__(self, *exc) -> None:
        self.calls.append("reset")

    def watch(self, key: str) -> None:
        self.calls.append("watch")

    def get(self, key: str) -> Optional[bytes]:
        return self.data.get(key)

    def multi(self) -> None:
        self.calls.append("multi")
        self.queued = []

    def set(self, key: str, value: str) -> None:
        self.queued.append(("set", key, value))

    def delete(self, key: str) -> None:
        self.queued.append(("delete", key, None))

    def reset(self) -> None:
        self.calls.append("reset")
        self.queued = []

    def execute(self) -> None:
        self.calls.append("execute")
        if self.conflicts:
            self.conflicts -= 1
            if self.intruder:
                self.intruder(self.data)
            raise redis.WatchError("watched key changed")
        for op, key, value in self.queued:
            if op == "set":
                self.data[key] = value.encode()
            else:
                self.data.pop(key, None)


class FakeRedis:
    def __init__(self, pipeline: FakePipeline) -> None:
        self._pipeline = pipeline

    def pipeline(self) -> FakePipeline:
        return self._pipeline


@pytest.fixture
def make_store(monkeypatch):
    pauses: List[float] = []

    def make(conflicts: int = 0, intruder=None, data: Optional[Dict[str, bytes]] = None):
        store = AtomicRedisLockStore(host="127.0.0.1", port=1)  # connects lazily: nothing is sent
        pipe = FakePipeline(data if data is not None else {}, conflicts, intruder)
        store.red = FakeRedis(pipe)
        store.sleep = pauses.append
        return store, pipe, pauses

    return make


def stored(pipe: FakePipeline, store: AtomicRedisLockStore, conversation: str) -> Optional[TicketLock]:
    raw = pipe.data.get(store.key_prefix + conversation)
    return TicketLock.from_dict(json.loads(raw)) if raw else None


def test_a_ticket_is_issued_in_one_transaction(make_store):
    store, pipe, pauses = make_store()
    assert store.issue_ticket("c") == 0
    assert store.issue_ticket("c") == 1
    assert pipe.calls.count("execute") == 2 and not pauses
    assert len(stored(pipe, store, "c").tickets) == 2


def test_a_conflict_reads_the_lock_again_so_no_ticket_is_issued_twice(make_store):
    # Another server takes ticket 0 between our read and our write: our EXEC fails, we read
    # its lock again and take ticket 1, never a second ticket 0.
    def other_server_takes_a_ticket(data):
        key = store.key_prefix + "c"
        lock = TicketLock.from_dict(json.loads(data[key])) if key in data else TicketLock("c")
        lock.issue_ticket(60)
        data[key] = lock.dumps().encode()

    store, pipe, pauses = make_store(conflicts=1, intruder=other_server_takes_a_ticket)
    assert store.issue_ticket("c") == 1
    assert [t.number for t in stored(pipe, store, "c").tickets] == [0, 1]
    assert pipe.calls.count("watch") == 2 and len(pauses) == 1


def test_cleanup_keeps_a_lock_someone_queued_on_meanwhile(make_store):
    store, pipe, _ = make_store()
    first = store.issue_ticket("c")

    def other_server_queues(data):
        key = store.key_prefix + "c"
        lock = TicketLock.from_dict(json.loads(data[key]))
        lock.issue_ticket(60)
        data[key] = lock.dumps().encode()

    pipe.conflicts, pipe.intruder = 1, other_server_queues
    store.cleanup("c", first)
    lock = stored(pipe, store, "c")
    assert lock is not None and [t.number for t in lock.tickets] == [1]

    store.cleanup("c", 1)  # the last one out deletes the lock
    assert stored(pipe, store, "c") is None


def test_the_back_off_grows_with_jitter_and_is_bounded(make_store):
    store, pipe, pauses = make_store(conflicts=lock_store.MAX_ATTEMPTS)
    with pytest.raises(LockError):
        store.issue_ticket("c")
    assert len(pauses) == lock_store.MAX_ATTEMPTS and "reset" in pipe.calls
    assert all(0 <= p <= lock_store.MAX_PAUSE for p in pauses)
    assert lock_store.retry_pause(0, lambda: 1.0) == lock_store.FIRST_PAUSE
    assert lock_store.retry_pause(3, lambda: 1.0) == 8 * lock_store.FIRST_PAUSE
    assert lock_store.retry_pause(40, lambda: 1.0) == lock_store.MAX_PAUSE
    assert lock_store.retry_pause(3, lambda: 0.25) == 2 * lock_store.FIRST_PAUSE


def test_endpoints_build_rasas_in_memory_store_or_the_atomic_redis_one(monkeypatch):
    monkeypatch.delenv("SANIC_WORKERS", raising=False)
    # Not the process-wide extensions: test_rasa_contract reads Rasa's functions unpatched.
    monkeypatch.setattr(lock_store.rasa_extensions, "install", lambda *args, **kwargs: None)
    memory = TicketLockStore(EndpointConfig(store="in_memory"))
    assert isinstance(memory, MemoryLockStore) and isinstance(memory, InMemoryLockStore)
    red = TicketLockStore(EndpointConfig(url="127.0.0.1", store="redis", port="1", password="", use_ssl="false"))
    assert isinstance(red, AtomicRedisLockStore)
    kwargs = red.red.connection_pool.connection_kwargs
    assert kwargs["port"] == 1 and kwargs["password"] is None
    with pytest.raises(ValueError):
        TicketLockStore(EndpointConfig(store="mongo"))
    monkeypatch.setenv("SANIC_WORKERS", "2")
    with pytest.raises(ValueError, match="LOCK_STORE_TYPE=redis"):
        TicketLockStore(EndpointConfig(store="in_memory"))
