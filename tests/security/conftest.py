"""The security tier: the review's probes (../shared/reviews/SECURITY-REVIEW-2026-12-03.md) as
tests, against the servers as `make run` starts them and through deploy/'s nginx.

- `stack`: scripts/run_servers.sh with the shipped defaults (the HTTP API off, socket.io off,
  no test settings), on free ports, its database in a temporary directory;
- `api_stack`: the same with ENABLE_API=1 and a token (and socket.io and an action-server
  secret on), for the probes that need the API on;
- `proxy`: Debian's nginx with deploy/nginx's configuration in front of `stack`, over HTTPS
  with a self-signed certificate made here by openssl (never committed).

Every wait is on a condition (a port answering, a file appearing), never a fixed time.
"""

import os
import secrets
import shutil
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, Optional

import pytest
import requests

from deploy.nginx_config import render
from scripts.defaults_env import environment
from devtools.servers import ROOT, free_port
from tests.conftest import wait_for

NGINX = Path("/usr/sbin/nginx")


@dataclass
class Stack:
    url: str
    workdir: Path
    env: Dict[str, str]
    process: subprocess.Popen
    log: Path
    api_token: Optional[str] = None
    action_url: str = ""
    extra: Dict[str, str] = field(default_factory=dict)

    @property
    def database(self) -> Path:
        return self.workdir / "conversations.db"


def _start_stack(workdir: Path, **extra: str) -> Stack:
    rasa_port, action_port, web_port = free_port(), free_port(), free_port()
    env = environment(
        **{
            "RASA_PORT": str(rasa_port),
            "ACTION_PORT": str(action_port),
            "WEB_PORT": str(web_port),
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
            "TRACKER_STORE_URL": f"sqlite:///{workdir / 'conversations.db'}",
            "LOG_LEVEL": "INFO",
            **extra,
        }
    )
    for name in ("RASA_API_TOKEN", "ALLOW_TEST_SENDER_IDS"):
        if name not in extra:
            env.pop(name, None)
    log = workdir / "run_servers.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(ROOT / "scripts" / "run_servers.sh")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{rasa_port}"
    stack = Stack(
        url,
        workdir,
        env,
        process,
        log,
        api_token=extra.get("RASA_API_TOKEN"),
        action_url=f"http://127.0.0.1:{action_port}",
        extra=extra,
    )
    try:
        wait_for(lambda: requests.get(url + "/", timeout=2).ok, what="the Rasa server", process=process)
        wait_for(lambda: requests.get(stack.action_url + "/health", timeout=2).ok, what="the action server")
    except BaseException:
        _stop(process)
        raise
    return stack


def _stop(process: subprocess.Popen) -> None:
    """The script's own process group (start_new_session): the servers it started, no other."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="session")
def stack(model, tmp_path_factory) -> Iterator[Stack]:
    """`make run` as shipped: API and socket.io off, no test settings."""
    started = _start_stack(tmp_path_factory.mktemp("stack"))
    try:
        yield started
    finally:
        _stop(started.process)


@pytest.fixture(scope="module")
def api_stack(model, tmp_path_factory) -> Iterator[Stack]:
    """With ENABLE_API=1 and a token, socket.io on, and a secret between Rasa and the actions."""
    started = _start_stack(
        tmp_path_factory.mktemp("api-stack"),
        ENABLE_API="1",
        RASA_API_TOKEN=secrets.token_urlsafe(32),
        ENABLE_SOCKETIO="1",
        ACTION_SERVER_TOKEN=secrets.token_urlsafe(32),
    )
    try:
        yield started
    finally:
        _stop(started.process)


@dataclass
class Proxy:
    url: str
    http_url: str
    ca: Path
    workdir: Path


def self_signed_certificate(directory: Path) -> Path:
    """A certificate for 127.0.0.1 and localhost, valid for a day, made for this run only."""
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(directory / "tls.key"),
            "-out",
            str(directory / "tls.crt"),
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return directory / "tls.crt"


@pytest.fixture(scope="session")
def proxy(stack, tmp_path_factory) -> Iterator[Proxy]:
    if not NGINX.exists() or not shutil.which("openssl"):
        pytest.fail("nginx or openssl missing: run `make system-deps`.")
    workdir = tmp_path_factory.mktemp("nginx")
    certificate = self_signed_certificate(workdir)
    https_port, http_port = free_port(), free_port()
    site = render(
        {
            "NGINX_SERVER_NAME": "localhost 127.0.0.1",
            "NGINX_HTTPS_PORT": f"127.0.0.1:{https_port}",
            "NGINX_HTTP_PORT": f"127.0.0.1:{http_port}",
            "NGINX_RASA_UPSTREAM": stack.url.split("//")[1],
            "NGINX_TLS_CERTIFICATE": str(certificate),
            "NGINX_TLS_CERTIFICATE_KEY": str(workdir / "tls.key"),
            "NGINX_ACCESS_LOG": str(workdir / "access.log"),
            # The tests are faster than people (and share one address); the limit still bites.
            "NGINX_RATE_PER_SECOND": "50",
            "NGINX_RATE_BURST": "100",
        }
    )
    (workdir / "site.conf").write_text(site)
    temp = "\n".join(
        f"  {kind}_temp_path {workdir / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root root;\n" if os.geteuid() == 0 else ""
    (workdir / "nginx.conf").write_text(
        f"{user}worker_processes 1;\ndaemon off;\npid {workdir / 'nginx.pid'};\n"
        f"error_log {workdir / 'error.log'} warn;\nevents {{ worker_connections 256; }}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n{temp}\n"
        f"  include {workdir / 'site.conf'};\n}}\n"
    )
    check = subprocess.run(
        [str(NGINX), "-t", "-p", str(workdir), "-e", str(workdir / "error.log"), "-c", str(workdir / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [str(NGINX), "-p", str(workdir), "-e", str(workdir / "error.log"), "-c", str(workdir / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / "nginx.out", "wb"),
    )
    url = f"https://127.0.0.1:{https_port}"
    try:
        wait_for(
            lambda: requests.get(url + "/", verify=str(certificate), timeout=2).status_code == 200,
            timeout=60,
            what="nginx",
            process=process,
        )
        yield Proxy(url, f"http://127.0.0.1:{http_port}", certificate, workdir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(params=["direct", "proxy"])
def via(request, stack) -> "Client":
    """Each probe twice: straight at the Rasa server, and through the proxy."""
    if request.param == "direct":
        return Client(stack.url, None)
    p = request.getfixturevalue("proxy")
    return Client(p.url, str(p.ca))


@dataclass
class Client:
    base: str
    verify: Optional[str]

    @property
    def through_proxy(self) -> bool:
        return self.verify is not None

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 60)
        if self.verify:
            kwargs.setdefault("verify", self.verify)
        return requests.request(method, self.base + path, **kwargs)

    def say(self, sender: str, message: str, **kwargs) -> requests.Response:
        return self.request("POST", "/webhooks/rest/webhook", json={"sender": sender, "message": message}, **kwargs)

    def history(self, sender: str) -> requests.Response:
        return self.request("POST", "/webhooks/rest/history", json={"sender": sender})
