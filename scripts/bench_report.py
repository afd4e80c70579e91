"""scripts/bench.py's summary: medians of the rounds, ratios to the starter, bench/results.md."""

import statistics
from typing import Dict, List, Optional


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
                for name in runs[0]["server_cpu_ms_per_message"]
            },
            "peak_rss_mb": {name: median([x["peak_rss_mb"][name] for x in runs]) for name in runs[0]["peak_rss_mb"]},
            "other_processes_cpu_pct_of_machine": median([x["other_processes_cpu_pct_of_machine"] for x in runs]),
        }
    out["peak_rss_during_load_mb"] = {
        name: median([max(r["loads"][c]["peak_rss_mb"][name] for c in concurrency) for r in rounds])
        for name in rounds[0]["vm_hwm_mb"]
    }
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
        f"Raw numbers: `results/bench/results.json` (written by the run, not committed).",
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
        row(
            f"throughput, {label} (msg/s)",
            oa["throughput_msgs_per_s"],
            sa["throughput_msgs_per_s"],
            rc["throughput_msgs_per_s"],
        )
        for k in ("p50", "p95", "p99"):
            row(f"latency {k}, {label} (ms)", oa[k], sa[k], rc[k])
        row(
            f"Rasa server CPU per message, {label} (ms)",
            oa["server_cpu_ms_per_message"]["rasa"],
            sa["server_cpu_ms_per_message"]["rasa"],
            rc["rasa_cpu_ms_per_message"],
        )
    row(
        f"action server CPU per message, {n} conversations (ms)",
        ours["loads"][n]["server_cpu_ms_per_message"]["actions"],
        None,
        None,
    )
    row(
        "Rasa server peak RSS during load (MB)",
        ours["peak_rss_during_load_mb"]["rasa"],
        starter["peak_rss_during_load_mb"]["rasa"],
        ratios["rasa_peak_rss"],
    )
    row(
        "Rasa server VmHWM, whole life (MB)",
        ours["vm_hwm_mb"]["rasa"],
        starter["vm_hwm_mb"]["rasa"],
        ratios["rasa_vm_hwm"],
    )
    row("action server peak RSS during load (MB)", ours["peak_rss_during_load_mb"]["actions"], None, None)
    row("action server VmHWM (MB)", ours["vm_hwm_mb"]["actions"], None, None)
    row(
        "time to ready: start → first webhook reply (s)",
        ours["time_to_ready_s"],
        starter["time_to_ready_s"],
        ratios["time_to_ready"],
    )
    row(
        "training time, from scratch (s)",
        results["training"]["ours"]["seconds"],
        results["training"]["starter"]["seconds"],
        ratios["training_time"],
    )
    row(
        "model size (MB)",
        round(results["model"]["bytes"] / 1e6, 1),
        round(results["training"]["starter"]["model_bytes"] / 1e6, 1),
        ratios["model_size"],
    )
    errors = {t: sum(results[t]["loads"][c]["errors_total"] for c in ("1", n)) for t in ("ours", "starter")}
    lines += [
        "",
        f"Errors during the load (non-200, no reply, timeouts), all rounds: ours {errors['ours']}, "
        f"starter {errors['starter']}.",
        "",
        "## Understanding real questions",
        "",
        "`scripts/evaluate_understanding.py` (as `make test-nlu`): the whole NLU pipeline as served. The result is "
        "the sealed test half (`tests/real_questions/test.yml`, only scored); dev (`tests/real_questions/dev.yml`) "
        "is where anything is tuned.",
        "",
        "| set | questions | intent | answered or offered | did you mean | emergency, not urgent | long (25+ words) "
        "| facts in the answer |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *[
            f"| {name} | {u['count']} | {u['accuracy']:.1%} | {u['answered_or_offered']:.1%} | {u['did_you_mean']:.1%} "
            f"| {u['false_emergency']:.1%} | {u['long_accuracy']:.1%} ({u['long_count']}) "
            f"| {pct(None if u['facts'] is None else 100 * u['facts'])} |"
            for name, u in nlu["understanding"]["sets"].items()
        ],
        "",
        "Baselines trained on the same data in the same run (top intent, no fallback, no rules):",
        "",
        *[
            f"- {name}: " + ", ".join(f"{s} {v:.1%}" for s, v in scores.items())
            for name, scores in nlu["understanding"]["baselines"].items()
        ],
        f"- the pipeline minus the best baseline on the sealed test half: {nlu['understanding']['margin']:+.1%}",
        "",
        f"Sentence encoder, CPU per message (one thread, median over the dev half, "
        f"{nlu['encoder']['median_words']} words): int8 ONNX graph as served "
        f"{nlu['encoder']['onnx_int8_ms_per_message']} ms, every message (the same model in numpy, float: "
        f"{nlu['encoder']['numpy_float_ms_per_message']} ms).",
        "",
        "## NLU on the held-out set",
        "",
        f"`rasa test nlu` on `tests/nlu_holdout.yml` ({nlu['examples']} examples, written apart from the "
        "training data), summarised by `scripts/check_nlu_results.py`.",
        "",
        "| | |",
        "| --- | ---: |",
        f"| intent accuracy | {nlu['accuracy']:.1%} "
        f"(floor {nlu['floor']:.0%}: {'met' if nlu['floor_met'] else 'NOT met'}) |",
        f"| macro-F1 | {nlu['macro_f1']:.3f} |",
        f"| accuracy on 40+ word messages ({nlu['long_examples']} examples) | "
        f"{fmt(None) if nlu['long_accuracy'] is None else format(nlu['long_accuracy'], '.1%')} |",
        "",
        "The confusion matrix: `results/bench/confusion_matrix.png` (written by the run, not committed).",
        "",
        "| intent | precision | recall | F1 | support | confused with |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for intent, v in sorted(nlu["per_intent"].items(), key=lambda kv: (kv[1]["f1"], kv[0])):
        confused = ", ".join(f"{k} ({c})" for k, c in v["confused_with"].items())
        lines.append(
            f"| {intent} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} | {confused} |"
        )
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
                    f"| {number} | {target} | {c} | {fmt(r['throughput_msgs_per_s'])} | "
                    f"{fmt(r['latency_ms']['p50'])} | "
                    f"{fmt(r['latency_ms']['p95'])} | {fmt(r['latency_ms']['p99'])} | {r['errors']} | "
                    f"{fmt(r['server_cpu_ms_per_message']['rasa'])} | {pct(r['other_processes_cpu_pct_of_machine'])} |"
                )
    lines += [
        "",
        "## Method",
        "",
        f"- **Load**: `scripts/load_test.py` (closed loop: each conversation waits for the answer "
        f"before sending its next message): 1 conversation of {meta['single_conversation_messages']} "
        f"messages (so that its p95 is not just the second-worst message), and {n} concurrent "
        f"conversations × {meta['messages']} "
        "messages, on 127.0.0.1, after 5 unmeasured warm-up messages. Ours gets the load test's "
        "AS questions, the starter its own kinds of message (greetings, moods, yes, goodbye, are you a bot). "
        "Latency is per message, client side; throughput is messages over the run's wall time.",
        "- **Servers**: ours via `devtools/servers.running_servers` (action server + `rasa run` with "
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
