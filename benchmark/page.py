"""The results page, in Markdown, from scored reports. Nothing on it is typed by hand."""

import subprocess
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional, Sequence
from urllib.parse import urlparse

from benchmark.dataset import KIND_NOTES, KINDS, ROOT, Item
from benchmark import scoring
from benchmark.scoring import METRICS, TOPIC_METRICS, Report, Summary

NOT_JUDGED = "not judged"


def git_commit(root: Path = ROOT) -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return commit + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> List[str]:
    return [_row(header), _row(["---"] * len(header)), *[_row(r) for r in rows]]


def _median(value: Optional[float]) -> str:
    return NOT_JUDGED if value is None else f"{value:g}"


def data_section(items: Sequence[Item]) -> List[str]:
    collections = sorted({i.collection for i in items})
    rows = []
    for kind in KINDS:
        counts = [sum(1 for i in items if i.collection == c and kind in i.kinds) for c in collections]
        rows.append([kind, KIND_NOTES[kind], *map(str, counts), str(sum(counts))])
    totals = [sum(1 for i in items if i.collection == c) for c in collections]
    rows.append(["**all**", "", *map(str, totals), str(len(items))])
    hosts = Counter((urlparse(i.source).hostname or "").removeprefix("www.") for i in items if i.source)
    top = ", ".join(f"{host} ({n})" for host, n in hosts.most_common(10))
    return [
        "## The questions",
        "",
        "A question counts under its main kind (fact, safety, red flag, out of scope, or symptom "
        "question for the near misses) and, where it applies, also under long story and caregiver.",
        "",
        *_table(["kind", "what it means", *collections, "all"], rows),
        "",
        f"The real questions were reworded from public pages on {len(hosts)} hosts (each question's "
        f"`source`); the most frequent: {top}.",
    ]


def system_table(report: Report, metrics=METRICS) -> List[str]:
    summaries: Dict[str, Summary] = {"overall": report.overall, **report.by_collection, **report.by_kind}
    header = ["", *summaries]
    rows = [[label, *(str(s.rates[m]) for s in summaries.values())] for m, label, _ in metrics]
    rows.append(["Median grade level (Flesch-Kincaid)", *(_median(s.median_grade) for s in summaries.values())])
    rows.append(["Median length (words)", *(_median(s.median_words) for s in summaries.values())])
    rows.append(["Questions (answered)", *(f"{s.count} ({s.answered})" for s in summaries.values())])
    return _table(header, rows)


def topic_table(reports: Sequence[Report]) -> List[str]:
    groups = sorted({g for r in reports for g in r.by_topic_group})
    rows = [
        [g, *(str(r.by_topic_group[g].rates["topic_ok"]) if g in r.by_topic_group else NOT_JUDGED for r in reports)]
        for g in groups
    ]
    rows.append(["**overall**", *(str(r.overall.rates["topic_ok"]) for r in reports)])
    return _table(["topic group", *(r.name for r in reports)], rows)


def comparison_table(reports: Sequence[Report]) -> List[str]:
    labels = {m: label for m, label, _ in METRICS}
    labels["urgent_advice"] = "Red flags caught (urgent advice; for a baseline, the red-flag topic)"
    labels["no_false_alarm"] = "No false alarm on the rest (no urgent advice; for a baseline, not the red-flag topic)"
    rows = []
    for metric in TOPIC_METRICS:
        rows.append([labels[metric], *(str(r.overall.rates[metric]) for r in reports)])
    rows.append(
        [
            "Safety requests: dose or stop topic",
            *(str(r.by_kind["safety"].rates["topic_ok"]) if "safety" in r.by_kind else NOT_JUDGED for r in reports),
        ]
    )
    for metric in ("facts", "no_dose", "pointer"):
        rows.append([labels[metric], *(str(r.overall.rates[metric]) for r in reports)])
    return _table(["", *(r.name for r in reports)], rows)


def parts_table(items: Sequence[Item], reports: Sequence[Report]) -> List[str]:
    """Topic and key facts on the two parts of the real questions: the split part was seen by
    earlier work on the assistant, the new part by no one."""
    rows = []
    for part, label in (("split", "split part (seen by earlier work)"), ("new", "new part (unseen)")):
        keep = {i.id for i in items if i.collection == "real questions" and i.part == part}
        for metric, name in (("topic_ok", "topic right"), ("facts", "key facts present")):
            rows.append(
                [
                    f"{label}: {name}",
                    *(str(scoring.rate([s for s in r.scores if s.id in keep], metric)) for r in reports),
                ]
            )
    return _table(["", *(r.name for r in reports)], rows)


def red_flag_table(items: Sequence[Item], report: Report) -> List[str]:
    """Urgent advice per row of the red-flag table (the safety cases name their row)."""
    scores = {s.id: s for s in report.scores}
    flags = sorted({i.flag for i in items if i.flag})
    rows = [
        [flag, str(scoring.rate([scores[i.id] for i in items if i.flag == flag], "urgent_advice"))] for flag in flags
    ]
    return _table(["red-flag row (safety cases)", "urgent advice given"], rows)


def failures(report: Report, items: Sequence[Item]) -> List[str]:
    """Safety failures, listed by question id (the questions themselves are in the data files)."""
    by_id = {i.id: i for i in items}
    lines = []
    for s in report.scores:
        problems = []
        if s.no_dose is False:
            problems.append(f"states a dose ({s.found_dose})")
        if s.no_stop_advice is False:
            problems.append(f"stop or switch advice ({s.found_stop_advice!r})")
        if s.urgent_advice is False:
            problems.append("red flag without urgent advice")
        if s.no_false_alarm is False:
            problems.append("urgent advice to a question that reports nothing urgent")
        if problems:
            lines.append(f"- `{s.id}` ({by_id[s.id].collection}, {by_id[s.id].kind}): {'; '.join(problems)}")
    return lines or ["- none"]


def results_page(items: Sequence[Item], assistant: Report, baselines: Sequence[Report], meta: Dict) -> str:
    counts = Counter(i.collection for i in items)
    lines = [
        "# Benchmark results",
        "",
        f"Generated by `{meta['command']}` on {meta['date']} from git commit {meta['commit']}. "
        "Do not edit by hand: run the command again. The data set and what each figure means: "
        "[README.md](README.md).",
        "",
        f"{len(items)} questions: " + ", ".join(f"{n} {c}" for c, n in sorted(counts.items())) + ". "
        "Each figure is the share of the questions it applies to, with its 95% Wilson interval and "
        'the number of questions judged (n); "not judged" where no question applies or the system '
        "gives no text to judge.",
        "",
        *data_section(items),
        "",
        "## This assistant",
        "",
        *[f"- {note}" for note in meta.get("notes", [])],
        "",
        *system_table(assistant),
        "",
        "Safety failures, by question id:",
        "",
        *failures(assistant, items),
        "",
        *red_flag_table(items, assistant),
        "",
        "## The assistant beside the simple baselines",
        "",
        "The baselines are topic classifiers (scripts/nlu_baselines.py: logistic regressions on TF-IDF "
        "and MiniLM features, trained afresh on the project's training examples, no fallback, no rules). "
        "They give a topic, not an answer: for them a red flag counts as caught when they predict the "
        "red-flag topic, and every answer check is not judged.",
        "",
        *comparison_table([assistant, *baselines]),
        "",
        "### Topic right, by topic group",
        "",
        *topic_table([assistant, *baselines]),
        "",
        "### The two parts of the real questions",
        "",
        *parts_table(items, [assistant, *baselines]),
        "",
    ]
    return "\n".join(lines)


def answers_page(items: Sequence[Item], report: Report, meta: Dict) -> str:
    """The page for one set of answers (a URL run or an answers file)."""
    lines = [
        f"# Benchmark: {report.name}",
        "",
        f"Scored by `{meta['command']}` on {meta['date']} (benchmark at git commit {meta['commit']}).",
        "",
        *[f"- {note}" for note in meta.get("notes", [])],
        "",
        *system_table(report),
        "",
        "### Topic right, by topic group",
        "",
        *topic_table([report]),
        "",
        "Safety failures, by question id:",
        "",
        *failures(report, items),
        "",
    ]
    return "\n".join(lines)
