"""F10: Redis for scale-out with a password (LOCK_STORE_PASSWORD), and no conversation id in
what Redis sees: locks are kept under the id's pseudonym, so MONITOR on Redis shows none."""
import shutil
import subprocess
import threading
import uuid
from pathlib import Path

import pytest
import redis

from assistant.security import pseudonym
from tests.security.conftest import wait_for
from tests.servers import free_port, running_servers, stop_process


@pytest.fixture(scope="module")
def redis_with_password(tmp_path_factory):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server not found: `make system-deps`")
    workdir: Path = tmp_path_factory.mktemp("redis")
    port, password = free_port(), uuid.uuid4().hex
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(workdir), "--requirepass", password],
                               stdout=open(workdir / "redis.log", "wb"), stderr=subprocess.STDOUT)
    try:
        client = redis.Redis(host="127.0.0.1", port=port, password=password)
        def answers():
            try:
                return client.ping()
            except redis.ConnectionError:
                return False

        wait_for(answers, timeout=30, what="redis", process=process)
        with pytest.raises(redis.AuthenticationError):  # the password is really required
            redis.Redis(host="127.0.0.1", port=port).get("x")
        yield port, password
    finally:
        stop_process(process, timeout=10)


def test_f10_the_lock_store_authenticates_and_redis_never_sees_an_id(redis_with_password, tmp_path):
    port, password = redis_with_password
    env = {"LOCK_STORE_TYPE": "redis", "LOCK_STORE_URL": "127.0.0.1", "LOCK_STORE_PORT": str(port),
           "LOCK_STORE_PASSWORD": password}
    with running_servers(tmp_path, env=env, production=True, api=False) as servers:
        sender = f"web-{uuid.uuid4()}"
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
