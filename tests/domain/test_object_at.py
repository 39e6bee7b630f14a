"""One object at a business instant: its own events folded up to those that had occurred by
then. A fact on the record that had not yet happened does not hold then: a use obtained in
April is judged against the request as it stood in April (Art. 36), reads at an instant show
the same fold.
"""

from __future__ import annotations

from datetime import UTC, datetime

from domain.aggregate import Command
from domain.departments import Department, register_department
from domain.events import Actor
from domain.object_at import ObjectAt
from domain.vocabulary import DepartmentKind, Role

ADMIN = Actor(person="admin", department="ADMIN", role=Role.ADMIN)
NOW = datetime(2025, 12, 1, tzinfo=UTC)


def command(occurred: str) -> Command:
    at = datetime.fromisoformat(occurred)
    return Command(actor=ADMIN, occurred_at=at, command_id=occurred, now=NOW)


def test_an_object_stands_at_an_instant_as_the_events_that_had_occurred_by_then() -> None:
    registered = register_department(
        command("2025-03-01T09:00:00+08:00"), "ZYKF", "资源开发处", DepartmentKind.DIVISION
    )
    department: Department = registered.mutate(None)
    # Its dissolution is on the record, but it had not happened by the April instant.
    dissolved = department.dissolve(command("2025-05-01T09:00:00+08:00"), "机构改革")

    def at(instant: str) -> Department | None:
        fold: ObjectAt[Department | None] = ObjectAt(datetime.fromisoformat(instant), None)
        for event in (registered, dissolved):
            fold.add(event)
        return fold.state

    assert at("2025-02-28T23:59:59+08:00") is None  # it did not exist yet
    then = at("2025-04-01T00:00:00+08:00")
    assert then is not None and then.version == 1 and not then.dissolved
    later = at("2025-05-01T09:00:00+08:00")  # the instant it occurred counts
    assert later is not None and later.version == 2 and later.dissolved
