"""Many objects' events in one read, on SQLite and PostgreSQL: what a bulk load asks of the
store for the receipts of all its keys at once."""

from __future__ import annotations

import uuid

from eventsourcing.persistence import StoredEvent

from store.records import TreeRecorder
from tests.store.conftest import append


def test_the_events_of_many_objects_come_by_object_then_version(recorder: TreeRecorder) -> None:
    append(recorder, 5)
    first, second = uuid.uuid4(), uuid.uuid4()
    events = [
        StoredEvent(second, 1, "tests.store:Fact", b"{}"),
        StoredEvent(first, 1, "tests.store:Fact", b"{}"),
        StoredEvent(second, 2, "tests.store:Fact", b"{}"),
    ]
    positions = recorder.insert_events(events)  # type: ignore[attr-defined]
    unknown = uuid.uuid4()
    records = recorder.select_objects_records([second, unknown, first, second])
    by_object = sorted(
        [(first, 1, positions[1]), (second, 1, positions[0]), (second, 2, positions[2])],
        key=lambda item: (str(item[0]), item[1]),
    )
    assert [(r.event.originator_id, r.event.originator_version, r.position) for r in records] == [
        (originator, version, position) for originator, version, position in by_object
    ]
    assert all(r.event.state == b"{}" for r in records)
    assert recorder.select_objects_records([]) == []
    assert recorder.select_objects_records([unknown]) == []


def test_more_ids_than_one_statement_binds(recorder: TreeRecorder) -> None:
    # SQLite binds at most 999 parameters a statement; a bulk load has up to 10,000 keys.
    wanted = [uuid.uuid4() for _ in range(2_000)]
    recorder.insert_events(  # type: ignore[attr-defined]
        [StoredEvent(wanted[n], 1, "tests.store:Fact", b"{}") for n in range(0, 2_000, 97)]
    )
    found = recorder.select_objects_records(wanted)
    assert {r.event.originator_id for r in found} == set(wanted[0:2_000:97])
