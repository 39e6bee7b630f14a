"""The eventsourcing library's own recorder test cases, run against our recorders.

Our recorders must stay drop-in application recorders: everything the library
promises of its own (ordering, conflicts, notification ids without interleaving,
concurrency) still holds with the Merkle tree written under the insert lock. After
each case the whole ledger must also verify, so the cases exercise the tree too.
None of the shipped cases needed overriding: none updates or deletes recorded rows.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import cast
from urllib.parse import urlparse

import psycopg
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore
from eventsourcing.tests.persistence import (
    ApplicationRecorderTestCase,
    NonInterleavingNotificationIDsBaseCase,
)

from store.postgres import LedgerPostgresRecorder
from store.records import TreeRecorder
from store.sqlite import LedgerSQLiteRecorder
from store.sqlite_connections import caching_statements
from store.verify import verify_ledger
from tests.conftest import POSTGRES_URL, require_postgres


class SQLiteSetup:
    def setUp(self) -> None:
        self.folder = tempfile.TemporaryDirectory()
        # As the ledger's Factory makes it: connections that cache their statements.
        self.datastore = caching_statements(
            SQLiteDatastore(str(Path(self.folder.name) / "ledger.db"), pool_size=12)
        )
        self.recorders: list[TreeRecorder] = []

    def tearDown(self) -> None:
        for recorder in self.recorders:
            result = verify_ledger(recorder)
            assert result.ok, result.reason
        self.datastore.close()
        self.folder.cleanup()

    def create_recorder(self) -> LedgerSQLiteRecorder:
        recorder = LedgerSQLiteRecorder(self.datastore)
        recorder.create_table()
        self.recorders.append(cast(TreeRecorder, recorder))
        return recorder


class PostgresSetup:
    """A schema of its own per case, on the tests' PostgreSQL database, dropped after."""

    def setUp(self) -> None:
        require_postgres()
        self.schema = f"lib_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{self.schema}"')
        url = urlparse(POSTGRES_URL)
        self.datastore = PostgresDatastore(
            dbname=url.path.lstrip("/"),
            host=url.hostname or "127.0.0.1",
            port=url.port or 5432,
            user=url.username or "postgres",
            password=url.password or "",
            schema=self.schema,
            pool_size=4,  # the concurrency cases' ten writers queue for these
            max_overflow=4,
        )
        self.recorders: list[TreeRecorder] = []

    def tearDown(self) -> None:
        try:
            for recorder in self.recorders:
                result = verify_ledger(recorder)
                assert result.ok, result.reason
        finally:
            self.datastore.close()
            with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{self.schema}" CASCADE')

    def create_recorder(self) -> LedgerPostgresRecorder:
        recorder = LedgerPostgresRecorder(self.datastore)
        recorder.create_table()
        self.recorders.append(cast(TreeRecorder, recorder))
        return recorder


class TestLedgerSQLiteRecorder(SQLiteSetup, ApplicationRecorderTestCase[LedgerSQLiteRecorder]):
    pass


class TestLedgerSQLiteRecorderNonInterleaving(SQLiteSetup, NonInterleavingNotificationIDsBaseCase):
    pass


class TestLedgerPostgresRecorder(
    PostgresSetup, ApplicationRecorderTestCase[LedgerPostgresRecorder]
):
    def test_insert_subscribe(self) -> None:
        super().optional_test_insert_subscribe()


class TestLedgerPostgresRecorderNonInterleaving(
    PostgresSetup, NonInterleavingNotificationIDsBaseCase
):
    pass
