"""SQLite connections that keep their prepared statements.

The library opens its connections with ``cached_statements=True``, a cache of one
statement: a transaction of several statements (BEGIN IMMEDIATE, read the last entry,
insert the rows) parses each of them again every time, and for a one-event command that
parsing costs about as much as the insert. This pool is the library's, with connections
opened the same way (autocommit, WAL for files, rows by name) and a real cache.
"""

from __future__ import annotations

import sqlite3

from eventsourcing.persistence import InterfaceError
from eventsourcing.sqlite import (
    SQLITE3_DEFAULT_LOCK_TIMEOUT,
    SQLiteConnection,
    SQLiteConnectionPool,
    SQLiteDatastore,
)

STATEMENTS_CACHED = 64  # the ledger's recorders, projections and read models use a few dozen


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
        connection.row_factory = sqlite3.Row
        return SQLiteConnection(sqlite_conn=connection, max_age=self.max_age)


def caching_statements(datastore: SQLiteDatastore) -> SQLiteDatastore:
    """``datastore``, its pool replaced by one whose connections cache statements."""
    datastore.pool = StatementCachingPool.replacing(datastore.pool)
    return datastore
