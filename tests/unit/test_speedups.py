"""The door (rasa_extensions.install) and the speed fixes it installs: the action-reply check
keeps Rasa's verdicts while compiling the schema only once; calls share a kept connection."""

import logging

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

import rasa_extensions
from rasa_extensions import speedups


@pytest.fixture(autouse=True)
def extensions():
    """Installed through the door, as every server does; undone afterwards for the other tests."""
    rasa_extensions.uninstall_for_tests()
    yield rasa_extensions.install()
    rasa_extensions.uninstall_for_tests()


def test_the_door_installs_each_extension_once_and_names_them_in_one_line(caplog):
    rasa_extensions.uninstall_for_tests()
    with caplog.at_level(logging.INFO, logger="rasa_extensions"):
        active = rasa_extensions.install()
        assert rasa_extensions.install() == active  # idempotent
    assert {"compiled action-reply check", "kept-alive action-server connections", "log redaction"} <= set(active)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Rasa extensions on")]
    assert len(lines) == 1 and all(name in lines[0] for name in active)
    assert RemoteAction._validate_action_result is not speedups._original


def test_valid_and_invalid_replies_are_judged_as_rasa_judges_them():
    action = RemoteAction("action_answer", None)
    assert action._validate_action_result({"events": [], "responses": [{"text": "hi"}]})
    with pytest.raises(jsonschema.ValidationError):
        action._validate_action_result({"events": "not a list"})


def test_calls_to_an_endpoint_share_one_kept_alive_connection():
    import asyncio

    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    peers = []

    async def webhook(request):
        peers.append(request.transport.get_extra_info("peername"))
        return web.json_response({"events": [], "responses": []})

    async def scenario():
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        try:
            for _ in range(3):
                assert await endpoint.request(json={}, method="post") == {"events": [], "responses": []}
            await speedups.close_shared_sessions()
            assert await endpoint.request(json={}, method="post")  # a new pool after closing
            await speedups.close_shared_sessions()
        finally:
            await runner.cleanup()

    asyncio.run(scenario())
    assert len(peers) == 4
    assert len(set(peers[:3])) == 1  # one connection for the first three calls
    assert peers[3] != peers[0]
