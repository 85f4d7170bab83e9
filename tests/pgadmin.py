"""Create or drop a PostgreSQL database: ``python -m tests.pgadmin create|drop URL NAME``."""

from __future__ import annotations

import re
import sys

import psycopg

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _admin_conninfo(url: str) -> str:
    # postgresql+psycopg://user@host:port[/db] -> postgresql://user@host:port/postgres
    url = url.replace("postgresql+psycopg://", "postgresql://", 1)
    base = url.split("/", 3)
    return "/".join(base[:3]) + "/postgres"


def create(url: str, name: str) -> None:
    if not _NAME.match(name):
        raise SystemExit(f"bad database name {name!r}")
    with psycopg.connect(_admin_conninfo(url), autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")


def drop(url: str, name: str) -> None:
    if not _NAME.match(name):
        raise SystemExit(f"bad database name {name!r}")
    with psycopg.connect(_admin_conninfo(url), autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    command, url, name = sys.argv[1:4]
    {"create": create, "drop": drop}[command](url, name)
    print(f"{ {'create': 'created', 'drop': 'dropped'}.get(command, command) } database {name}")
