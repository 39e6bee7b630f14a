"""PostgreSQL roles for production: an owner of the tables, and the application's own login
with no more than it needs (V08).

The append-only triggers hold against the application only if the application cannot
remove them: in PostgreSQL, ALTER TABLE … DISABLE TRIGGER, and granting UPDATE back, are
rights of a table's owner and of superusers, and cannot be revoked from them. So the
tables belong to an owner role no one logs in as (NOLOGIN), and the application connects
as a role granted SELECT and INSERT on the event, entry and checkpoint tables (the events
and the Merkle tree), and what the rebuildable read models need on theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from store.postgres import CHECKPOINTS, ENTRIES

APPEND_ONLY = ("SELECT", "INSERT")
READ_MODEL = ("SELECT", "INSERT", "UPDATE", "DELETE")
"""Read models (the forensic tables, their tracking, saved folds) are rebuilt from the
events; the library's tracking recorder and the snapshots keep them with these."""


@dataclass(frozen=True)
class Roles:
    owner: str
    app: str
    schema: str
    append_only: tuple[str, ...]
    read_models: tuple[str, ...]


def provision(
    conninfo: str,
    *,
    schema: str,
    events_table: str,
    owner: str,
    app: str,
    app_password: str | None,
) -> Roles:
    """Create (or bring up to date) the two roles and hand the schema's tables to them.
    Run as a role that may create roles (the operator's, once, at ``ledger init``)."""
    ledger_tables = {events_table, ENTRIES, CHECKPOINTS}
    with psycopg.connect(conninfo, autocommit=False) as conn:
        _ensure_role(conn, owner, login=False, password=None)
        _ensure_role(conn, app, login=True, password=app_password)
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename",
                [schema],
            )
        ]
        s, o, a = sql.Identifier(schema), sql.Identifier(owner), sql.Identifier(app)
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}, {}").format(s, o, a))
        if schema != "public":
            conn.execute(sql.SQL("ALTER SCHEMA {} OWNER TO {}").format(s, o))
        # The application may not create tables beside the ledger's.
        conn.execute(sql.SQL("REVOKE CREATE ON SCHEMA {} FROM {}").format(s, a))
        for table in tables:
            t = sql.Identifier(schema, table)
            conn.execute(sql.SQL("ALTER TABLE {} OWNER TO {}").format(t, o))
            conn.execute(sql.SQL("REVOKE ALL ON {} FROM PUBLIC, {}").format(t, a))
            granted = APPEND_ONLY if table in ledger_tables else READ_MODEL
            conn.execute(
                sql.SQL("GRANT {} ON {} TO {}").format(
                    sql.SQL(", ").join(map(sql.SQL, granted)), t, a
                )
            )
            if table in ledger_tables:
                # Not even its owner changes a recorded row (the triggers say so too).
                conn.execute(sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(t, o))
        conn.execute(
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(s, a)
        )
        for (signature,) in conn.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %s",
            [schema],
        ).fetchall():
            conn.execute(sql.SQL("ALTER FUNCTION {} OWNER TO {}").format(sql.SQL(signature), o))
        conn.commit()
    read_models = tuple(t for t in tables if t not in ledger_tables)
    return Roles(owner, app, schema, tuple(sorted(ledger_tables)), read_models)


def _ensure_role(
    conn: psycopg.Connection[tuple[object, ...]], name: str, *, login: bool, password: str | None
) -> None:
    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone()
    verb = "ALTER" if exists else "CREATE"
    options = sql.SQL("LOGIN" if login else "NOLOGIN")
    statement = sql.SQL("{} ROLE {} {} NOSUPERUSER NOCREATEDB NOCREATEROLE").format(
        sql.SQL(verb), sql.Identifier(name), options
    )
    if password is not None:
        statement = statement + sql.SQL(" PASSWORD {}").format(sql.Literal(password))
    conn.execute(statement)
