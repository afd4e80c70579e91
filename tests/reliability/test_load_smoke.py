"""A tiny run of scripts/load_test.py (2 conversations x 3 messages): it works and nothing fails.

A benchmark, not a speed test: no time is asserted.
"""

import json
import subprocess
import sys

from devtools.servers import ROOT


def test_tiny_load_run_has_no_errors(servers):
    done = subprocess.run(
        [sys.executable, "-m", "scripts.load_test", "--url", servers.url, "--conversations", "2", "--messages", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    result = json.loads(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (result["messages"], result["answered"], result["errors"]) == (6, 6, 0)
    assert result["latency_ms"]["p50"] > 0 and result["throughput_msgs_per_s"] > 0


def test_load_test_refuses_a_server_off_this_machine():
    done = subprocess.run(
        [sys.executable, "-m", "scripts.load_test", "--url", "http://192.0.2.1:5005"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "loopback" in done.stderr
