"""Every piece of this project that reaches into Rasa, Sanic, structlog or python-socketio, behind one door.

`install()` is that door. It checks that Rasa and rasa-sdk are the versions these extensions
were written for, switches on the process-wide ones once, and logs one line naming every
active extension. It is idempotent, and every piece of ours that Rasa loads calls it, so none
of them can run without the others:

- `rasa run` (make run, the tests, a plain `rasa run`): `RasaExtensions`, the first entry in
  credentials.yml, calls `install(app)` when Rasa mounts it on its web server; with the app it
  also adds the app-level extensions (the HTTP API body check, the garbage-collector freeze
  once started, closing kept connections at stop) and logs the line once the server has
  started, when every channel and store has been created. Our chat channels call `install()`
  too, and warn when the app-level extensions are missing;
- `rasa shell` (make shell) and any other Rasa process that reads endpoints.yml: the tracker
  and lock stores call `install()` when Rasa creates them;
- the action server (`rasa run actions`): rasa-sdk's plugin hook (rasa_sdk_plugins/) calls
  `install_action_server(app)`: the knowledge base is checked and the collector frozen at start.

| extension | module | what it changes | Rasa internals (CODE-REVIEW P#) |
| --- | --- | --- | --- |
| compiled action-reply check | speedups.py | RemoteAction._validate_action_result | P1 |
| kept-alive action-server connections | speedups.py | EndpointConfig.session | P2 |
| garbage-collector freeze after start | __init__.py | gc, after_server_start | P3 |
| log redaction | privacy.py | structlog's processors, one warning | P4 |
| socket.io payload check | socketio_handlers.py | python-socketio's handler table | P5 |
| HTTP API token and body check | api_guard.py | a Sanic request middleware | P6 |
| request size cap | __init__.py | Sanic's REQUEST_MAX_SIZE | P10 |
| conversation ids out of logs | privacy.py | a logging filter on the root handlers | P4 |
| message guard | channels/guard.py | agent, processor, lock store | P7 |
| cached SQL tracker store | tracker_store.py | SQLTrackerStore | P8 |
| atomic lock store | lock_store.py | RedisLockStore, InMemoryLockStore | P9 |

tests/unit/test_rasa_contract.py pins every internal in the last column: after an upgrade it
fails in seconds, naming what moved. Only then change SUPPORTED below.
"""

import gc
import logging
import os
from typing import Any, Dict, List

logger = logging.getLogger(__name__)

# Package -> the version prefix these extensions were written and tested against.
SUPPORTED = {"rasa": "3.6.", "rasa_sdk": "3.6."}

_installed: List[str] = []  # process-wide extensions, in the order installed
_active: Dict[str, None] = {}  # every extension on in this process (an ordered set)
_state = {"logged": False, "app": False}  # the line is written; a server app will write it


class UnsupportedVersion(RuntimeError):
    pass


def versions() -> Dict[str, str]:
    import rasa
    import rasa_sdk

    return {"rasa": rasa.__version__, "rasa_sdk": rasa_sdk.__version__}


def check_versions() -> Dict[str, str]:
    """The installed versions; UnsupportedVersion when one is not what the extensions expect."""
    found = versions()
    wrong = {name: v for name, v in found.items() if not v.startswith(SUPPORTED[name])}
    if wrong:
        raise UnsupportedVersion(
            f"rasa_extensions supports {SUPPORTED} but found {wrong}. Run "
            "tests/unit/test_rasa_contract.py against the new version, adapt what it names, "
            "then update rasa_extensions.SUPPORTED."
        )
    return found


def mark_active(name: str) -> None:
    """Record an extension that switches itself on (a channel, a store) for the log line."""
    if name in _active:
        return
    _active[name] = None
    if _state["logged"]:  # created after the line was written (rasa shell: the lock store)
        logger.info("Rasa extension on: %s", name)


def active() -> List[str]:
    return list(_active)


def install(app: Any = None) -> List[str]:
    """Check versions and switch on the process-wide extensions (once); given the Rasa
    server's Sanic app, also the app-level ones (once per app). Returns what is active."""
    found = check_versions()
    if not _installed:
        from rasa_extensions import privacy, speedups

        speedups.install()
        privacy.install()
        _installed.extend(
            [
                "compiled action-reply check",
                "kept-alive action-server connections",
                "log redaction",
                "conversation ids out of logs",
            ]
        )
        for name in _installed:
            mark_active(name)
    if app is not None:
        _install_on_app(app, found)
    elif not _state["logged"] and not _state["app"]:
        _log(found)
    return active()


def request_max_bytes() -> int:
    from assistant.security import MAX_REQUEST_BYTES

    try:
        return int(os.environ.get("RASA_REQUEST_MAX_BYTES") or MAX_REQUEST_BYTES)
    except ValueError:
        return MAX_REQUEST_BYTES


def _log(found: Dict[str, str]) -> None:
    _state["logged"] = True
    logger.info("Rasa extensions on (rasa %s, rasa-sdk %s): %s.", found["rasa"], found["rasa_sdk"], "; ".join(active()))


def _install_on_app(app: Any, found: Dict[str, str]) -> None:
    if getattr(app.ctx, "rasa_extensions", False):
        return
    app.ctx.rasa_extensions = True
    _state["app"] = True
    from rasa_extensions import api_guard, speedups

    app.register_middleware(api_guard.api_body_guard, "request")
    mark_active("HTTP API token and body check")
    # Sanic refuses a bigger body with a 413 before reading it (its default is 100 MB, all
    # buffered in memory before any check of ours runs).
    app.config.REQUEST_MAX_SIZE = request_max_bytes()
    mark_active(f"request size cap ({app.config.REQUEST_MAX_SIZE:,} bytes)")

    async def freeze_and_log(_app: Any, _loop: Any) -> None:
        # The model, channels and stores are loaded by now.
        from rasa_extensions import privacy

        privacy.filter_root_handlers()  # handlers added since install() get the id filter too
        freeze_startup_objects()
        _log(found)

    async def close_connections(_app: Any, _loop: Any) -> None:
        await speedups.close_shared_sessions()

    app.register_listener(freeze_and_log, "after_server_start")
    app.register_listener(close_connections, "before_server_stop")
    mark_active("garbage-collector freeze after start")


# No full garbage collection through everything loaded at start.
#
# A full (oldest-generation) collection walks every object in the process; with Rasa, its
# libraries and the model loaded that took about 245 ms, twice in a 500-message load run, and
# every conversation waited at the same moment: it was the whole p95 tail. What is alive once
# the server is ready stays alive for its lifetime, so it is moved out of the collector's
# sight (gc.freeze); later collections walk only what came after.
def freeze_startup_objects() -> None:
    gc.collect()
    gc.freeze()


def install_action_server(app: Any) -> None:
    """The action server's start-up: see action_server.py."""
    from rasa_extensions import action_server

    check_versions()
    action_server.attach(app)


def uninstall_for_tests() -> None:
    """Undo the process-wide patches (unit tests only)."""
    from rasa_extensions import privacy, speedups

    speedups.uninstall()
    privacy.uninstall()
    _installed.clear()
    _active.clear()
    _state.update(logged=False, app=False)
