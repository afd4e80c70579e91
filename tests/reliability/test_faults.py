"""Faults: with the action server down the person gets a short reply, never silence, and the
conversation goes on normally once it is back (channels/guard.py).

A restart of the Rasa server mid-conversation is tested in tests/server/test_rest_conversation.py.
"""

from contextlib import contextmanager

import pytest

from assistant.knowledge import knowledge_base
from devtools.servers import Servers
from tests.reliability.helpers import NO_REPLY, bot_texts, socketio_say

# A pair of its own: these tests stop the action server.
OWN_SERVERS = {"env": {"LOG_LEVEL": "INFO"}}

RED_FLAG = "I suddenly have a painful red eye"


@contextmanager
def action_server_down(servers):
    servers.stop_actions()
    try:
        yield
    finally:
        servers.start_actions()


def test_question_while_actions_are_down_gets_a_short_reply_then_answers_again(own_servers, new_sender):
    kb = knowledge_base()
    sender = new_sender("fault")
    assert "Source:" in own_servers.text(sender, "what are biologics?")

    with action_server_down(own_servers):
        assert bot_texts(own_servers.say(sender, "what is bone marrow edema?")) == [NO_REPLY]
        # The conversation is not stuck while it lasts: Rasa's own responses still work.
        assert "What would you like to know" in own_servers.text(sender, "hello")
        assert bot_texts(own_servers.say(sender, "what are NSAIDs?")) == [NO_REPLY]

    assert kb.topics["ask_bme_definition"].answer in own_servers.text(sender, "what is bone marrow edema?")
    fallbacks = [e for e in own_servers.tracker_events(sender) if e["event"] == "bot" and e["text"] == NO_REPLY]
    assert len(fallbacks) == 2 and all(e["metadata"]["fallback"] == "no_reply" for e in fallbacks)


def test_red_flag_while_actions_are_down_still_gets_urgent_advice(own_servers, new_sender):
    kb = knowledge_base()
    sender = new_sender("fault")
    own_servers.text(sender, "hello")
    with action_server_down(own_servers):
        assert bot_texts(own_servers.say(sender, RED_FLAG)) == [kb.frame["red_flag_unspecified"]]
    assert "eye doctor today" in own_servers.text(sender, RED_FLAG)


def test_first_message_while_actions_are_down_then_the_session_starts_properly(own_servers, new_sender):
    # The session start itself runs on the action server; its failure used to leave the
    # conversation stuck for good (no rule applied, then Rasa's action limit tripped).
    kb = knowledge_base()
    sender = new_sender("fault")
    with action_server_down(own_servers):
        assert bot_texts(own_servers.say(sender, "tell me about Enbrel")) == [NO_REPLY]

    texts = bot_texts(own_servers.say(sender, "tell me about Enbrel"))
    assert texts[0] == kb.frame["session_notice"]  # the notice comes first, as for anyone new
    assert "Etanercept" in "\n".join(texts)
    assert "Etanercept" in own_servers.text(sender, "what are its side effects?")


def test_socketio_gets_the_short_reply_too(own_servers, new_sender):
    session = new_sender("fault-sio")
    assert socketio_say(own_servers, session, "hello")
    with action_server_down(own_servers):
        replies = socketio_say(own_servers, session, "what are biologics?")
    assert [r.get("text") for r in replies] == [NO_REPLY]
    replies = socketio_say(own_servers, session, "what are biologics?", until=lambda t: any("Source:" in x for x in t))
    assert any("Source:" in r.get("text", "") for r in replies)


def test_several_workers_with_an_in_memory_lock_refuse_to_start(tmp_path):
    # Each worker would keep its own locks and could handle one conversation twice at once.
    servers = Servers(tmp_path, env={"LOCK_STORE_TYPE": "in_memory", "SANIC_WORKERS": "2"})
    try:
        with pytest.raises(RuntimeError):
            servers.start_rasa()
    finally:
        servers.stop()
    assert "set LOCK_STORE_TYPE=redis" in (tmp_path / "rasa.log").read_text()
