#!/usr/bin/env python3
"""Delete the conversations whose last event is older than N days from the SQL tracker store.

    .venv/bin/python -m scripts.purge_conversations --older-than-days 30 [--dry-run]
    make purge DAYS=30

It purges the store the servers use: it reads `tracker_store` from the endpoints file make gives
the servers (ENDPOINTS, endpoints.env.yml) with the same environment (defaults.env, then the
environment wins; scripts/defaults_env.py), so SQLite by
default and PostgreSQL with the scale-out variables. A conversation is deleted whole, all its
sessions, and only when its newest event is older than the cut-off; one that is still in use
keeps everything. Prints what it did as one line of JSON; sender ids are not printed. On SQLite
the deleted rows are overwritten and the file compacted (VACUUM), so no copy stays on disk. The
Rasa server runs the same purge on a schedule (RETENTION_DAYS, default 30).
"""

import argparse
import json
import os
import warnings
from pathlib import Path
from typing import Any, Dict, Optional

from scripts.defaults_env import environment

ROOT = Path(__file__).resolve().parent.parent

SECONDS_PER_DAY = 24 * 60 * 60  # as rasa_extensions.retention


def is_sql_store(type_name: str) -> bool:
    """Rasa's "SQL" type, or a store class built on SQLTrackerStore (stores/tracker_store.py)."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.utils.common import class_from_module_path

    if type_name.lower() == "sql":
        return True
    try:
        store_class = class_from_module_path(type_name)
    except (ImportError, AttributeError):
        return False
    return isinstance(store_class, type) and issubclass(store_class, SQLTrackerStore)


def tracker_store_engine(endpoints: Optional[Path] = None) -> Any:
    """An SQLAlchemy engine for the endpoints file's tracker store (by default ENDPOINTS, the
    servers' one), as Rasa builds it."""
    os.environ.update(environment())  # the file's ${VARS} are read from os.environ
    endpoints = (endpoints or ROOT / os.environ["ENDPOINTS"]).resolve()
    # Rasa's imports warn about their own dependencies (and change the filters while doing so);
    # this tool prints one line of JSON, so they are kept quiet here, and only here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
        from rasa.utils.endpoints import read_endpoint_config
    import sqlalchemy as sa

    config = read_endpoint_config(str(endpoints), "tracker_store")
    if config is None or not is_sql_store(config.type or ""):
        raise SystemExit(f"{endpoints}: the tracker store is not an SQL store; nothing to purge.")
    kwargs: Dict[str, Any] = config.kwargs
    url = SQLTrackerStore.get_db_url(
        kwargs.get("dialect", "sqlite"),
        config.url,
        kwargs.get("port"),
        kwargs.get("db", "rasa.db"),
        kwargs.get("username"),
        kwargs.get("password"),
        query=kwargs.get("query"),
    )
    return sa.create_engine(url, **create_engine_kwargs(url))


def purge(engine: Any, older_than_days: float, dry_run: bool = False) -> Dict[str, Any]:
    """See rasa_extensions/retention.py (the servers' schedule uses the same function)."""
    from rasa_extensions import retention

    return retention.purge(engine, older_than_days, dry_run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--older-than-days",
        type=float,
        required=True,
        help="delete conversations whose last event is older than this many days",
    )
    parser.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    parser.add_argument("--endpoints", type=Path, help="default: ENDPOINTS (endpoints.env.yml)")
    args = parser.parse_args()
    if args.older_than_days <= 0:
        parser.error("--older-than-days must be more than 0")
    os.chdir(ROOT)  # a relative SQLite path means the same file the servers use
    engine = tracker_store_engine(args.endpoints)
    try:
        print(json.dumps(purge(engine, args.older_than_days, args.dry_run)))
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
