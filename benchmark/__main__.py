"""python -m benchmark: score a chatbot on the open axSpA benchmark.

    python -m benchmark questions --out questions.jsonl     # the questions, with their ids
    python -m benchmark answers my_answers.jsonl            # score an answers file
    python -m benchmark url http://localhost:5005           # ask a REST bot, then score it
    python -m benchmark publish                             # serve this assistant, score it and
                                                            # the baselines: benchmark/results.md

`url` asks the Rasa HTTP API for the topic only when RASA_API_TOKEN is set.
"""

import argparse
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from benchmark import clients, page, scoring
from benchmark.dataset import ROOT, Item, load_items

RESULTS_PAGE = Path(__file__).resolve().parent / "results.md"
DEFAULT_OUT = ROOT / "results" / "benchmark"


def _progress(done: int, total: int) -> None:
    if done % 25 == 0 or done == total:
        print(f"  {done}/{total}", file=sys.stderr, flush=True)


def _meta(command: str, notes: Sequence[str] = ()) -> Dict:
    return {"command": command, "date": page.now(), "commit": page.git_commit(), "notes": list(notes)}


def _write(out: Path, report: scoring.Report, markdown: str, answers: Optional[List[Dict]] = None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(markdown, encoding="utf-8")
    scores = {"summary": report.as_dict(), "answers": [s.as_dict() for s in report.scores]}
    (out / "scores.json").write_text(json.dumps(scores, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if answers is not None:
        clients.write_answers(out / "answers.jsonl", answers)
    print(f"wrote {out / 'report.md'} and {out / 'scores.json'}", file=sys.stderr)


def _print_overall(report: scoring.Report) -> None:
    print(f"{report.name}: {report.overall.count} questions, {report.overall.answered} answered")
    for metric, label, _ in scoring.METRICS:
        print(f"  {label}: {report.overall.rates[metric]}")
    print(f"  Median grade level: {report.overall.median_grade}; median length: {report.overall.median_words:g} words")


def ask_bot(url: str, items: Sequence[Item], token: Optional[str]) -> tuple:
    """(answers, notes) from a REST bot; the greeting, if any, is taken out and noted."""
    bot = clients.RestBot(url, token)
    print(
        f"asking {url} {len(items)} questions, one new conversation each"
        + (" (topics from /model/parse)" if token else " (no RASA_API_TOKEN: answer checks only)"),
        file=sys.stderr,
    )
    records = bot.ask(items, _progress)
    greeting = clients.greeting(records)
    notes = []
    if greeting:
        notes.append(f"Every conversation opened with the same message, not counted in the answers: “{greeting}”")
    if not token:
        notes.append("No API token was given, so the topic was not asked: topic figures are not judged.")
    return clients.to_answers(records, greeting), notes


def cmd_questions(args) -> int:
    items = load_items()
    lines = [
        json.dumps({"id": i.id, "text": i.text, "kind": i.kind, "collection": i.collection}, ensure_ascii=False)
        for i in items
    ]
    text = "\n".join(lines) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {len(items)} questions to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_answers(args) -> int:
    items = load_items()
    try:
        answers = clients.read_answers(Path(args.file), items)
    except clients.AnswersFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    name = args.name or Path(args.file).stem
    report = scoring.report(name, items, scoring.score_all(items, answers))
    notes = [f"{len(answers)} of {len(items)} questions have an answer in {args.file}; the others count as unanswered."]
    meta = _meta(f"python -m benchmark answers {args.file}", notes)
    _write(Path(args.out), report, page.answers_page(items, report, meta))
    _print_overall(report)
    return 0


def cmd_url(args) -> int:
    items = load_items()
    if args.limit:
        items = items[: args.limit]
    token = os.environ.get("RASA_API_TOKEN") or None
    try:
        answers, notes = ask_bot(args.url, items, token)
    except clients.BotError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    report = scoring.report(args.name or args.url, items, scoring.score_all(items, {a["id"]: a for a in answers}))
    meta = _meta(f"python -m benchmark url {args.url}", notes)
    _write(Path(args.out), report, page.answers_page(items, report, meta), answers)
    _print_overall(report)
    return 0


def cmd_publish(args) -> int:
    """Start this assistant as `make run` does (devtools/servers.py), score it and the baselines,
    and write benchmark/results.md."""
    import tempfile

    from benchmark.baselines import baseline_topics
    from devtools.servers import MODEL, running_servers

    items = load_items()
    if not MODEL.exists():
        print("No trained model: run `make train` first (make benchmark does).", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="benchmark-") as workdir:
        # No per-client rate limit: every question comes from this one client, on loopback.
        with running_servers(Path(workdir), env={"RATE_LIMIT_PER_CLIENT": "0"}) as servers:
            token = servers.api_token  # the HTTP API is on behind this token, for /model/parse
            answers, notes = ask_bot(servers.url, items, token)
    assistant = scoring.report("this assistant", items, scoring.score_all(items, {a["id"]: a for a in answers}))
    trained = datetime.fromtimestamp(MODEL.stat().st_mtime, timezone.utc)
    notes.append(
        f"Model: {MODEL.relative_to(ROOT)} (file dated {trained:%Y-%m-%d %H:%M UTC}), "
        "served by devtools/servers.py as the tests serve it; topics from the HTTP API's /model/parse."
    )
    print("training the baselines (scripts/nlu_baselines.py)", file=sys.stderr)
    baselines = [
        scoring.report(name, items, scoring.score_topics(items, topics))
        for name, topics in baseline_topics(items).items()
    ]
    markdown = page.results_page(items, assistant, baselines, _meta("make benchmark", notes))
    Path(args.page).write_text(markdown, encoding="utf-8")
    print(f"wrote {args.page}", file=sys.stderr)
    _write(Path(args.out), assistant, page.answers_page(items, assistant, _meta("make benchmark", notes)), answers)
    _print_overall(assistant)
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmark", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)

    questions = commands.add_parser("questions", help="write the questions with their ids (JSONL)")
    questions.add_argument("--out", help="file to write (default: standard output)")
    questions.set_defaults(run=cmd_questions)

    answers = commands.add_parser("answers", help='score a JSONL file of {"id": ..., "answer": ...} lines')
    answers.add_argument("file")
    answers.add_argument("--name", help="the system's name in the report (default: the file name)")
    answers.add_argument("--out", default=str(DEFAULT_OUT / "answers"), help="where report.md and scores.json go")
    answers.set_defaults(run=cmd_answers)

    url = commands.add_parser("url", help="ask a Rasa-style REST bot every question, then score it")
    url.add_argument("url", help="the bot's base URL, e.g. http://localhost:5005")
    url.add_argument("--name", help="the system's name in the report (default: the URL)")
    url.add_argument("--limit", type=int, default=0, help="only the first N questions (a quick try)")
    url.add_argument(
        "--out", default=str(DEFAULT_OUT / "url"), help="where answers.jsonl, report.md and scores.json go"
    )
    url.set_defaults(run=cmd_url)

    publish = commands.add_parser("publish", help="serve this assistant, score it and the baselines")
    publish.add_argument("--page", default=str(RESULTS_PAGE), help="the results page to write")
    publish.add_argument("--out", default=str(DEFAULT_OUT / "assistant"), help="where the raw answers and scores go")
    publish.set_defaults(run=cmd_publish)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
