"""Where answers come from: a REST bot by URL, or a JSONL file of answers from any chatbot.

Both give the same records, one per question: {"id", "answer", "topic"} ("topic" only when the
bot reports one). A run against a URL writes them as an answers file, so it can be scored again
with `python -m benchmark answers`.
"""

import json
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

from benchmark.dataset import Item

FALLBACK_TOPIC = "nlu_fallback"  # what the assistant's parse names a "did you mean" question


def new_sender_id() -> str:
    """A fresh conversation id in the chat widget's own format ("web-" and a random UUID,
    web/widget.js newSenderId), the only ids the assistant's REST channel accepts from the web."""
    return f"web-{uuid.uuid4()}"


def _retry_after(header: Optional[str], default: float) -> float:
    try:
        return min(float(header), 60.0) if header else default
    except ValueError:  # an HTTP date: not worth parsing for a pause
        return default


class BotError(RuntimeError):
    """The bot could not be asked: unreachable, refused the request, or not a REST channel."""


class RestBot:
    """A Rasa (or Rasa-compatible) REST channel: POST {url}/webhooks/rest/webhook.

    Each question goes to a new conversation. The topic is asked from the Rasa HTTP API
    (POST {url}/model/parse) only when an API token is given (RASA_API_TOKEN), sent as a
    bearer header; a bot may also report one itself in a reply's `custom` payload
    ({"custom": {"topic": ...}}).
    """

    def __init__(self, url: str, token: Optional[str] = None, timeout: float = 60, retries: int = 8) -> None:
        import requests

        self.url = url.rstrip("/")
        self.token = token or None
        self.timeout = timeout
        self.retries = retries
        self.session = requests.Session()

    def _post(self, path: str, body: Dict, headers: Optional[Dict[str, str]] = None):
        import requests

        for attempt in range(self.retries + 1):
            try:
                response = self.session.post(self.url + path, json=body, headers=headers or {}, timeout=self.timeout)
            except requests.RequestException as error:
                raise BotError(f"could not reach {self.url}{path}: {error}") from error
            if response.status_code == 429 and attempt < self.retries:  # rate limited: wait and retry
                time.sleep(_retry_after(response.headers.get("Retry-After"), min(2**attempt, 30)))
                continue
            if response.status_code in (401, 403) and path == "/model/parse":
                raise BotError(
                    f"{self.url}/model/parse refused the API token (HTTP {response.status_code}): "
                    "check RASA_API_TOKEN, or unset it to score the answers only"
                )
            if response.status_code >= 400:
                raise BotError(f"{self.url}{path} answered HTTP {response.status_code}: {response.text[:200]}")
            try:
                return response.json()
            except ValueError as error:
                raise BotError(f"{self.url}{path} did not answer JSON") from error
        raise BotError(f"{self.url}{path}: still rate limited after {self.retries} retries")

    def reply(self, text: str) -> Dict:
        sender = new_sender_id()
        messages = self._post("/webhooks/rest/webhook", {"sender": sender, "message": text}) or []
        texts = [m["text"] for m in messages if isinstance(m, dict) and m.get("text")]
        topic = next(
            (
                m["custom"]["topic"]
                for m in messages
                if isinstance(m, dict) and isinstance(m.get("custom"), dict) and m["custom"].get("topic")
            ),
            None,
        )
        return {"messages": texts, "topic": topic}

    def parse_topic(self, text: str) -> Optional[str]:
        if not self.token:
            return None
        parse = self._post("/model/parse", {"text": text}, {"Authorization": f"Bearer {self.token}"})
        return (parse.get("intent") or {}).get("name") or FALLBACK_TOPIC

    def ask(self, items: Sequence[Item], progress: Optional[Callable[[int, int], None]] = None) -> List[Dict]:
        records = []
        for number, item in enumerate(items, 1):
            got = self.reply(item.text)
            topic = self.parse_topic(item.text) or got["topic"]
            records.append({"id": item.id, "messages": got["messages"], "topic": topic})
            if progress:
                progress(number, len(items))
        return records


def greeting(records: Sequence[Dict], share: float = 0.9) -> Optional[str]:
    """A first message the bot sends at the start of (nearly) every conversation, whatever was
    asked: a greeting or disclaimer, reported once and not counted in the answers."""
    firsts = Counter(r["messages"][0] for r in records if len(r["messages"]) > 1)
    if not firsts or len(records) < 5:
        return None
    text, count = firsts.most_common(1)[0]
    return text if count >= share * len(records) else None


def to_answers(records: Sequence[Dict], drop: Optional[str] = None) -> List[Dict]:
    """Records as answers ({"id", "answer", "topic"}), without the greeting `drop`."""
    answers = []
    for r in records:
        messages = list(r["messages"])
        if drop is not None and messages and messages[0] == drop:
            messages = messages[1:]
        answer = {"id": r["id"], "answer": "\n\n".join(messages)}
        if r.get("topic"):
            answer["topic"] = r["topic"]
        answers.append(answer)
    return answers


def write_answers(path: Path, answers: Sequence[Dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for answer in answers:
            out.write(json.dumps(answer, ensure_ascii=False) + "\n")


class AnswersFileError(ValueError):
    pass


def read_answers(path: Path, items: Sequence[Item]) -> Dict[str, Dict]:
    """id -> {"answer", "topic"} from a JSONL file. Unknown or repeated ids are an error (a
    typo would otherwise score as a missing answer); questions without a line count as unanswered."""
    known = {item.id for item in items}
    answers: Dict[str, Dict] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise AnswersFileError(f"{path}:{number}: not JSON ({error.msg})") from error
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            raise AnswersFileError(f'{path}:{number}: each line must be an object with an "id" and an "answer"')
        if record["id"] not in known:
            raise AnswersFileError(f"{path}:{number}: unknown question id {record['id']!r}")
        if record["id"] in answers:
            raise AnswersFileError(f"{path}:{number}: a second answer for {record['id']}")
        answer = record.get("answer")
        if answer is not None and not isinstance(answer, str):
            raise AnswersFileError(f'{path}:{number}: "answer" must be a string')
        topic = record.get("topic")
        answers[record["id"]] = {"answer": answer or "", "topic": topic if isinstance(topic, str) and topic else None}
    return answers
