"""The ledger's settings: the database URL (as the library's persistence settings), the
signing key and the checkpoint origin."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlparse

DEFAULT_DATABASE_URL = "sqlite:///./ledger.db"


class DatabaseUrlError(ValueError):
    pass


@dataclass(frozen=True)
class Database:
    url: str
    backend: str  # "sqlite" or "postgresql"
    env: dict[str, str]

    @property
    def display(self) -> str:
        """The URL without its password, fit for /health and logs."""
        parsed = urlparse(self.url)
        if parsed.password:
            netloc = parsed.netloc.replace(f":{parsed.password}@", ":***@")
            return parsed._replace(netloc=netloc).geturl()
        return self.url


def database_url() -> str:
    return os.environ.get("LEDGER_DATABASE_URL") or DEFAULT_DATABASE_URL


def parse_database_url(url: str) -> Database:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return Database(url, "sqlite", _sqlite_env(url))
    if parsed.scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        return Database(url, "postgresql", _postgres_env(url))
    msg = f"LEDGER_DATABASE_URL must start with sqlite:/// or postgresql://, not {url!r}"
    raise DatabaseUrlError(msg)


def _sqlite_env(url: str) -> dict[str, str]:
    path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else ""
    if not path:
        msg = f"a SQLite URL names a file, e.g. sqlite:///./ledger.db, not {url!r}"
        raise DatabaseUrlError(msg)
    if path == ":memory:":
        # A shared in-memory database, so every pooled connection sees the same data.
        path = "file:ledger?mode=memory&cache=shared"
    return {"PERSISTENCE_MODULE": "store.sqlite:Factory", "SQLITE_DBNAME": path}


def _postgres_env(url: str) -> dict[str, str]:
    parsed = urlparse(url)
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    dbname = parsed.path.lstrip("/")
    if not dbname:
        msg = f"a PostgreSQL URL names a database, e.g. postgresql://user@host/ledger, not {url!r}"
        raise DatabaseUrlError(msg)
    env = {
        "PERSISTENCE_MODULE": "store.postgres:Factory",
        "POSTGRES_DBNAME": unquote(dbname),
        "POSTGRES_HOST": parsed.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parsed.port or 5432),
        "POSTGRES_USER": unquote(parsed.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parsed.password or ""),
    }
    if "schema" in query:
        env["POSTGRES_SCHEMA"] = query["schema"]
    # A wrong host or port fails within seconds, not the library's 30.
    env["POSTGRES_CONNECT_TIMEOUT"] = query.get("connect_timeout", str(CONNECT_TIMEOUT_SECONDS))
    # The application's least-privilege role (store/pg_roles.py) may not create or alter
    # tables: ``create_tables=false`` leaves that to `ledger init`.
    if query.get("create_tables", "").lower() in ("false", "no", "0", "off"):
        env["CREATE_TABLE"] = "no"
    # Connection pool size per process (the library's defaults are 5 + 10 overflow).
    for parameter, key in (
        ("pool_size", "POSTGRES_POOL_SIZE"),
        ("max_overflow", "POSTGRES_MAX_OVERFLOW"),
    ):
        if parameter in query:
            env[key] = query[parameter]
    return env


def psycopg_conninfo(env: dict[str, str]) -> str:
    """A libpq connection string for the PostgreSQL settings in ``env``."""
    parts = {
        "host": env["POSTGRES_HOST"],
        "port": env["POSTGRES_PORT"],
        "dbname": env["POSTGRES_DBNAME"],
        "user": env["POSTGRES_USER"],
        "password": env.get("POSTGRES_PASSWORD", ""),
        "connect_timeout": CONNECT_TIMEOUT_SECONDS,
    }
    return " ".join(f"{k}='{_quoted(str(v))}'" for k, v in parts.items() if v != "")


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def app_database_url(url: str, role: str, password: str) -> str:
    """``url`` logging in as the application's role, which leaves tables to `ledger init`."""
    parsed = urlparse(url)
    host = parsed.hostname or "127.0.0.1"
    port = f":{parsed.port}" if parsed.port else ""
    netloc = f"{quote(role, safe='')}:{quote(password, safe='<>')}@{host}{port}"
    kept = [p for p in parsed.query.split("&") if p and not p.startswith("create_tables=")]
    query = "&".join([*kept, "create_tables=false"])
    return parsed._replace(netloc=netloc, query=query).geturl()


CONNECT_TIMEOUT_SECONDS = 5


def application_env(database: Database) -> dict[str, str]:
    """The library's settings for the ledger application on this database."""
    return {
        **database.env,
        "MAPPER_TOPIC": "store.transcoding:PydanticMapper",
        "TRANSCODER_TOPIC": "store.transcoding:OrjsonTranscoder",
    }


DEFAULT_ORIGIN = "jl-data-sharing-ledger"
"""The checkpoint origin when ``LEDGER_ORIGIN`` is unset (c2sp.org/tlog-checkpoint).

The origin names the log in every signed checkpoint and is the signing key's name,
so set it once, before the first checkpoint, to a schema-less URL where the ledger
is published (e.g. ``ledger.example.gov.cn/data-sharing``), and never change it.
"""


def checkpoint_origin() -> str:
    return os.environ.get("LEDGER_ORIGIN") or DEFAULT_ORIGIN


def signing_key_path(database_file: str | None) -> Path:
    """``LEDGER_SIGNING_KEY``; else ``<db>.key`` beside a SQLite file; else ``./ledger.key``."""
    configured = os.environ.get("LEDGER_SIGNING_KEY")
    if configured:
        return Path(configured)
    if database_file:
        return Path(database_file).with_suffix(".key")
    return Path("ledger.key")
