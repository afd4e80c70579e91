"""The one test harness, shared by every tier (tests/<tier>/):

- `model`: the trained model, or a clear failure that says to run `make train`;
- `start_servers`: a factory, `with start_servers("name", env=..., cors=...) as s:` starts the
  real action server and Rasa server (devtools/servers.py) on free ports, and stops both after;
- `servers`: the session's shared pair. A tier that needs other settings overrides it with
  the factory (tests/browser/: its test page's origin), so tiers can share one pytest run;
- `own_servers`: a module's own pair, for tests that stop servers, read the logs, purge, or need
  other settings: the module's `OWN_SERVERS` (keyword arguments for devtools.servers.Servers);
- `new_sender`: a conversation id nobody has used; `feedback_records`: a conversation's votes;
- `SocketioChat`: the widget's socket.io side, as a test drives it;
- `redis_server` and `wait_for`, for the tiers that need Redis or wait on a condition;
- markers: every test is marked with its tier (its directory), and `needs_model` when it loads
  the trained model, so `pytest -m "not needs_model"` runs without one.

Nothing here waits a fixed time: every wait is on a condition with a deadline.
"""

import shutil
import subprocess
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, ContextManager, Dict, Iterator, List, Optional

import pytest
import requests

from devtools.servers import MODEL, ROOT, Servers, free_port, running_servers, stop_process

TIERS = ("unit", "server", "reliability", "browser", "scaleout", "security")


def pytest_collection_modifyitems(config, items):
    tests = Path(__file__).resolve().parent
    for item in items:
        path = item.path.resolve()
        parts = path.relative_to(tests).parts if path.is_relative_to(tests) else ()
        if parts and parts[0] in TIERS:
            item.add_marker(getattr(pytest.mark, parts[0]))
        if "model" in item.fixturenames:
            item.add_marker(pytest.mark.needs_model)


# ------------------------------------------------------------------ data


@pytest.fixture(scope="session")
def kb():
    from assistant.knowledge import load_knowledge_base

    return load_knowledge_base()


@pytest.fixture(scope="session")
def domain():
    import yaml

    return yaml.safe_load((ROOT / "domain.yml").read_text())


# ------------------------------------------------------------------ conversations


def make_sender(prefix: str = "test") -> str:
    """`<prefix>-<8 hex digits>`; for the prefix "web", the widget's own form `web-<uuid4>`,
    the only one the servers accept without the test settings (tests/security/)."""
    return f"web-{uuid.uuid4()}" if prefix == "web" else f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def new_sender() -> Callable[..., str]:
    """`new_sender()`, `new_sender("fault")`, `new_sender("web")`: a new conversation each call."""
    return make_sender


def feedback_records(servers: Servers, sender: str) -> List[Dict]:
    """The votes and comments recorded in a conversation, oldest first (the HTTP API's tracker)."""
    from assistant.feedback import FEEDBACK_SLOT

    return [e["value"] for e in servers.tracker_events(sender) if e["event"] == "slot" and e["name"] == FEEDBACK_SLOT]


# ------------------------------------------------------------------ servers


@pytest.fixture(scope="session")
def model() -> Path:
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` first (the make test targets do).")
    return MODEL


@pytest.fixture(scope="session")
def start_servers(model, tmp_path_factory) -> Callable[..., ContextManager[Servers]]:
    """`with start_servers(name, **options) as s:` an action server and a Rasa server in a new
    directory under pytest's temporary one, options as devtools.servers.Servers takes them."""

    def start(name: str = "servers", **options: Any) -> ContextManager[Servers]:
        return running_servers(tmp_path_factory.mktemp(name), **options)

    return start


@pytest.fixture(scope="session")
def servers(start_servers) -> Iterator[Servers]:
    """The session's pair, shared by the tests that leave both servers as they found them."""
    with start_servers("servers") as s:
        yield s


@pytest.fixture(scope="module")
def own_servers(start_servers, request) -> Iterator[Servers]:
    """The module's own pair, started with the module's OWN_SERVERS options."""
    with start_servers("own-servers", **getattr(request.module, "OWN_SERVERS", {})) as s:
        yield s


# ------------------------------------------------------------------ socket.io


class SocketioChat:
    """A socket.io client as the chat widget connects: `confirmed` session ids and bot
    `replies` are recorded as they arrive; `wait_until(condition)` waits on them, never a fixed
    time. The synchronous client over long-polling: the pinned engine.io's asyncio client needs a
    newer aiohttp than Rasa 3.6 allows, and websocket-client is not installed."""

    def __init__(self, url: str, origin: Optional[str] = None) -> None:
        import socketio

        self.confirmed: List[Any] = []
        self.replies: List[Dict] = []
        self.changed = threading.Condition()
        self.client = socketio.Client()
        self.client.on("session_confirm", lambda *args: self._record(self.confirmed, args[0] if args else None))
        self.client.on("bot_uttered", lambda data: self._record(self.replies, data))
        headers = {"Origin": origin} if origin else {}
        self.client.connect(url, socketio_path="/socket.io", transports=["polling"], headers=headers)

    def _record(self, into: List[Any], item: Any) -> None:
        with self.changed:
            into.append(item)
            self.changed.notify_all()

    def emit(self, event: str, data: Any) -> None:
        self.client.emit(event, data)

    def texts(self) -> List[str]:
        with self.changed:
            return [r.get("text", "") for r in self.replies]

    def wait_until(self, condition: Callable[[], Any], timeout: float) -> bool:
        with self.changed:
            return bool(self.changed.wait_for(condition, timeout))

    def __enter__(self) -> "SocketioChat":
        return self

    def __exit__(self, *exc: Any) -> None:
        # engine.io's close, without waiting for the client's pending long-poll to end: the
        # server does not always answer it at once, and the wait was then 30 s (its timeout).
        self.client.eio.disconnect(abort=True)


# ------------------------------------------------------------------ Chromium

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium (never `playwright install`), headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing: run `make system-deps` (apt-get install chromium).")
    with sync_playwright() as playwright:
        b = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


# ------------------------------------------------------------------ waiting, Redis


def wait_for(
    condition: Callable[[], Any],
    timeout: float = 240,
    what: str = "condition",
    process: Optional[subprocess.Popen] = None,
) -> Any:
    """Poll `condition` until it returns something true (connection errors count as not yet);
    fail when `process` exits or the deadline passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with {process.returncode}")
        try:
            value = condition()
            if value:
                return value
        except (requests.RequestException, OSError):
            pass
        time.sleep(0.2)  # the polling interval of a condition wait, not a fixed sleep
    raise TimeoutError(f"{what} did not hold within {timeout}s")


@contextmanager
def redis_server(workdir: Path, password: Optional[str] = None) -> Iterator[int]:
    """Debian's redis-server on a free loopback port, no persistence, stopped after; its port."""
    import redis

    if not shutil.which("redis-server"):
        pytest.fail("redis-server not found: `make system-deps`")
    port = free_port()
    args = [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(workdir),
    ] + (["--requirepass", password] if password else [])
    with open(workdir / "redis.log", "wb") as log:
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    try:
        client = redis.Redis(host="127.0.0.1", port=port, password=password)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        wait_for(answers, timeout=30, what="redis-server", process=process)
        yield port
    finally:
        stop_process(process, timeout=10)
