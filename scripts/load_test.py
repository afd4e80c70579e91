#!/usr/bin/env python3
"""A bounded load benchmark against a running Rasa server's REST webhook, on this machine only.

    .venv/bin/python -m scripts.load_test [--url http://127.0.0.1:5005] [--conversations 20]
                                          [--messages 25] [--timeout 120]

Starts N conversations at once; each sends M realistic questions one after the other (a
person waits for the answer before asking again). Prints one JSON object: the request counts,
errors (a non-200 status, no reply, a failed request or a timeout, counted by kind), the
throughput in messages per second over the whole run, and the latency percentiles in
milliseconds. It is a benchmark, not a test: it asserts nothing about speed.

It refuses a URL that is not on the loopback interface, and caps the run at 100 x 100
messages, so it cannot be pointed at someone else's server or run away.
"""

import argparse
import asyncio
import ipaddress
import json
import math
import os
import socket
import statistics
import sys
import time
import uuid
from collections import Counter
from typing import Dict, List, Optional, Sequence
from urllib.parse import urlsplit

import aiohttp

MAX_CONVERSATIONS = MAX_MESSAGES = 100

# What people ask, in their words: each conversation walks through these from a different start.
QUESTIONS = [
    "hello",
    "what is bone marrow edema?",
    "is bone marrow oedema the same as AS?",
    "what causes bone marrow edema",
    "how do they find bone marrow edema, is it an MRI?",
    "what kinds of pain do people with AS get",
    "why does my back hurt more in the morning",
    "what is ankylosing spondylitis",
    "am I at risk of osteoporosis with AS?",
    "how can I keep my bones strong",
    "what is a bone density scan",
    "what are the treatment options for AS",
    "what are NSAIDs",
    "what side effects do NSAIDs have",
    "what if NSAIDs don't work for me",
    "tell me about Enbrel",
    "what are its side effects?",
    "what is Humira",
    "how long does it take to work?",
    "what are biologics",
    "what are JAK inhibitors",
    "does exercise or physical therapy help",
    "can I have the flu vaccine on a biologic",
    "what happens during a flare",
    "thanks",
]


def ensure_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as error:
        raise SystemExit(f"{url}: cannot resolve {host!r}: {error}") from error
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        raise SystemExit(f"{url}: only a server on this machine's loopback interface may be loaded.")


def percentile(sorted_values: List[float], fraction: float) -> Optional[float]:
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, math.ceil(fraction * len(sorted_values)) - 1))  # nearest rank
    return round(sorted_values[index], 1)


async def conversation(
    session: aiohttp.ClientSession,
    webhook: str,
    number: int,
    messages: int,
    latencies: List[float],
    errors: Counter,
    questions: Sequence[str],
) -> None:
    sender = f"web-{uuid.uuid4()}"  # the widget's id: the only kind a public channel takes
    for turn in range(messages):
        text = questions[(number + turn) % len(questions)]
        started = time.perf_counter()
        try:
            async with session.post(webhook, json={"sender": sender, "message": text}) as reply:
                body = await reply.json(content_type=None) if reply.status == 200 else None
                if reply.status != 200:
                    errors[f"http_{reply.status}"] += 1
                elif not any(isinstance(m, dict) and m.get("text") for m in body or []):
                    errors["no_reply"] += 1
                else:
                    latencies.append((time.perf_counter() - started) * 1000)
        except asyncio.TimeoutError:
            errors["timeout"] += 1
        except aiohttp.ClientError as error:
            errors[type(error).__name__] += 1


async def run(
    url: str, conversations: int, messages: int, timeout: float, questions: Optional[Sequence[str]] = None
) -> Dict:
    """Each conversation walks through `questions` (default QUESTIONS) from its own start."""
    questions = questions or QUESTIONS
    webhook = url.rstrip("/") + "/webhooks/rest/webhook"
    latencies: List[float] = []
    errors: Counter = Counter()
    connector = aiohttp.TCPConnector(limit=conversations)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        started = time.perf_counter()
        await asyncio.gather(
            *(conversation(session, webhook, n, messages, latencies, errors, questions) for n in range(conversations))
        )
        duration = time.perf_counter() - started
    latencies.sort()
    total = conversations * messages
    return {
        "url": webhook,
        "conversations": conversations,
        "messages_per_conversation": messages,
        "messages": total,
        "answered": len(latencies),
        "errors": sum(errors.values()),
        "errors_by_kind": dict(errors),
        "duration_s": round(duration, 2),
        "throughput_msgs_per_s": round(total / duration, 2) if duration else None,
        "latency_ms": {
            "p50": percentile(latencies, 0.50),
            "p95": percentile(latencies, 0.95),
            "p99": percentile(latencies, 0.99),
            "max": round(latencies[-1], 1) if latencies else None,
            "mean": round(statistics.mean(latencies), 1) if latencies else None,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--url",
        default=f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}",
        help="the Rasa server (default: http://127.0.0.1:$RASA_PORT)",
    )
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--messages", type=int, default=25, help="messages per conversation")
    parser.add_argument("--timeout", type=float, default=120, help="seconds one request may take")
    args = parser.parse_args()
    if not (1 <= args.conversations <= MAX_CONVERSATIONS and 1 <= args.messages <= MAX_MESSAGES):
        parser.error(f"--conversations and --messages must be 1 to {MAX_CONVERSATIONS}")
    ensure_loopback(args.url)
    result = asyncio.run(run(args.url, args.conversations, args.messages, args.timeout))
    print(json.dumps(result, indent=2))
    sys.exit(1 if result["errors"] else 0)


if __name__ == "__main__":
    main()
