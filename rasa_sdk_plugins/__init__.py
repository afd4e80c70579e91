"""rasa-sdk's plugin package: rasa-sdk 3.6 imports it by this name when the action server starts.

It only hands the action server's web app to rasa_extensions (see rasa_extensions/action_server.py).
"""

import sys
from typing import Any

import pluggy

hookimpl = pluggy.HookimplMarker("rasa_sdk")


@hookimpl
def attach_sanic_app_extensions(app: Any) -> None:
    import rasa_extensions

    rasa_extensions.install_action_server(app)


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(sys.modules[__name__])
