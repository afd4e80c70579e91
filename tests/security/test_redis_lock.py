"""F10: Redis for scale-out with a password (LOCK_STORE_PASSWORD), and no conversation id in
what Redis sees: locks are kept under the id's pseudonym, so MONITOR on Redis shows none."""

import threading
import uuid

import pytest
import redis

from assistant.security import pseudonym
from tests.conftest import redis_server


@pytest.fixture(scope="module")
def redis_with_password(tmp_path_factory):
    password = uuid.uuid4().hex
    with redis_server(tmp_path_factory.mktemp("redis"), password=password) as port:
        with pytest.raises(redis.AuthenticationError):  # the password is really required
            redis.Redis(host="127.0.0.1", port=port).get("x")
        yield port, password


def test_f10_the_lock_store_authenticates_and_redis_never_sees_an_id(redis_with_password, start_servers, new_sender):
    port, password = redis_with_password
    env = {
        "LOCK_STORE_TYPE": "redis",
        "LOCK_STORE_URL": "127.0.0.1",
        "LOCK_STORE_PORT": str(port),
        "LOCK_STORE_PASSWORD": password,
    }
    with start_servers("redis-lock", env=env, production=True, api=False) as servers:
        sender = new_sender("web")
        seen, ready = [], threading.Event()
        monitor_client = redis.Redis(host="127.0.0.1", port=port, password=password)

        def watch():
            with monitor_client.monitor() as monitor:
                ready.set()
                for command in monitor.listen():
                    seen.append(command["command"])
                    if "DEL" in command["command"].upper() and pseudonym(sender) in command["command"]:
                        return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        assert ready.wait(10)
        assert "Source:" in servers.text(sender, "what is bone marrow edema?")
        watcher.join(30)
        assert any(pseudonym(sender) in command for command in seen), seen[:5]
        assert not any(sender in command for command in seen)
