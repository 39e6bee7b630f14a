"""What a rule declaration holds: one shape for every obligation and every detection.

A declaration is data, not code: the article it comes from, who owes it, what starts
its clock, how long it runs, what discharges it and the category of Art. 39 its breach
counts under. The code that applies a rule (the verbs' due dates, the deadline
register, supervision, the forensic anomalies) reads these fields, so a period or a
category is written once, here, and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.deadlines import ObligationKind, WorkingDays
from domain.findings import Category
from domain.vocabulary import Anomaly, DataUseMark


class RuleKind(str, Enum):
    OBLIGATION = "obligation"
    DETECTION = "detection"


@dataclass(frozen=True)
class Policy:
    """A value the measures leave to the department: named, so a report can say which it
    applied, with the value in force from the ledger's start until the office publishes
    another (``POST /v1/policies``, ``domain/policies``)."""

    name: str
    default: int | str
    unit: str  # "working_days", or "period" for a reporting period's code
    description_zh: str


@dataclass(frozen=True)
class ByDate:
    """Due on a date rather than after some working days: the date a rectification order
    names, or the last day of a period."""

    description_zh: str


Period = WorkingDays | ByDate


def describe_period(period: Period | None) -> str:
    if period is None:
        return "—"
    if isinstance(period, WorkingDays):
        return f"{period.days}个工作日"
    return period.description_zh


@dataclass(frozen=True)
class Rule:
    """One rule of the measures (or one the project set where they are silent).

    ``code`` is what a detection reports as its rule (``Detection.rule``); for an
    obligation in the deadline register it is the obligation kind's code."""

    code: str
    kind: RuleKind
    articles: tuple[str, ...]
    description_zh: str
    owed_by_zh: str
    clock_starts_zh: str
    discharged_by_zh: str
    category: Category | None = None
    period: Period | None = None
    policies: tuple[Policy, ...] = ()  # what the measures leave open, as this rule reads it
    obligation: ObligationKind | None = None  # set when the deadline register tracks it

    @property
    def breach_code(self) -> str:
        """What supervision names a breach of this obligation."""
        return f"{self.code}_overdue"

    @property
    def working_days(self) -> int:
        """The period in working days, for the rules that have one."""
        if not isinstance(self.period, WorkingDays):
            msg = f"{self.code} has no period in working days"
            raise TypeError(msg)
        return self.period.days


@dataclass(frozen=True)
class AnomalyRule(Rule):
    """A detection investigators search for (``GET /v1/forensics/anomalies?kind=``); for
    data uses, the marks that make one."""

    marks: tuple[DataUseMark, ...] = ()

    @property
    def anomaly(self) -> Anomaly:
        return Anomaly[self.code.upper()]
