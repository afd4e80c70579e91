"""Bad input never breaks the assistant: a kind reply or a 4xx, never a 5xx or a crash.

Against the real servers, over the REST webhook (channels/rest_channel.py) and the HTTP API.
"""

import json

import pytest
import requests

from assistant.knowledge import knowledge_base
from tests.reliability.helpers import (
    MAX_MESSAGE_CHARS,
    NO_REPLY,
    TRUNCATED_NOTICE,
    bot_texts,
    post_webhook,
    socketio_say,
)
from tests.conftest import SocketioChat

# Odd but valid messages: each is answered like any other message.
ODD_MESSAGES = {
    "empty": "",
    "whitespace only": " \n\t  \r\n ",
    "emoji only": "😀🔥💊🦴",
    "arabic": "ما هو التهاب الفقار اللاصق؟",
    "hebrew": "מה זה דלקת חוליות מקשחת?",
    "control characters and NUL": "what is\x00 bone\x01 marrow\x1b[31m edema\x7f?",
    "html and script": "<script>alert('x')</script><b>what are biologics?</b><img src=x onerror=alert(1)>",
    "sql-looking": "'; DROP TABLE events; --",
    "sql in a question": "what is AS' OR '1'='1",
    "lone surrogate escape": json.loads('"\\ud83d what is AS"'),
    "slash command that is no intent": "/drop_table",
    "slash command with broken entities": '/ask_drug_info{"medication": ',
    # Under the 64 KB request cap (assistant/security.py); a bigger body is a 413.
    "40 KB of text": ("my back hurts and " * 3000)[:40_000],
}

# Bodies the webhook turns down with a 400 and a JSON error.
BAD_BODIES = {
    "message as number": {"sender": "s", "message": 42},
    "message as list": {"sender": "s", "message": ["what is AS?"]},
    "message as object": {"sender": "s", "message": {"text": "what is AS?"}},
    "message null": {"sender": "s", "message": None},
    "message missing": {"sender": "s"},
    "sender as number": {"sender": 12345, "message": "hello"},
    "sender as list": {"sender": ["s"], "message": "hello"},
    "sender missing": {"message": "hello"},
    "sender empty": {"sender": "  ", "message": "hello"},
    "sender too long": {"sender": "s" * 256, "message": "hello"},
    "sender with NUL": {"sender": "s\x00", "message": "hello"},
    "metadata not an object": {"sender": "s", "message": "hello", "metadata": "x"},
    "body a list": [{"sender": "s", "message": "hello"}],
    "body a string": "hello",
    "body a number": 7,
}

RAW_BODIES = {
    "malformed JSON": b'{"sender": "s", "message": "hel',
    "empty body": b"",
    "not JSON at all": b"sender=s&message=hello",
    "invalid UTF-8": b'{"sender": "s", "message": "\xff\xfe"}',
    "JSON null": b"null",
}

PARSE_BODIES = {
    "malformed JSON": b'{"text": "what is AS',
    "empty body": b"",
    "a list": b'["what is AS?"]',
    "text missing": b"{}",
    "text null": b'{"text": null}',
    "text a number": b'{"text": 5}',
    "text a list": b'{"text": ["a"]}',
    "invalid UTF-8": b'{"text": "\xff"}',
}


@pytest.mark.parametrize("message", ODD_MESSAGES.values(), ids=ODD_MESSAGES.keys())
def test_odd_message_gets_a_kind_reply(servers, message, new_sender):
    r = post_webhook(servers, {"sender": new_sender("rel"), "message": message})
    assert r.status_code == 200, r.text
    texts = bot_texts(r.json())
    assert texts and all(t.strip() for t in texts)
    # The guard answers even when handling the message crashed: its sentence would hide that.
    assert NO_REPLY not in texts


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_wrong_body_gets_a_400_that_says_why(servers, body):
    r = post_webhook(servers, body)
    assert r.status_code == 400, r.text
    error = r.json()
    assert error["status"] == "failure" and error["code"] == 400 and error["message"]


@pytest.mark.parametrize("raw", RAW_BODIES.values(), ids=RAW_BODIES.keys())
def test_malformed_body_gets_a_400(servers, raw):
    r = post_webhook(servers, raw=raw)
    assert r.status_code == 400, r.text
    assert "JSON" in r.json()["message"]


@pytest.mark.parametrize("raw", PARSE_BODIES.values(), ids=PARSE_BODIES.keys())
def test_parse_api_bad_body_gets_a_400(servers, raw):
    r = requests.post(
        f"{servers.url}/model/parse",
        data=raw,
        headers={"Content-Type": "application/json", **servers.api_headers},
        timeout=30,
    )
    assert r.status_code == 400, r.text
    assert r.json()["reason"] == "BadRequest"


@pytest.mark.parametrize("text", ["", "😀", "'; DROP TABLE events; --", "x" * 50_000, "hi\x00"])
def test_parse_api_odd_text_is_parsed(servers, text):
    r = requests.post(f"{servers.url}/model/parse", json={"text": text}, headers=servers.api_headers, timeout=60)
    assert r.status_code == 200, r.text
    assert "intent" in r.json()


def test_add_message_api_bad_body_gets_a_400(servers, new_sender):
    r = requests.post(
        f"{servers.url}/conversations/{new_sender('rel')}/messages",
        json={"text": 5, "sender": "user"},
        headers=servers.api_headers,
        timeout=30,
    )
    assert r.status_code == 400, r.text


def test_long_message_is_cut_for_nlu_told_and_stored_cut(servers, new_sender):
    kb = knowledge_base()
    sender = new_sender("rel")
    # Only the first question is within the limit; were the rest read, the JAK one would count.
    first = "what is bone marrow edema?"
    full = first + "\n" * MAX_MESSAGE_CHARS + "what are JAK inhibitors? " * 1000 + "THE-VERY-END"
    assert len(full) > 20_000

    r = post_webhook(servers, {"sender": sender, "message": full})
    assert r.status_code == 200, r.text
    reply = "\n".join(bot_texts(r.json()))
    assert kb.topics["ask_bme_definition"].answer in reply
    assert kb.topics["ask_jak_inhibitors"].answer not in reply
    assert bot_texts(r.json())[-1] == TRUNCATED_NOTICE.format(limit=MAX_MESSAGE_CHARS)  # told, last

    user = [e for e in servers.tracker_events(sender) if e["event"] == "user"]
    assert len(user) == 1
    # What is not read is not kept (a flood of long messages cannot fill the disk).
    assert user[0]["text"] == full[:MAX_MESSAGE_CHARS] and "THE-VERY-END" not in user[0]["text"]
    assert user[0]["parse_data"]["text"].strip() == first  # what NLU read: the first 2,000
    assert user[0]["metadata"]["truncated_to_chars"] == MAX_MESSAGE_CHARS


def test_message_at_the_limit_is_not_cut(servers, new_sender):
    text = ("what is bone marrow edema? " * 100)[:MAX_MESSAGE_CHARS]
    texts = bot_texts(post_webhook(servers, {"sender": new_sender("rel"), "message": text}).json())
    assert TRUNCATED_NOTICE.format(limit=MAX_MESSAGE_CHARS) not in texts


def test_streamed_reply_still_works(servers, new_sender):
    r = requests.post(
        f"{servers.url}/webhooks/rest/webhook",
        params={"stream": "true"},
        json={"sender": new_sender("rel"), "message": "what are biologics?"},
        timeout=60,
    )
    assert r.status_code == 200
    lines = [json.loads(line) for line in r.text.splitlines() if line.strip()]
    assert any("Source:" in m.get("text", "") for m in lines)


def test_after_all_that_it_still_answers_and_never_crashed(servers, new_sender):
    # After the bad input above, the server is the same process, and answers normally.
    kb = knowledge_base()
    assert servers.rasa.poll() is None and servers.actions.poll() is None
    reply = servers.text(new_sender("rel"), "what is bone marrow edema?")
    assert kb.topics["ask_bme_definition"].answer in reply
    log = (servers.workdir / "rasa.log").read_text(errors="replace")
    assert "Exception occurred while handling uri" not in log  # no unhandled error in Sanic
    assert "Handling a message failed" not in log  # nor one the guard caught and answered


def test_socketio_still_answers_and_cuts_long_messages_the_same_way(servers, new_sender):
    kb = knowledge_base()
    session = new_sender("sio")
    replies = [
        r.get("text", "")
        for r in socketio_say(
            servers, session, "what is bone marrow edema?", until=lambda t: any("Source:" in x for x in t)
        )
    ]
    assert kb.topics["ask_bme_definition"].answer in "\n".join(replies)

    full = "what are biologics?" + " more words" * 1000
    notice = TRUNCATED_NOTICE.format(limit=MAX_MESSAGE_CHARS)
    replies = [r.get("text", "") for r in socketio_say(servers, session, full, until=lambda t: notice in t)]
    assert replies[-1] == TRUNCATED_NOTICE.format(limit=MAX_MESSAGE_CHARS)
    user = [e for e in servers.tracker_events(session) if e["event"] == "user"]
    assert user[-1]["text"] == full[:MAX_MESSAGE_CHARS] and user[-1]["input_channel"] == "socketio"


@pytest.mark.parametrize(
    "payload",
    [
        "what is AS?",  # not an object
        {"message": 42, "session_id": "sio-bad-1"},  # message not a string
        {"message": "what is AS?"},  # no session id
        {"message": "what is AS?", "session_id": ["a"]},  # session id not a string
        None,  # no data at all
    ],
)
def test_socketio_malformed_messages_get_a_kind_reply_and_the_chat_goes_on(servers, payload, new_sender):
    kb = knowledge_base()
    unreadable, answer = kb.frame["unreadable"], kb.topics["ask_bme_definition"].answer
    with SocketioChat(servers.url) as chat:
        chat.emit("session_request", 123)  # malformed too: a new session is given
        session = new_sender("sio")
        chat.emit("session_request", {"session_id": session})
        assert chat.wait_until(lambda: chat.confirmed, 10)
        chat.emit("user_uttered", payload)
        assert chat.wait_until(lambda: chat.replies, 30), "no reply to the malformed message"
        # The chat goes on; the same socket delivers in order, so anything else said about the
        # malformed message would arrive before this answer.
        chat.emit("user_uttered", {"message": "what is bone marrow edema?", "session_id": session})
        assert chat.wait_until(lambda: any(answer in t for t in chat.texts()), 60), chat.texts()
    texts = chat.texts()
    assert texts[0] == unreadable and unreadable not in texts[1:], texts
