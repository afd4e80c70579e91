"""Start the real action server and Rasa server on free ports: for the end-to-end tests and the
benchmark (scripts/bench.py)."""

import secrets
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import requests

from scripts.defaults_env import environment

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
MODEL = ROOT / "models" / "as-assistant.tar.gz"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(process: Optional[subprocess.Popen], timeout: float = 30) -> None:
    """Terminate, then kill if it does not stop in time; a no-op for a stopped process."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: server exited with {process.returncode}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not come up in {timeout}s")


# What the tests' servers change from the shipped defaults, unless `production=True`: any
# valid conversation id from a direct loopback client (tests name their conversations), no
# per-conversation rate limit (tests and the benchmark send fast), socket.io on (its tests).
TEST_SETTINGS = {"ALLOW_TEST_SENDER_IDS": "1", "RATE_LIMIT_PER_SENDER": "0", "ENABLE_SOCKETIO": "1"}


class Servers:
    """An action server and a Rasa server sharing one tracker store; each can be restarted.

    With `api`, the HTTP API is on behind a random token (`api_headers`); `production` keeps
    the shipped settings (tests/security/)."""

    def __init__(
        self,
        workdir: Path,
        env: Optional[Dict[str, str]] = None,
        api: bool = True,
        cors: Optional[List[str]] = None,
        production: bool = False,
    ) -> None:
        self.workdir = workdir
        self.action_port, self.rasa_port = free_port(), free_port()
        self.api = api
        self.api_token = secrets.token_urlsafe(24)
        self.cors = cors  # origins allowed to call Rasa from a browser (e.g. the test page)
        # `env` may override any of these (e.g. a shared tracker store, another action server).
        # ACTION_ENDPOINT_URL is set, not derived: under make it arrives expanded for port 5055.
        self.env = environment(
            **{
                **({} if production else TEST_SETTINGS),
                "ACTION_PORT": str(self.action_port),
                "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.action_port}/webhook",
                "RASA_PORT": str(self.rasa_port),
                "TRACKER_STORE_URL": f"sqlite:///{workdir / 'conversations.db'}",
                "RASA_API_TOKEN": self.api_token if api else "",
                **(env or {}),
            }
        )
        self.actions: Optional[subprocess.Popen] = None
        self.rasa: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _start(self, name: str, args: List[str]) -> subprocess.Popen:
        with open(self.workdir / f"{name}.log", "ab") as log:  # the child keeps its own copy
            return subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def start_actions(self) -> None:
        self.actions = self._start(
            "actions", [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(self.action_port)]
        )
        wait_until_up(f"http://127.0.0.1:{self.action_port}/health", self.actions)

    def start_rasa(self) -> None:
        args = [
            str(BIN / "rasa"),
            "run",
            "--model",
            str(MODEL),
            "--endpoints",
            self.env["ENDPOINTS"],
            "--credentials",
            "credentials.yml",
            "--port",
            str(self.rasa_port),
            "--interface",
            "127.0.0.1",
        ]
        if self.api:
            args.append("--enable-api")
        if self.cors:
            args += ["--cors", *self.cors]
        self.rasa = self._start("rasa", args)
        wait_until_up(self.url + "/", self.rasa)

    def stop_actions(self) -> None:
        stop_process(self.actions)

    def stop_rasa(self) -> None:
        stop_process(self.rasa)

    def stop(self) -> None:
        self.stop_rasa()
        self.stop_actions()

    def say(self, sender: str, message: str, timeout: float = 60) -> List[Dict]:
        r = requests.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=timeout
        )
        r.raise_for_status()
        return r.json()

    def text(self, sender: str, message: str) -> str:
        return "\n".join(m.get("text", "") for m in self.say(sender, message))

    @property
    def api_headers(self) -> Dict[str, str]:
        """The HTTP API's token, in a header (a ?token= would land in access logs)."""
        return {"Authorization": f"Bearer {self.env['RASA_API_TOKEN']}"}

    def api_get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(f"{self.url}{path}", headers=self.api_headers, timeout=30, **kwargs)

    def tracker_events(self, sender: str) -> List[Dict]:
        r = self.api_get(f"/conversations/{sender}/tracker", params={"include_events": "ALL"})
        r.raise_for_status()
        return r.json()["events"]

    def parse(self, text: str) -> Dict:
        return requests.post(
            f"{self.url}/model/parse", json={"text": text}, headers=self.api_headers, timeout=30
        ).json()


@contextmanager
def running_servers(workdir: Path, servers_class: type = Servers, **kwargs) -> Iterator[Servers]:
    servers = servers_class(workdir, **kwargs)
    try:
        servers.start_actions()
        servers.start_rasa()
        yield servers
    finally:
        servers.stop()
