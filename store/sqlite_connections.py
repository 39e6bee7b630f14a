"""SQLite connections that keep their prepared statements.

The library opens its connections with ``cached_statements=True``, a cache of one
statement: a transaction of several statements (BEGIN IMMEDIATE, read the last entry,
insert the rows) parses each of them again every time, and for a one-event command that
parsing costs about as much as the insert. This pool is the library's, with connections
opened the same way (autocommit, WAL for files, rows by name) and a real cache; and every
writer connection it lends holds the file's write turn (store/write_turn.py) until it
is returned.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from eventsourcing.persistence import InterfaceError
from eventsourcing.sqlite import (
    SQLITE3_DEFAULT_LOCK_TIMEOUT,
    SQLiteConnection,
    SQLiteConnectionPool,
    SQLiteDatastore,
)

from store.write_turn import WriteTurn

STATEMENTS_CACHED = 64  # the ledger's recorders, projections and read models use a few dozen
# Pages a connection keeps, in KiB (SQLite's default is 2 MiB). The projector writes rows
# into a dozen indexes at once, most keyed by values in no order (resources, persons): at a
# million events their pages no longer fit in 2 MiB, and each row read them again from the
# file; with 128 MiB it caught up 20% faster. Memory is taken as pages are read, not at once.
CACHE_KIB = 128 * 1024


class StatementCachingPool(SQLiteConnectionPool):
    @classmethod
    def replacing(cls, pool: SQLiteConnectionPool) -> StatementCachingPool:
        """A pool with ``pool``'s settings; ``pool`` is closed (it has lent no connection yet)."""
        pool.close()
        return cls(
            db_name=pool.db_name,
            lock_timeout=pool.lock_timeout,
            pool_size=pool.pool_size,
            max_overflow=pool.max_overflow,
            pool_timeout=pool.pool_timeout,
            max_age=pool.max_age,
            pre_ping=pool.pre_ping,
        )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.turn = WriteTurn(None if self.is_sqlite_memory_mode else self.db_name)

    def get_connection(
        self, timeout: float | None = None, *, is_writer: bool | None = None
    ) -> SQLiteConnection:
        connection = super().get_connection(timeout, is_writer=is_writer)
        if is_writer is True:
            try:
                self.turn.take()  # queued with the other processes' writers, not polling
            except BaseException:
                super().put_connection(connection)
                raise
        return connection

    def put_connection(self, conn: SQLiteConnection) -> None:
        # The turn goes before the pool's writer lock: the next writer of this pool, once
        # through that lock, takes the turn on the same open file, and a release after it
        # would release the lock that writer then holds.
        if conn.is_writer is True:
            self.turn.release()
        super().put_connection(conn)

    def close(self) -> None:
        super().close()
        self.turn.close()

    def _create_connection(self) -> SQLiteConnection:
        try:
            connection = sqlite3.connect(
                self.db_name,
                uri=True,
                check_same_thread=False,
                isolation_level=None,  # transactions are begun explicitly, as the library does
                cached_statements=STATEMENTS_CACHED,
                timeout=self.lock_timeout or SQLITE3_DEFAULT_LOCK_TIMEOUT,
            )
        except (sqlite3.Error, TypeError) as error:
            raise InterfaceError(error) from error
        if not self.is_sqlite_memory_mode:
            connection.execute("PRAGMA journal_mode=WAL")  # persistent: a no-op once set
            self.is_journal_mode_wal = True
        connection.execute(f"PRAGMA cache_size=-{CACHE_KIB}")  # negative: in KiB, not pages
        connection.row_factory = sqlite3.Row
        return SQLiteConnection(sqlite_conn=connection, max_age=self.max_age)


def caching_statements(datastore: SQLiteDatastore) -> SQLiteDatastore:
    """``datastore``, its pool replaced by one whose connections cache statements."""
    datastore.pool = StatementCachingPool.replacing(datastore.pool)
    return datastore
