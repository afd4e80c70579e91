"""The tests' name for devtools/servers.py, which the benchmark shares (it imports nothing from tests/)."""
from devtools.servers import BIN, MODEL, ROOT, Servers, free_port, running_servers, stop_process, wait_until_up

__all__ = ["BIN", "MODEL", "ROOT", "Servers", "free_port", "running_servers", "stop_process", "wait_until_up"]
