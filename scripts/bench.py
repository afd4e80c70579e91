#!/usr/bin/env python3
"""`make bench`: measure the assistant on this machine; write bench/results.md and results/bench/.

    .venv/bin/python -m scripts.bench [--rounds 3] [--messages 25] [--conversations 20]

In one run:

1. Held-out NLU: `rasa test nlu` on tests/nlu_holdout.yml, summarised by
   scripts/check_nlu_results.py (accuracy, macro-F1, accuracy on 40+ word messages), the
   per-intent table from intent_report.json, and the confusion matrix image.
2. Training: a forced `rasa train` of this project (into bench/work/models) and a fresh
   `rasa init --no-prompt` starter project (which trains Rasa's default pipeline and policies),
   both timed, in the same Rasa.
3. Load, in rounds: our action server and Rasa server (devtools/servers.running_servers, SQLite
   tracker store in a scratch directory) and the starter's Rasa server (the same SQLite
   tracker store; it has no custom actions), each loaded with scripts/load_test.py with 1
   conversation of 100 messages and with N concurrent conversations of M messages, closed loop,
   on loopback. The starter gets messages it understands. Rounds alternate which server goes
   first; the report gives the median of the rounds and the ratio ours/starter.
4. Memory and start-up: peak RSS of each server during the load (VmRSS sampled from /proc)
   and over its life (VmHWM), server CPU time per message, time to ready (process start to
   the first successful webhook reply), and the model size.

It is a benchmark, not a test: it asserts nothing about speed. Every step has a timeout and
every process it starts is stopped in a finally block. Scratch files go to bench/work/
(ignored by git). The parts: this file (the steps and the run), scripts/bench_procfs.py (what
/proc says about a process and the machine), scripts/bench_report.py (medians, ratios and
bench/results.md), and devtools/servers.py (starting our servers, shared with the tests).
"""

import argparse
import asyncio
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tarfile
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from benchmark.page import git_commit  # the one "commit (with uncommitted changes)" label
from devtools.servers import BIN, MODEL, free_port, running_servers, stop_process, wait_until_up
from scripts import load_test  # the load generator; reused, not copied
from scripts.bench_procfs import RssSampler, age_seconds, children, cpu_seconds, loadavg, status_kb, system_cpu
from scripts.bench_report import median, ratio, summarise, write_markdown
from scripts.defaults_env import environment

ROOT = Path(__file__).resolve().parent.parent

# One conversation of 25 messages would make its p95 the second-worst message; 100 (the load
# test's maximum) give a p95 that one slow message cannot set alone.
SINGLE_CONVERSATION_MESSAGES = load_test.MAX_MESSAGES

BENCH = ROOT / "bench"
# What a run writes besides bench/results.md (the published page): ignored by git.
RESULTS = ROOT / "results" / "bench"
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
    "hi",
    "I am sad",
    "yes",
    "great",
    "bye",
    "hello",
    "I am feeling very good",
    "are you a bot?",
    "good morning",
    "I am unhappy",
    "of course",
    "goodbye",
    "hey there",
    "my day was horrible",
    "that sounds good",
    "amazing",
    "see you later",
    "good evening",
    "very sad",
    "indeed",
    "am I talking to a human?",
    "hey",
    "I am great",
    "bye bye",
    "have a nice day",
]


# ---------------------------------------------------------------------------------------------
# Steps


def run_step(
    name: str, args: Sequence[str], timeout: float, cwd: Path = ROOT, ok: Sequence[int] = (0,)
) -> Tuple[float, Optional[float]]:
    """Run a command to a log file in bench/work; fail loudly. Returns its wall time and the
    share of the machine's CPU that other processes used meanwhile (%)."""
    log_path = WORK / f"{name}.log"
    print(f"[bench] {name}: {' '.join(str(a) for a in args)}", flush=True)
    env = environment()
    busy_before, total_before = system_cpu()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(a) for a in args], cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
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
    seconds, _ = run_step(
        "nlu-test", [RASA, "test", "nlu", "--model", MODEL, "--nlu", HOLDOUT, "--out", out, "--successes"], NLU_TIMEOUT
    )
    # The project's own summary (and its 90% floor: exit 1 below it, which is reported, not fatal).
    code = subprocess.run(
        [PYTHON, "-m", "scripts.check_nlu_results", str(out), str(HOLDOUT)], cwd=ROOT, capture_output=True, timeout=300
    ).returncode
    if code not in (0, 1):
        raise RuntimeError(f"check_nlu_results.py exited with {code}")
    summary = json.loads((out / "summary.json").read_text())
    report = json.loads((out / "intent_report.json").read_text())
    per_intent = {
        intent: {
            "precision": round(v["precision"], 3),
            "recall": round(v["recall"], 3),
            "f1": round(v["f1-score"], 3),
            "support": v["support"],
            "confused_with": v.get("confused_with", {}),
        }
        for intent, v in sorted(report.items())
        if isinstance(v, dict) and "support" in v and intent not in ("macro avg", "weighted avg", "micro avg")
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(out / "intent_confusion_matrix.png", RESULTS / "confusion_matrix.png")
    return {
        **summary,
        "floor": 0.90,
        "floor_met": code == 0,
        "test_seconds": round(seconds, 1),
        "per_intent": per_intent,
    }


def understanding_benchmark() -> Dict:
    """The main NLU measure (scripts/evaluate_understanding.py): the sealed test half, dev, the
    held-out set, and the baselines trained beside the pipeline in the same run."""
    out = WORK / "understanding"
    run_step(
        "understanding",
        [PYTHON, "-m", "scripts.evaluate_understanding", str(MODEL), "--baselines", "--out", str(out)],
        NLU_TIMEOUT,
    )
    report = json.loads((out / "report.json").read_text())
    keep = (
        "count",
        "accuracy",
        "answered_or_offered",
        "did_you_mean",
        "false_emergency",
        "long_count",
        "long_accuracy",
        "facts",
    )
    return {
        "sets": {s["name"]: {k: s[k] for k in keep} for s in report["summaries"]},
        "baselines": report["baselines"],
        "margin": report["margin"],
    }


def encoder_benchmark() -> Dict:
    """CPU per message of the sentence encoder the topic classifier reads (one thread, as the
    server runs it), on the dev half of the real questions: the int8 ONNX graph as served, and
    the same model in numpy (float) for scale."""
    import numpy as np
    import yaml
    from threadpoolctl import threadpool_limits

    from assistant.sentence_encoder import OnnxEncoder, TransformerEncoder, minilm_dir

    texts = [q["text"] for q in yaml.safe_load((ROOT / "tests/real_questions/dev.yml").read_text())["questions"]]

    def cpu_ms(encode, sample: List[str]) -> float:
        times = []
        for text in sample:
            t0 = time.process_time()
            encode(text)
            times.append((time.process_time() - t0) * 1000)
        return round(float(np.median(times)), 3)

    served = OnnxEncoder(ROOT / "build/sentence_encoder/minilm_int8.onnx", minilm_dir() / "tokenizer.json")
    numpy_float = TransformerEncoder(minilm_dir())
    with threadpool_limits(1):
        return {
            "onnx_int8_ms_per_message": cpu_ms(served.encode, texts * 2),
            "numpy_float_ms_per_message": cpu_ms(numpy_float.encode, texts[:100]),
            "messages": len(texts),
            "median_words": int(np.median([len(t.split()) for t in texts])),
        }


def train_ours() -> Dict:
    out = WORK / "models"
    shutil.rmtree(out, ignore_errors=True)
    seconds, other = run_step(
        "train-ours",
        [
            RASA,
            "train",
            "--force",
            "--config",
            "config.yml",
            "--domain",
            "domain.yml",
            "--data",
            "data/nlu",
            "data/rules",
            "--out",
            out,
            "--fixed-model-name",
            "as-assistant",
        ],
        TRAIN_TIMEOUT,
    )
    trained = out / "as-assistant.tar.gz"
    return {
        "seconds": round(seconds, 1),
        "model_bytes": trained.stat().st_size,
        "rasa_version": model_version(trained),
        "other_processes_cpu_pct_of_machine": other,
    }


def init_starter(directory: Path) -> Dict:
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    seconds, other = run_step("starter-init", [RASA, "init", "--no-prompt", "--init-dir", directory], TRAIN_TIMEOUT)
    models = sorted((directory / "models").glob("*.tar.gz"))
    if not models:
        raise RuntimeError(f"`rasa init` trained no model in {directory / 'models'}")
    # The starter's own endpoints have no tracker store (in memory); give it ours (SQLite) so
    # both servers store conversations the same way, and only the REST channel.
    (directory / "bench-credentials.yml").write_text("rest:\n")
    return {
        "seconds": round(seconds, 1),
        "other_processes_cpu_pct_of_machine": other,
        "model": str(models[-1].relative_to(ROOT)),
        "model_bytes": models[-1].stat().st_size,
        "rasa_version": model_version(models[-1]),
    }


@contextmanager
def starter_server(directory: Path, workdir: Path) -> Iterator[Tuple[str, subprocess.Popen]]:
    port = free_port()
    endpoints = workdir / "endpoints.yml"
    # The same form of URL devtools/servers.py gives ours.
    endpoints.write_text(
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  url: sqlite:///{workdir / 'conversations.db'}\n"
    )
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    args = [
        RASA,
        "run",
        "--model",
        str(directory / "models"),
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(directory / "bench-credentials.yml"),
        "--port",
        str(port),
        "--interface",
        "127.0.0.1",
        "--enable-api",
    ]
    process = None
    try:
        with open(workdir / "rasa.log", "ab") as log:
            process = subprocess.Popen(args, cwd=directory, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url + "/", process, timeout=READY_TIMEOUT)
        yield url, process
    finally:
        stop_process(process)


def first_reply(url: str, pid: int, message: str) -> float:
    """Send one message until it is answered; return the server process's age at that moment."""
    import requests

    deadline = time.time() + READY_TIMEOUT
    while True:
        try:
            r = requests.post(
                url + "/webhooks/rest/webhook", json={"sender": f"web-{uuid.uuid4()}", "message": message}, timeout=60
            )
            if r.status_code == 200 and any(m.get("text") for m in r.json()):
                return round(age_seconds(pid), 2)
        except requests.RequestException:
            pass
        if time.time() > deadline:
            raise TimeoutError(f"{url}: no webhook reply within {READY_TIMEOUT}s")
        time.sleep(0.1)


def load(url: str, conversations: int, per_conversation: int, pids: Dict[str, int], questions: List[str]) -> Dict:
    load_test.ensure_loopback(url)
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    busy_before, total_before = system_cpu()
    self_before = sum(os.times()[:4])
    with RssSampler(pids) as sampler:
        result = asyncio.run(
            asyncio.wait_for(
                load_test.run(url, conversations, per_conversation, REQUEST_TIMEOUT, questions), LOAD_TIMEOUT
            )
        )
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


def measure(
    target: str, url: str, pids: Dict[str, int], ready_s: float, args: argparse.Namespace, questions: List[str]
) -> Dict:
    """Warm up, then the 1-conversation and the N-conversation load; memory at the end."""
    import requests

    for text in questions[:5]:  # not measured: first-use costs (caches, SQLite pages)
        requests.post(
            url + "/webhooks/rest/webhook",
            json={"sender": f"web-{uuid.uuid4()}", "message": text},
            timeout=REQUEST_TIMEOUT,
        )
    runs = {}
    for concurrency in (1, args.conversations):
        messages = SINGLE_CONVERSATION_MESSAGES if concurrency == 1 else args.messages
        print(f"[bench]   {target}: {concurrency} x {messages}", flush=True)
        runs[str(concurrency)] = load(url, concurrency, messages, pids, questions)
        r = runs[str(concurrency)]
        print(
            f"[bench]   -> {r['throughput_msgs_per_s']} msg/s, p50 {r['latency_ms']['p50']} ms, "
            f"p95 {r['latency_ms']['p95']} ms, errors {r['errors']}, other CPU "
            f"{r['other_processes_cpu_pct_of_machine']}%",
            flush=True,
        )
    return {
        "time_to_ready_s": ready_s,
        "loads": runs,
        "vm_hwm_mb": {name: round((status_kb(pid, "VmHWM") or 0) / 1024, 1) for name, pid in pids.items()},
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
        return measure("ours", servers.url, pids, ready, args, load_test.QUESTIONS)


def round_starter(number: int, directory: Path, args: argparse.Namespace) -> Dict:
    workdir = WORK / f"starter-{number}"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    print(f"[bench] round {number}: starter server", flush=True)
    with starter_server(directory, workdir) as (url, process):
        ready = first_reply(url, process.pid, "hi")
        return measure("starter", url, {"rasa": process.pid}, ready, args, STARTER_MESSAGES)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--messages", type=int, default=25, help="messages per conversation")
    parser.add_argument(
        "--reuse-training",
        action="store_true",
        help="for trying the script out: skip the timed trainings, reuse bench/work's",
    )
    args = parser.parse_args()
    if not (
        1 <= args.rounds <= 10
        and 2 <= args.conversations <= load_test.MAX_CONVERSATIONS
        and 1 <= args.messages <= load_test.MAX_MESSAGES
    ):
        parser.error("--rounds 1-10, --conversations 2-100, --messages 1-100")
    if not MODEL.exists():
        parser.error(f"{MODEL} is missing: run `make train` first")
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    WORK.mkdir(parents=True, exist_ok=True)

    started = time.time()
    meta = {
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "loadavg_start": loadavg(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "git": git_commit(ROOT),
        "rounds": args.rounds,
        "conversations": args.conversations,
        "messages": args.messages,
        "single_conversation_messages": SINGLE_CONVERSATION_MESSAGES,
    }
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            meta["cpu_model"] = line.split(":", 1)[1].strip()
            break
    meta["memory_gb"] = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    import rasa

    meta["rasa_version"] = rasa.__version__

    nlu = nlu_benchmark()
    nlu["understanding"] = understanding_benchmark()
    nlu["encoder"] = encoder_benchmark()
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
        "loads": {
            c: {
                "throughput_msgs_per_s": ratio(
                    ours["loads"][c]["throughput_msgs_per_s"], starter["loads"][c]["throughput_msgs_per_s"]
                ),
                **{k: ratio(ours["loads"][c][k], starter["loads"][c][k]) for k in ("p50", "p95", "p99")},
                "rasa_cpu_ms_per_message": ratio(
                    ours["loads"][c]["server_cpu_ms_per_message"]["rasa"],
                    starter["loads"][c]["server_cpu_ms_per_message"]["rasa"],
                ),
            }
            for c in concurrency
        },
        "rasa_peak_rss": ratio(ours["peak_rss_during_load_mb"]["rasa"], starter["peak_rss_during_load_mb"]["rasa"]),
        "rasa_vm_hwm": ratio(ours["vm_hwm_mb"]["rasa"], starter["vm_hwm_mb"]["rasa"]),
        "time_to_ready": ratio(ours["time_to_ready_s"], starter["time_to_ready_s"]),
        "training_time": ratio(training["ours"]["seconds"], training["starter"]["seconds"]),
        "model_size": ratio(MODEL.stat().st_size, training["starter"]["model_bytes"]),
    }
    others = [
        r[t]["loads"][c]["other_processes_cpu_pct_of_machine"] for r in rounds for t in r["order"] for c in concurrency
    ]
    others = [o for o in others if o is not None]
    meta.update(
        {
            "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "loadavg_end": loadavg(),
            "wall_seconds": round(time.time() - started),
            "other_cpu_pct_median": median(others),
            "other_cpu_pct_max": max(others) if others else None,
        }
    )
    results = {
        "meta": meta,
        "nlu": nlu,
        "training": training,
        "model": {"path": str(MODEL.relative_to(ROOT)), "bytes": MODEL.stat().st_size},
        "ours": ours,
        "starter": starter,
        "ratios": ratios,
        "rounds": rounds,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (BENCH / "results.md").write_text(write_markdown(results))
    print(f"[bench] wrote bench/results.md and results/bench/results.json in {meta['wall_seconds']}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
