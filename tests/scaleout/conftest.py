"""PostgreSQL and Redis on loopback, for the scale-out profile, from the machine's binaries.

Each fixture starts its server in a temporary directory on a free port and stops it and
removes the directory in `finally`, whatever the test did. PostgreSQL refuses to run as
root, so as root it runs as the `postgres` user (which the Debian package creates).
"""

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator, List

import pytest

from devtools.servers import free_port
from tests.conftest import redis_server

DB_USER, DB_PASSWORD, DB_NAME = "rasa", "scaleout-test", "rasa"


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.fail("PostgreSQL binaries not found (/usr/lib/postgresql/*/bin): `make system-deps`")
    return Path(found[-1]).parent


def _as_db_owner() -> List[str]:
    if os.geteuid() != 0:
        return []
    if subprocess.run(["id", "-u", "postgres"], capture_output=True).returncode != 0:
        pytest.fail("Running as root, PostgreSQL needs a `postgres` user: `make system-deps` creates it")
    return ["runuser", "-u", "postgres", "--"]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """postgresql://rasa:...@127.0.0.1:<port>/rasa, with password authentication over TCP."""
    bin_dir, prefix, port = _postgres_bin(), _as_db_owner(), free_port()
    workdir = Path(tempfile.mkdtemp(prefix="as-scaleout-pg-"))
    data, sockets = workdir / "data", workdir / "sockets"
    sockets.mkdir()
    (workdir / "pwfile").write_text(DB_PASSWORD + "\n")
    if prefix:
        shutil.chown(workdir, "postgres")
        for path in (sockets, workdir / "pwfile"):
            shutil.chown(path, "postgres")

    def run(*args: str) -> None:
        done = subprocess.run(prefix + list(args), capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")

    try:
        run(
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            DB_USER,
            f"--pwfile={workdir / 'pwfile'}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--no-sync",
        )
        run(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(workdir / "postgres.log"),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )
        try:
            run(str(bin_dir / "createdb"), "-h", str(sockets), "-p", str(port), "-U", DB_USER, DB_NAME)
            yield f"postgresql://{DB_USER}:{DB_PASSWORD}@127.0.0.1:{port}/{DB_NAME}"
        finally:
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_port(tmp_path_factory) -> Iterator[int]:
    with redis_server(tmp_path_factory.mktemp("redis")) as port:
        yield port
