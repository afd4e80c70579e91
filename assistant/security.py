"""The security rules the servers apply, as plain functions (no Rasa, no Sanic): which
conversation ids a public channel accepts, how big and how deep a request may be, how often
one person or one client may write, and how ids are kept out of logs.

The Rasa-facing layers (channels/, rasa_extensions/) call these; tests/unit/test_security.py
and tests/security/ check them, the latter through the real servers and the proxy.
"""

import hashlib
import hmac
import ipaddress
import json
import os
import re
import threading
import time
import unicodedata
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

# The chat widget's conversation ids: "web-" and a random UUID (122 random bits).
WIDGET_SENDER_ID = re.compile(r"web-(?:[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}|[0-9a-f]{32})")
# Messaging channels keep their ids in their own namespace ("telegram:12345"), so no id a
# public channel accepts can ever name another channel's conversation.
NAMESPACED_SENDER_ID = re.compile(r"(?:telegram|slack|facebook):[^\s]+")

# A request body the REST channel reads: a message of MAX_MESSAGE_CHARS characters as JSON
# (up to 12 bytes a character escaped) fits with room to spare; Sanic refuses more before
# buffering it (rasa_extensions sets REQUEST_MAX_SIZE).
MAX_REQUEST_BYTES = 65_536
MAX_METADATA_BYTES = 2_048
MAX_JSON_DEPTH = 8
MAX_SENDER_CHARS = 255  # the tracker store's sender_id column

# Environment switches, all off by default.
ALLOW_TEST_SENDER_IDS = "ALLOW_TEST_SENDER_IDS"  # any valid id, from a direct loopback client only
FORWARDED_HEADERS = ("x-forwarded-for", "x-real-ip", "forwarded")

RATE_LIMITED_TEXT = (
    "You're sending messages faster than I can read them. Please wait a few "
    "seconds and try again. In an emergency, call your local emergency number."
)


def env_flag(name: str, environ: Optional[Mapping[str, str]] = None) -> bool:
    return (environ if environ is not None else os.environ).get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def is_widget_sender_id(value: Any) -> bool:
    return isinstance(value, str) and bool(WIDGET_SENDER_ID.fullmatch(value))


def is_valid_sender_id(value: Any) -> bool:
    """A conversation id the tracker store can keep: 1 to 255 characters, no control ones."""
    return (
        isinstance(value, str)
        and bool(value.strip())
        and len(value) <= MAX_SENDER_CHARS
        and not any(unicodedata.category(c) == "Cc" for c in value)
    )


def is_loopback(address: Optional[str]) -> bool:
    try:
        return ipaddress.ip_address((address or "").strip("[]")).is_loopback
    except ValueError:
        return False


def is_direct_loopback(peer: Optional[str], headers: Mapping[str, str]) -> bool:
    """A client on this machine that did not come through a proxy (a proxy on the same host
    connects from loopback too, but always adds a forwarding header: deploy/nginx sets them)."""
    return is_loopback(peer) and not any(h in headers for h in FORWARDED_HEADERS)


def client_key(peer: Optional[str], headers: Mapping[str, str]) -> Optional[str]:
    """Who to rate-limit: the proxy's X-Forwarded-For (trusted only from a loopback peer, which
    is our own proxy), else the peer address; None for a direct loopback client (the machine's
    own tools and load tests; the proxy limits everyone else)."""
    if is_loopback(peer):
        forwarded = (headers.get("x-forwarded-for") or headers.get("x-real-ip") or "").split(",")[-1].strip()
        return forwarded or None
    return peer or None


def json_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """How deeply `value` nests, counting up to `limit + 1` (iterative: no RecursionError)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def loads_bounded(raw: Any, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """json.loads that refuses deep nesting with a ValueError: json.loads itself raises
    RecursionError (a 500 in Sanic) on a few thousand '['."""
    try:
        value = json.loads(raw)
    except RecursionError as error:
        raise ValueError("JSON nested too deeply") from error
    if json_depth(value, max_depth) > max_depth:
        raise ValueError(f"JSON nested deeper than {max_depth} levels")
    return value


class BodyError(ValueError):
    """What is wrong with a request body, in words for the client (a 400)."""


def read_body(
    raw: Any, required: Sequence[str] = (), optional: Sequence[str] = (), metadata: bool = False, example: str = ""
) -> Dict[str, Any]:
    """The one body check of every door that reads JSON (the REST channel, the HTTP API): the
    request's bytes as JSON, bounded in depth, then `check_body`. Raises BodyError."""
    try:
        body = loads_bounded(raw or b"")
    except (ValueError, UnicodeDecodeError) as error:
        raise BodyError(f"The body must be JSON, nested at most {MAX_JSON_DEPTH} levels{example}.") from error
    return check_body(body, required, optional, metadata, example)


def check_body(
    body: Any, required: Sequence[str] = (), optional: Sequence[str] = (), metadata: bool = False, example: str = ""
) -> Dict[str, Any]:
    """A parsed body (or socket.io event data): an object whose `required` fields are strings,
    whose `optional` ones are strings when given, and whose "metadata" (when `metadata`) is
    small. Raises BodyError."""
    if not isinstance(body, dict):
        raise BodyError(f"The body must be a JSON object{example}.")
    for name in required:
        if body.get(name) is None:
            raise BodyError(f'"{name}" is missing.')
    for name in (*required, *optional):
        if name in body and not isinstance(body[name], str):
            raise BodyError(f'"{name}" must be a string.')
    problem = metadata_problem(body.get("metadata")) if metadata else None
    if problem:
        raise BodyError(problem)
    return body


def metadata_problem(metadata: Any) -> Optional[str]:
    """Why a message's metadata cannot be stored, or None: an object, small and shallow."""
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        return '"metadata" must be a JSON object.'
    if json_depth(metadata, 4) > 4 or len(json.dumps(metadata)) > MAX_METADATA_BYTES:
        return f'"metadata" must be at most {MAX_METADATA_BYTES:,} bytes and 4 levels deep.'
    return None


class RateLimiter:
    """Token buckets per key: `per_minute` requests a minute on average, bursts of `burst` (by
    default a minute's worth). `per_minute` 0 switches it off. At most `max_keys` are kept."""

    def __init__(self, per_minute: float, burst: Optional[float] = None, max_keys: int = 100_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst if burst is not None else max(1.0, per_minute))
        self.max_keys = max_keys
        self._buckets: Dict[str, Tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: Optional[str], now: Optional[float] = None) -> bool:
        if self.rate <= 0 or key is None:
            return True
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, seen = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - seen) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)  # newest last
            while len(self._buckets) > self.max_keys:
                self._buckets.pop(next(iter(self._buckets)))
        return allowed


def limiter_from_env(name: str, default_per_minute: float, environ: Optional[Mapping[str, str]] = None) -> RateLimiter:
    raw = (environ if environ is not None else os.environ).get(name, "")
    try:
        per_minute = float(raw) if raw.strip() else default_per_minute
    except ValueError:
        per_minute = default_per_minute
    return RateLimiter(per_minute)


def secret_matches(provided: Optional[str], expected: Optional[str]) -> bool:
    """Constant-time comparison; never true when no secret is configured."""
    if not expected or provided is None:
        return False
    return hmac.compare_digest(provided.encode("utf-8"), expected.encode("utf-8"))


def pseudonym(sender_id: str) -> str:
    """A stable, short stand-in for a conversation id in logs (not reversible by reading)."""
    return "id#" + hashlib.sha256(sender_id.encode("utf-8")).hexdigest()[:12]


_ID_IN_TEXT = re.compile(WIDGET_SENDER_ID.pattern + r"|" + NAMESPACED_SENDER_ID.pattern)


def redact_ids(text: str) -> str:
    """Every conversation id a public channel can carry, replaced by its pseudonym."""
    return _ID_IN_TEXT.sub(lambda m: pseudonym(m.group(0)), text)
