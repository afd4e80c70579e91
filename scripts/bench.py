#!/usr/bin/env python3
"""`make bench`: measure the assistant on this machine and write bench/results.md and .json.

    .venv/bin/python scripts/bench.py [--rounds 3] [--messages 25] [--conversations 20]

In one run:

1. Held-out NLU: `rasa test nlu` on tests/nlu_holdout.yml, summarised by
   scripts/check_nlu_results.py (accuracy, macro-F1, accuracy on 40+ word messages), the
   per-intent table from intent_report.json, and the confusion matrix image.
2. Training: a forced `rasa train` of this project (into bench/work/models) and a fresh
   `rasa init --no-prompt` starter project (which trains Rasa's default pipeline and policies),
   both timed, in the same Rasa.
3. Load, in rounds: our action server and Rasa server (tests/servers.running_servers, SQLite
   tracker store in a scratch directory) and the starter's Rasa server (the same SQLite
   tracker store; it has no custom actions), each loaded with scripts/load_test.py with 1 and
   with N concurrent conversations of M messages, closed loop, on loopback. The starter gets
   messages it understands. Rounds alternate which server goes first; the report gives the
   median of the rounds and the ratio ours/starter.
4. Memory and start-up: peak RSS of each server during the load (VmRSS sampled from /proc)
   and over its life (VmHWM), server CPU time per message, time to ready (process start to
   the first successful webhook reply), and the model size.

It is a benchmark, not a test: it asserts nothing about speed. Every step has a timeout and
every process it starts is stopped in a finally block. Scratch files go to bench/work/
(ignored by git).
"""
import argparse
import asyncio
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import load_test  # noqa: E402  (the load generator; reused, not copied)
from scripts.settings import environment  # noqa: E402
from tests.servers import BIN, MODEL, free_port, running_servers, wait_until_up  # noqa: E402

BENCH = ROOT / "bench"
WORK = BENCH / "work"
RASA = str(BIN / "rasa")
PYTHON = str(BIN / "python")
HOLDOUT = ROOT / "tests" / "nlu_holdout.yml"

NLU_TIMEOUT = 1800  # seconds, each subprocess step
TRAIN_TIMEOUT = 2400
LOAD_TIMEOUT = 900  # one load run, all conversations together
REQUEST_TIMEOUT = 120  # one message
READY_TIMEOUT = 180

# Messages Rasa's starter project (`rasa init`) understands, from its data/nlu.yml, in the
# order of its stories (greet, mood, did-that-help answer, goodbye, bot challenge). Every one
# gets a reply from whichever message a conversation starts: the starter answers a "no" after
# "did that help?" with silence (its policies predict listening), so there is no "no" here.
STARTER_MESSAGES = [
    "hi", "I am sad", "yes", "great", "bye",
    "hello", "I am feeling very good", "are you a bot?", "good morning", "I am unhappy",
    "of course", "goodbye", "hey there", "my day was horrible", "that sounds good",
    "amazing", "see you later", "good evening", "very sad", "indeed",
    "am I talking to a human?", "hey", "I am great", "bye bye", "have a nice day",
]

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------------
# /proc readers (psutil is not a project dependency)

def _status_kb(pid: int, field: str) -> Optional[int]:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def _stat_fields(pid: int) -> Optional[List[str]]:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields from 3 (state) on; the name may hold spaces


def cpu_seconds(pid: int) -> Optional[float]:
    """User + system CPU time of one process."""
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS if fields else None


def age_seconds(pid: int) -> Optional[float]:
    """Seconds since the process started (kernel start time, 1/CLK_TCK resolution)."""
    fields = _stat_fields(pid)
    if not fields:
        return None
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return uptime - int(fields[19]) / CLOCK_TICKS


def children(pid: int) -> List[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields and int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def system_cpu() -> Tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already counted in user
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


def loadavg() -> List[float]:
    return [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]


class RssSampler:
    """Samples VmRSS of some processes in a thread; keeps the peak of each (MB)."""

    def __init__(self, pids: Dict[str, int], interval: float = 0.2) -> None:
        self.pids, self.interval = pids, interval
        self.peak_kb: Dict[str, int] = {name: 0 for name in pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in self.pids.items():
                self.peak_kb[name] = max(self.peak_kb[name], _status_kb(pid, "VmRSS") or 0)
            self._stop.wait(self.interval)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def peak_mb(self) -> Dict[str, float]:
        return {name: round(kb / 1024, 1) for name, kb in self.peak_kb.items()}


# ---------------------------------------------------------------------------------------------
# Steps

def run_step(name: str, args: Sequence[str], timeout: float, cwd: Path = ROOT,
             ok: Sequence[int] = (0,)) -> Tuple[float, Optional[float]]:
    """Run a command to a log file in bench/work; fail loudly. Returns its wall time and the
    share of the machine's CPU that other processes used meanwhile (%)."""
    log_path = WORK / f"{name}.log"
    print(f"[bench] {name}: {' '.join(str(a) for a in args)}", flush=True)
    env = environment()
    busy_before, total_before = system_cpu()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with open(log_path, "wb") as log:
        process = subprocess.Popen([str(a) for a in args], cwd=cwd, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            code = process.wait(timeout=timeout)
        finally:
            if process.poll() is None:  # timed out or interrupted: stop it and its children
                os.killpg(process.pid, 15)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, 9)
                    process.wait()
    elapsed = time.perf_counter() - started
    busy, total = system_cpu()
    busy, total = busy - busy_before, total - total_before
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    step_cpu = (used.ru_utime - children_before.ru_utime) + (used.ru_stime - children_before.ru_stime)
    other = round(100 * max(busy - step_cpu, 0) / total, 1) if total else None
    if code not in ok:
        tail = log_path.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{name} exited with {code} (log: {log_path}):\n{tail}")
    print(f"[bench] {name}: {elapsed:.1f}s (other processes: {other}% of the machine's CPU)", flush=True)
    return elapsed, other


def model_version(model: Path) -> Optional[str]:
    with tarfile.open(model) as archive:
        for member in archive.getmembers():
            if member.name.lstrip("./") == "metadata.json":  # not components/.../*metadata.json
                return json.load(archive.extractfile(member)).get("rasa_open_source_version")
    return None


def nlu_benchmark() -> Dict:
    out = WORK / "nlu"
    shutil.rmtree(out, ignore_errors=True)
    seconds, _ = run_step("nlu-test", [RASA, "test", "nlu", "--model", MODEL, "--nlu", HOLDOUT,
                                    "--out", out, "--successes"], NLU_TIMEOUT)
    # The project's own summary (and its 90% floor: exit 1 below it, which is reported, not fatal).
    code = subprocess.run([PYTHON, "scripts/check_nlu_results.py", str(out), str(HOLDOUT)], cwd=ROOT,
                          capture_output=True, timeout=300).returncode
    if code not in (0, 1):
        raise RuntimeError(f"check_nlu_results.py exited with {code}")
    summary = json.loads((out / "summary.json").read_text())
    report = json.loads((out / "intent_report.json").read_text())
    per_intent = {
        intent: {"precision": round(v["precision"], 3), "recall": round(v["recall"], 3),
                 "f1": round(v["f1-score"], 3), "support": v["support"],
                 "confused_with": v.get("confused_with", {})}
        for intent, v in sorted(report.items())
        if isinstance(v, dict) and "support" in v and intent not in ("macro avg", "weighted avg", "micro avg")
    }
    shutil.copyfile(out / "intent_confusion_matrix.png", BENCH / "confusion_matrix.png")
    return {**summary, "floor": 0.90, "floor_met": code == 0, "test_seconds": round(seconds, 1),
            "per_intent": per_intent}


def train_ours() -> Dict:
    out = WORK / "models"
    shutil.rmtree(out, ignore_errors=True)
    seconds, other = run_step("train-ours", [RASA, "train", "--force", "--config", "config.yml", "--domain",
                                      "domain.yml", "--data", "data/nlu", "data/rules", "--out", out,
                                      "--fixed-model-name", "as-assistant"], TRAIN_TIMEOUT)
    trained = out / "as-assistant.tar.gz"
    return {"seconds": round(seconds, 1), "model_bytes": trained.stat().st_size,
            "rasa_version": model_version(trained), "other_processes_cpu_pct_of_machine": other}


def init_starter(directory: Path) -> Dict:
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    seconds, other = run_step("starter-init", [RASA, "init", "--no-prompt", "--init-dir", directory],
                       TRAIN_TIMEOUT)
    models = sorted((directory / "models").glob("*.tar.gz"))
    if not models:
        raise RuntimeError(f"`rasa init` trained no model in {directory / 'models'}")
    # The starter's own endpoints have no tracker store (in memory); give it ours (SQLite) so
    # both servers store conversations the same way, and only the REST channel.
    (directory / "bench-credentials.yml").write_text("rest:\n")
    return {"seconds": round(seconds, 1), "other_processes_cpu_pct_of_machine": other,
            "model": str(models[-1].relative_to(ROOT)),
            "model_bytes": models[-1].stat().st_size, "rasa_version": model_version(models[-1])}


def stop(process: Optional[subprocess.Popen]) -> None:
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def starter_server(directory: Path, workdir: Path) -> Iterator[Tuple[str, subprocess.Popen]]:
    port = free_port()
    endpoints = workdir / "endpoints.yml"
    # The same form of URL tests/servers.py gives ours.
    endpoints.write_text("tracker_store:\n  type: SQL\n  dialect: sqlite\n"
                         f"  url: sqlite:///{workdir / 'conversations.db'}\n")
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    args = [RASA, "run", "--model", str(directory / "models"), "--endpoints", str(endpoints),
            "--credentials", str(directory / "bench-credentials.yml"), "--port", str(port),
            "--interface", "127.0.0.1", "--enable-api"]
    process = None
    try:
        with open(workdir / "rasa.log", "ab") as log:
            process = subprocess.Popen(args, cwd=directory, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url + "/", process, timeout=READY_TIMEOUT)
        yield url, process
    finally:
        stop(process)


def first_reply(url: str, pid: int, message: str) -> float:
    """Send one message until it is answered; return the server process's age at that moment."""
    import requests

    deadline = time.time() + READY_TIMEOUT
    while True:
        try:
            r = requests.post(url + "/webhooks/rest/webhook", json={"sender": "bench-ready", "message": message},
                              timeout=60)
            if r.status_code == 200 and any(m.get("text") for m in r.json()):
                return round(age_seconds(pid), 2)
        except requests.RequestException:
            pass
        if time.time() > deadline:
            raise TimeoutError(f"{url}: no webhook reply within {READY_TIMEOUT}s")
        time.sleep(0.1)


@contextmanager
def messages(questions: List[str]) -> Iterator[None]:
    """load_test's conversations walk through its module-level QUESTIONS; swap them for a while."""
    saved = load_test.QUESTIONS
    load_test.QUESTIONS = questions
    try:
        yield
    finally:
        load_test.QUESTIONS = saved


def load(url: str, conversations: int, per_conversation: int, pids: Dict[str, int]) -> Dict:
    load_test.ensure_loopback(url)
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    busy_before, total_before = system_cpu()
    self_before = sum(os.times()[:4])
    with RssSampler(pids) as sampler:
        result = asyncio.run(asyncio.wait_for(
            load_test.run(url, conversations, per_conversation, REQUEST_TIMEOUT), LOAD_TIMEOUT))
    busy, total = system_cpu()
    busy, total = busy - busy_before, total - total_before
    self_cpu = sum(os.times()[:4]) - self_before
    server_cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
    sent = max(result["messages"], 1)
    result["server_cpu_ms_per_message"] = {name: round(1000 * s / sent, 1) for name, s in server_cpu.items()}
    result["peak_rss_mb"] = sampler.peak_mb()
    # CPU used by everything else on the machine during the run: the noise indicator.
    other = busy - sum(server_cpu.values()) - self_cpu
    result["other_processes_cpu_pct_of_machine"] = round(100 * max(other, 0) / total, 1) if total else None
    result["machine_cpu_busy_pct"] = round(100 * busy / total, 1) if total else None
    return result


def measure(target: str, url: str, pids: Dict[str, int], ready_s: float, args: argparse.Namespace,
            warmup: List[str]) -> Dict:
    """Warm up, then the 1-conversation and the N-conversation load; memory at the end."""
    import requests

    for n, text in enumerate(warmup):  # not measured: first-use costs (caches, SQLite pages)
        requests.post(url + "/webhooks/rest/webhook", json={"sender": "bench-warmup", "message": text},
                      timeout=REQUEST_TIMEOUT)
    runs = {}
    for concurrency in (1, args.conversations):
        print(f"[bench]   {target}: {concurrency} x {args.messages}", flush=True)
        runs[str(concurrency)] = load(url, concurrency, args.messages, pids)
        r = runs[str(concurrency)]
        print(f"[bench]   -> {r['throughput_msgs_per_s']} msg/s, p50 {r['latency_ms']['p50']} ms, "
              f"p95 {r['latency_ms']['p95']} ms, errors {r['errors']}, other CPU "
              f"{r['other_processes_cpu_pct_of_machine']}%", flush=True)
    return {
        "time_to_ready_s": ready_s,
        "loads": runs,
        "vm_hwm_mb": {name: round((_status_kb(pid, "VmHWM") or 0) / 1024, 1) for name, pid in pids.items()},
        "children": {name: len(children(pid)) for name, pid in pids.items()},
        "loadavg_after": loadavg(),
    }


def round_ours(number: int, args: argparse.Namespace) -> Dict:
    workdir = WORK / f"ours-{number}"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    print(f"[bench] round {number}: our servers", flush=True)
    env = {"TRACKER_STORE_DIALECT": "sqlite", "LOCK_STORE_TYPE": "in_memory"}
    with running_servers(workdir, env=env) as servers:
        pids = {"rasa": servers.rasa.pid, "actions": servers.actions.pid}
        ready = first_reply(servers.url, servers.rasa.pid, "what is bone marrow edema?")
        with messages(load_test.QUESTIONS):
            return measure("ours", servers.url, pids, ready, args, load_test.QUESTIONS[:5])


def round_starter(number: int, directory: Path, args: argparse.Namespace) -> Dict:
    workdir = WORK / f"starter-{number}"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    print(f"[bench] round {number}: starter server", flush=True)
    with starter_server(directory, workdir) as (url, process):
        ready = first_reply(url, process.pid, "hi")
        with messages(STARTER_MESSAGES):
            return measure("starter", url, {"rasa": process.pid}, ready, args, STARTER_MESSAGES[:5])


# ---------------------------------------------------------------------------------------------
# Summary

def median(values: List[Optional[float]]) -> Optional[float]:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 2) if values else None


def ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    return round(a / b, 2) if a is not None and b else None


def summarise(rounds: List[Dict], concurrency: List[str]) -> Dict:
    out: Dict = {"time_to_ready_s": median([r["time_to_ready_s"] for r in rounds]), "loads": {}}
    for c in concurrency:
        runs = [r["loads"][c] for r in rounds]
        out["loads"][c] = {
            "throughput_msgs_per_s": median([x["throughput_msgs_per_s"] for x in runs]),
            **{k: median([x["latency_ms"][k] for x in runs]) for k in ("p50", "p95", "p99", "mean")},
            "errors_total": sum(x["errors"] for x in runs),
            "server_cpu_ms_per_message": {
                name: median([x["server_cpu_ms_per_message"][name] for x in runs])
                for name in runs[0]["server_cpu_ms_per_message"]},
            "peak_rss_mb": {name: median([x["peak_rss_mb"][name] for x in runs]) for name in runs[0]["peak_rss_mb"]},
            "other_processes_cpu_pct_of_machine": median([x["other_processes_cpu_pct_of_machine"] for x in runs]),
        }
    out["peak_rss_during_load_mb"] = {
        name: median([max(r["loads"][c]["peak_rss_mb"][name] for c in concurrency) for r in rounds])
        for name in rounds[0]["vm_hwm_mb"]}
    out["vm_hwm_mb"] = {name: median([r["vm_hwm_mb"][name] for r in rounds]) for name in rounds[0]["vm_hwm_mb"]}
    return out


def fmt(value, suffix: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        text = f"{value:,.2f}" if abs(value) < 10 else f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"
    else:
        text = f"{value:,}"
    return text + suffix


def pct(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.1f}%"


def write_markdown(results: Dict) -> str:
    meta, nlu = results["meta"], results["nlu"]
    ours, starter, ratios = results["ours"], results["starter"], results["ratios"]
    n = str(meta["conversations"])
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (scripts/bench.py) on {meta['finished']}; git {meta['git']}. "
        f"Raw numbers: [results.json](results.json).",
        "",
        f"Machine: {meta['cpus']} CPUs ({meta['cpu_model']}), {meta['memory_gb']} GB RAM, "
        f"Python {meta['python']}, Rasa {meta['rasa_version']}. Load average at start "
        f"{meta['loadavg_start']}, at end {meta['loadavg_end']}.",
        "",
        f"**Caveat:** this machine is shared and noisy; other processes used a median of "
        f"{pct(meta['other_cpu_pct_median'])} (max {pct(meta['other_cpu_pct_max'])}) of all CPUs during the load "
        "runs (see the last column of the rounds table), and the load generator runs on the same "
        "CPUs as the servers. Compare the ratios more than the absolute numbers; figures are "
        f"medians of {meta['rounds']} rounds.",
        "",
        "## Key figures",
        "",
        "| | ours | starter (`rasa init`) | ours / starter |",
        "| --- | ---: | ---: | ---: |",
    ]

    def row(label: str, a, b, r, suffix: str = "") -> None:
        lines.append(f"| {label} | {fmt(a, suffix)} | {fmt(b, suffix)} | {fmt(r)}{'×' if r is not None else ''} |")

    for c in ("1", n):
        oa, sa = ours["loads"][c], starter["loads"][c]
        rc = ratios["loads"][c]
        label = f"{c} conversation{'s' if c != '1' else ''}"
        row(f"throughput, {label} (msg/s)", oa["throughput_msgs_per_s"], sa["throughput_msgs_per_s"],
            rc["throughput_msgs_per_s"])
        for k in ("p50", "p95", "p99"):
            row(f"latency {k}, {label} (ms)", oa[k], sa[k], rc[k])
        row(f"Rasa server CPU per message, {label} (ms)", oa["server_cpu_ms_per_message"]["rasa"],
            sa["server_cpu_ms_per_message"]["rasa"], rc["rasa_cpu_ms_per_message"])
    row(f"action server CPU per message, {n} conversations (ms)",
        ours["loads"][n]["server_cpu_ms_per_message"]["actions"], None, None)
    row("Rasa server peak RSS during load (MB)", ours["peak_rss_during_load_mb"]["rasa"],
        starter["peak_rss_during_load_mb"]["rasa"], ratios["rasa_peak_rss"])
    row("Rasa server VmHWM, whole life (MB)", ours["vm_hwm_mb"]["rasa"], starter["vm_hwm_mb"]["rasa"],
        ratios["rasa_vm_hwm"])
    row("action server peak RSS during load (MB)", ours["peak_rss_during_load_mb"]["actions"], None, None)
    row("action server VmHWM (MB)", ours["vm_hwm_mb"]["actions"], None, None)
    row("time to ready: start → first webhook reply (s)", ours["time_to_ready_s"], starter["time_to_ready_s"],
        ratios["time_to_ready"])
    row("training time, from scratch (s)", results["training"]["ours"]["seconds"],
        results["training"]["starter"]["seconds"], ratios["training_time"])
    row("model size (MB)", round(results["model"]["bytes"] / 1e6, 1),
        round(results["training"]["starter"]["model_bytes"] / 1e6, 1), ratios["model_size"])
    errors = {t: sum(results[t]["loads"][c]["errors_total"] for c in ("1", n)) for t in ("ours", "starter")}
    lines += [
        "",
        f"Errors during the load (non-200, no reply, timeouts), all rounds: ours {errors['ours']}, "
        f"starter {errors['starter']}.",
        "",
        "## NLU on the held-out set",
        "",
        f"`rasa test nlu` on `tests/nlu_holdout.yml` ({nlu['examples']} examples, written apart from the "
        "training data), summarised by `scripts/check_nlu_results.py`.",
        "",
        "| | |",
        "| --- | ---: |",
        f"| intent accuracy | {nlu['accuracy']:.1%} (floor {nlu['floor']:.0%}: {'met' if nlu['floor_met'] else 'NOT met'}) |",
        f"| macro-F1 | {nlu['macro_f1']:.3f} |",
        f"| accuracy on 40+ word messages ({nlu['long_examples']} examples) | "
        f"{fmt(None) if nlu['long_accuracy'] is None else format(nlu['long_accuracy'], '.1%')} |",
        "",
        "![intent confusion matrix](confusion_matrix.png)",
        "",
        "| intent | precision | recall | F1 | support | confused with |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for intent, v in sorted(nlu["per_intent"].items(), key=lambda kv: (kv[1]["f1"], kv[0])):
        confused = ", ".join(f"{k} ({c})" for k, c in v["confused_with"].items())
        lines.append(f"| {intent} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} | {confused} |")
    lines += [
        "",
        "## Rounds",
        "",
        "| round | server | conversations | msg/s | p50 ms | p95 ms | p99 ms | errors | Rasa CPU ms/msg | "
        "other processes' CPU |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for number, rnd in enumerate(results["rounds"], 1):
        for target in rnd["order"]:
            for c, r in rnd[target]["loads"].items():
                lines.append(
                    f"| {number} | {target} | {c} | {fmt(r['throughput_msgs_per_s'])} | {fmt(r['latency_ms']['p50'])} | "
                    f"{fmt(r['latency_ms']['p95'])} | {fmt(r['latency_ms']['p99'])} | {r['errors']} | "
                    f"{fmt(r['server_cpu_ms_per_message']['rasa'])} | {pct(r['other_processes_cpu_pct_of_machine'])} |")
    lines += [
        "",
        "## Method",
        "",
        f"- **Load**: `scripts/load_test.py` (closed loop: each conversation waits for the answer "
        f"before sending its next message), 1 and {n} concurrent conversations × {meta['messages']} "
        "messages, on 127.0.0.1, after 5 unmeasured warm-up messages. Ours gets the load test's "
        "AS questions, the starter its own kinds of message (greetings, moods, yes, goodbye, are you a bot). "
        "Latency is per message, client side; throughput is messages over the run's wall time.",
        "- **Servers**: ours via `tests/servers.running_servers` (action server + `rasa run` with "
        "`endpoints.yml`, SQLite tracker store in a fresh directory, in-memory lock store); the "
        "starter's `rasa run` with the same kind of SQLite tracker store and only the REST channel "
        "(its stories need no action server). Rounds alternate which goes first. Each server is "
        "started fresh every round.",
        "- **Memory**: peak of VmRSS sampled every 0.2 s from /proc during the load runs, and "
        "VmHWM (the process's lifetime peak, model loading included) at the end of the round. "
        "Server CPU per message is the process's user+system time over the run divided by the "
        "messages sent; it is less sensitive to other load than latency.",
        "- **Time to ready**: the Rasa server process's age (from /proc) when its first webhook "
        "message is answered; the first message is sent once `/` answers (polled every 0.5 s).",
        f"- **Training**: `rasa train --force` of this project into bench/work/models "
        f"({fmt(round(results['training']['ours']['model_bytes'] / 1e6, 1))} MB model), and `rasa init "
        "--no-prompt` (Rasa's default pipeline and policies, trained from scratch), timed wall clock, "
        f"both trained by Rasa {results['training']['ours']['rasa_version']} (read from each model's "
        "metadata). Model size is that of models/as-assistant.tar.gz. One run each, not medians; other "
        f"processes used {pct(results['training']['ours'].get('other_processes_cpu_pct_of_machine'))} of "
        "the machine's CPU during our training and "
        f"{pct(results['training']['starter'].get('other_processes_cpu_pct_of_machine'))} during the "
        "starter's.",
    ]
    return "\n".join(lines) + "\n"


def git_describe() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=30).stdout.strip()
        return commit + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--messages", type=int, default=25, help="messages per conversation")
    parser.add_argument("--reuse-training", action="store_true",
                        help="for trying the script out: skip the timed trainings, reuse bench/work's")
    args = parser.parse_args()
    if not (1 <= args.rounds <= 10 and 2 <= args.conversations <= load_test.MAX_CONVERSATIONS
            and 1 <= args.messages <= load_test.MAX_MESSAGES):
        parser.error("--rounds 1-10, --conversations 2-100, --messages 1-100")
    if not MODEL.exists():
        parser.error(f"{MODEL} is missing: run `make train` first")
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    WORK.mkdir(parents=True, exist_ok=True)

    started = time.time()
    meta = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "loadavg_start": loadavg(),
            "cpus": os.cpu_count(), "python": platform.python_version(), "git": git_describe(),
            "rounds": args.rounds, "conversations": args.conversations, "messages": args.messages}
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            meta["cpu_model"] = line.split(":", 1)[1].strip()
            break
    meta["memory_gb"] = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    import rasa

    meta["rasa_version"] = rasa.__version__

    nlu = nlu_benchmark()
    starter_dir = WORK / "starter"
    saved = WORK / "training.json"
    if args.reuse_training and saved.exists():
        training = json.loads(saved.read_text())
    else:
        training = {"ours": train_ours(), "starter": init_starter(starter_dir)}
        saved.write_text(json.dumps(training, indent=2))
    for name, info in training.items():
        if info["rasa_version"] != rasa.__version__:
            raise RuntimeError(f"{name} model trained with Rasa {info['rasa_version']}, not {rasa.__version__}")

    rounds = []
    for number in range(1, args.rounds + 1):
        order = ["ours", "starter"] if number % 2 else ["starter", "ours"]
        rnd: Dict = {"order": order, "loadavg_before": loadavg()}
        for target in order:
            rnd[target] = round_ours(number, args) if target == "ours" else round_starter(number, starter_dir, args)
        rounds.append(rnd)

    concurrency = ["1", str(args.conversations)]
    ours = summarise([r["ours"] for r in rounds], concurrency)
    starter = summarise([r["starter"] for r in rounds], concurrency)
    ratios = {
        "loads": {c: {
            "throughput_msgs_per_s": ratio(ours["loads"][c]["throughput_msgs_per_s"],
                                           starter["loads"][c]["throughput_msgs_per_s"]),
            **{k: ratio(ours["loads"][c][k], starter["loads"][c][k]) for k in ("p50", "p95", "p99")},
            "rasa_cpu_ms_per_message": ratio(ours["loads"][c]["server_cpu_ms_per_message"]["rasa"],
                                             starter["loads"][c]["server_cpu_ms_per_message"]["rasa"]),
        } for c in concurrency},
        "rasa_peak_rss": ratio(ours["peak_rss_during_load_mb"]["rasa"], starter["peak_rss_during_load_mb"]["rasa"]),
        "rasa_vm_hwm": ratio(ours["vm_hwm_mb"]["rasa"], starter["vm_hwm_mb"]["rasa"]),
        "time_to_ready": ratio(ours["time_to_ready_s"], starter["time_to_ready_s"]),
        "training_time": ratio(training["ours"]["seconds"], training["starter"]["seconds"]),
        "model_size": ratio(MODEL.stat().st_size, training["starter"]["model_bytes"]),
    }
    others = [r[t]["loads"][c]["other_processes_cpu_pct_of_machine"] for r in rounds for t in r["order"]
              for c in concurrency]
    others = [o for o in others if o is not None]
    meta.update({"finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                 "loadavg_end": loadavg(), "wall_seconds": round(time.time() - started),
                 "other_cpu_pct_median": median(others), "other_cpu_pct_max": max(others) if others else None})
    results = {"meta": meta, "nlu": nlu, "training": training,
               "model": {"path": str(MODEL.relative_to(ROOT)), "bytes": MODEL.stat().st_size},
               "ours": ours, "starter": starter, "ratios": ratios, "rounds": rounds}
    (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (BENCH / "results.md").write_text(write_markdown(results))
    print(f"[bench] wrote bench/results.md and bench/results.json in {meta['wall_seconds']}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
