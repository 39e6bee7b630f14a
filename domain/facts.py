"""What a command decides besides its events: facts its answer states.

A verb returns these with its events (``Decision.facts``), as the domain's own values
(dates, enums, marks); how an answer words them (field names, labels, ISO dates) is the
API's (api/answers.py), so the domain never formats for a reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.calendar import Due
from domain.resources import DuplicateCollection
from domain.vocabulary import DataUseMark, Labeled, UpdateCycle, VerificationOutcome


@dataclass(frozen=True)
class Status:
    """The object's status after the command, one of its vocabulary's (with a label)."""

    status: Labeled


@dataclass(frozen=True)
class Stage:
    """The status of an object whose statuses carry no label (received, open, resolved)."""

    status: str


@dataclass(frozen=True)
class Deadline:
    """A deadline the command starts: the day it falls due, counted in working days;
    provisional while a year it crosses has no published holiday schedule."""

    due_date: date
    working_days: int
    provisional: bool

    @classmethod
    def of(cls, due: Due, working_days: int) -> Deadline:
        return cls(due.due_date, working_days, due.provisional)


@dataclass(frozen=True)
class NoDeadline:
    """The command could have started a deadline and did not (an unconditional share)."""


@dataclass(frozen=True)
class DeadlinesByDepartment:
    """The same deadline, for each department it binds."""

    deadlines: dict[str, Deadline]


@dataclass(frozen=True)
class Answered:
    """An answer to what had a deadline: the day it was due, and whether it came late
    (recorded all the same; the deadline register shows it)."""

    due_date: date
    late: bool


@dataclass(frozen=True)
class RectificationDue:
    due_date: date


@dataclass(frozen=True)
class Marks:
    """The marks a data use carries (Art. 36), and whether any is a violation."""

    marks: tuple[DataUseMark, ...]
    violation: bool


@dataclass(frozen=True)
class Provider:
    department: str


@dataclass(frozen=True)
class Requester:
    department: str


@dataclass(frozen=True)
class DepartmentCode:
    code: str


@dataclass(frozen=True)
class Dissolved:
    """The department is dissolved."""


@dataclass(frozen=True)
class Revoked:
    """The principal's token no longer signs in."""


@dataclass(frozen=True)
class Token:
    """A principal's new token: shown in this answer once, never kept in a receipt."""

    token: str


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Title:
    title: str


@dataclass(frozen=True)
class Year:
    year: int


@dataclass(frozen=True)
class Period:
    period: UpdateCycle


@dataclass(frozen=True)
class PolicyValue:
    name: str
    value: object
    effective_from: date


@dataclass(frozen=True)
class VerificationAnswer:
    """How a verification was answered."""

    outcome: VerificationOutcome


@dataclass(frozen=True)
class Duplicates:
    """Data items cataloged although another department is their unique source (V05)."""

    duplicates: tuple[DuplicateCollection, ...]


@dataclass(frozen=True)
class Consistency:
    consistent: bool


@dataclass(frozen=True)
class ResourceIds:
    resource_ids: tuple[UUID, ...]


Fact = (
    Status
    | Stage
    | Deadline
    | NoDeadline
    | DeadlinesByDepartment
    | Answered
    | RectificationDue
    | Marks
    | Provider
    | Requester
    | DepartmentCode
    | Dissolved
    | Revoked
    | Token
    | Name
    | Title
    | Year
    | Period
    | PolicyValue
    | VerificationAnswer
    | Duplicates
    | Consistency
    | ResourceIds
)
