"""Which events occurred by an instant, from the forensic index, is exactly the definition:
with events recorded in order, a little late, and months late; and in tables made before the
index kept its running maximum, once they are upgraded (docs/DOMAIN.md, "Time: two axes")."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from api.read_models import close_view, open_view, start_runner
from domain.aggregate import Command
from domain.events import Actor
from domain.ledger import Ledger
from domain.triggers import record_law_change
from domain.vocabulary import Role

OFFICE = Actor(person="李静", department="BGS", role=Role.OFFICE)
START = datetime(2025, 1, 1, tzinfo=UTC)
KINDS = ["LawChangeRecorded"]


def _record(ledger: Ledger, count: int) -> dict[int, datetime]:
    """Facts mostly in order, some hours late, some months late; their occurrences."""
    rng = random.Random(5)
    occurred: dict[int, datetime] = {}
    clock = START
    for _ in range(count):
        clock += timedelta(hours=rng.randint(1, 30))
        lag = rng.choice(
            [timedelta(0)] * 3 + [timedelta(hours=5), timedelta(hours=20), timedelta(days=90)]
        )
        when = clock - lag
        cmd = Command(actor=OFFICE, occurred_at=when, command_id=uuid4().hex, now=datetime.now(UTC))
        [recording] = ledger.record([record_law_change(cmd, uuid4(), "某法", ["ZYKF"])])
        occurred[recording.notification.id] = when
    return occurred


def _expected(occurred: dict[int, datetime], after: int, upto: int, at: datetime) -> list[int]:
    return [p for p in sorted(occurred) if after < p <= upto and occurred[p] <= at]


def test_occurred_by_is_the_definition_before_and_after_an_upgrade(ledger: Ledger) -> None:
    occurred = _record(ledger, 120)
    head = max(occurred)
    with start_runner(dict(ledger.env)) as projector:
        projector.wait(head, timeout=60)
    view = open_view(dict(ledger.env))
    rng = random.Random(9)
    asked = [
        (rng.randint(0, head), rng.randint(0, head), START + timedelta(days=rng.randint(-10, 200)))
        for _ in range(300)
    ]
    for after, upto, at in asked:
        assert view.occurred_by(after, upto, at, KINDS) == _expected(occurred, after, upto, at)
    assert view._rows("SELECT COUNT(*) AS n FROM {t}forensic_late", [])[0]["n"] > 0
    # Tables made before: no running maximum, no late events; opened again, they have both.
    with view.datastore.transaction(commit=True) as cursor:
        cursor.execute(
            view._sql("DROP INDEX IF EXISTS {t}forensic_events_running_max_position_idx")
        )
        cursor.execute(view._sql("ALTER TABLE {t}forensic_events DROP COLUMN running_max"))
        cursor.execute(view._sql("DELETE FROM {t}forensic_late"))
    close_view(view)
    upgraded = open_view(dict(ledger.env))
    for after, upto, at in asked:
        assert upgraded.occurred_by(after, upto, at, KINDS) == _expected(occurred, after, upto, at)
    close_view(upgraded)
