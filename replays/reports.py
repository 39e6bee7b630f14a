"""The reports auditors replay, as plain rows: one implementation for the API and the CLI."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC
from functools import cached_property
from typing import Any

from eventsourcing.persistence import Mapper

from domain.deadlines import ObligationKind, Status, last_due_date_within, working_days_left
from domain.findings import Category
from domain.holidays import calendar_with
from domain.policies import InForce, Publication, in_force
from domain.verbs.calendar import HolidayPublication, calendar_known
from projections.catalog import CatalogProjection, CatalogState
from projections.deadlines import Obligation, obligations_at
from projections.obligations import deadline_register
from projections.supervision import (
    BREACH_CATEGORY,
    Detection,
    FindingStanding,
    SupervisionFacts,
    SupervisionProjection,
    SupervisionState,
    detections_at,
    findings_at,
)
from replays.asof import Instant, Progress, Replayed, replay
from replays.register_rows import breaches_at, register_at, register_page
from store.records import LedgerRecorder
from store.register_table import RegisterFilter

# A trend's months are folded two at a time (and its breaches counted beside them): the
# folds hold the interpreter's lock, so a third thread measured no faster than two.
TREND_THREADS = min(2, os.cpu_count() or 1)


@dataclass(frozen=True)
class Report:
    instant: Instant
    position: int
    rows: list[dict[str, Any]]
    # What the report applied, in force at ``at`` as known then; None for one that applies
    # no policy (the catalog).
    policies: InForce | None = None

    def header(self) -> dict[str, Any]:
        header = {
            "at": self.instant.at.isoformat(),
            "known_at": self.instant.known_at.isoformat(),
            "position": self.position,
        }
        if self.policies is not None:
            header.update(policy_fields(self.policies))
        return header


def policy_fields(policies: InForce) -> dict[str, Any]:
    """How a report says which policies it applied: the position of the latest publication
    in force (null while every policy is its default) and each value."""
    return {"policy_position": policies.position, "policies": dict(policies.values)}


def catalog_state(
    recorder: LedgerRecorder, mapper: Mapper[Any], instant: Instant, progress: Progress = None
) -> tuple[CatalogState, int]:
    replayed = replay(recorder, mapper, CatalogProjection(), instant, progress)
    return replayed.state, replayed.position


def deadlines_report(
    recorder: LedgerRecorder,
    mapper: Mapper[Any],
    instant: Instant,
    *,
    status: Status | None = None,
    kind: ObligationKind | None = None,
    department: str | None = None,
    due_within: int | None = None,
    progress: Progress = None,
    publications: Iterable[Publication],
    holidays: Sequence[HolidayPublication] | None = None,
) -> Report:
    """Every obligation at the instant, by due date; ``due_within`` keeps the open ones due
    within that many working days (临期), not those already overdue. ``publications``: the
    policy publications recorded so far (``Ledger.publications``); the report applies those
    in force at ``at`` among the ones known at ``known_at``. Given the holiday schedules'
    publications too (``Ledger.holiday_publications``), the register's rows answer where
    they can, and the log is folded where they cannot."""
    position = recorder.position_known_at(instant.known_at)
    indexed = None
    if holidays is not None:
        indexed = register_at(recorder, instant.at, position, department=department)
    if indexed is not None and holidays is not None:  # the rows answer
        policies = policies_known(publications, instant, position)
        calendar = calendar_known(holidays, instant.at, position)
        obligations = sorted(indexed, key=lambda o: (o.due_date, o.obligation_id))
    else:
        register = deadline_register()
        replayed = replay(recorder, mapper, register, instant, progress)
        position = replayed.position
        policies = policies_known(publications, instant, position)
        calendar = calendar_with(replayed.state.published.values())
        obligations = obligations_at(register, replayed.state, instant.at, policies=policies)
    rows = []
    for o in obligations:
        if (
            (status is None or o.status is status)
            and (kind is None or o.kind is kind)
            and (department is None or o.department == department)
        ):
            # What is still owed has days left (or overdue); what was discharged, none.
            owed = o.discharged_at is None
            left = working_days_left(calendar, instant.at, o.due_date) if owed else None
            soon = o.status is Status.OPEN and left is not None and left <= (due_within or 0)
            if due_within is None or soon:
                rows.append(obligation_row(o, left))
    return Report(instant, position, rows, policies)


def deadlines_page(
    recorder: LedgerRecorder,
    instant: Instant,
    wanted: RegisterFilter,
    due_within: int | None,
    limit: int,
    *,
    publications: Iterable[Publication],
    holidays: Sequence[HolidayPublication],
) -> tuple[Report, bool] | None:
    """One page of ``deadlines_report`` (the rows after ``wanted.after``, at most
    ``limit``) from the register's rows, filtered and ordered in SQL, and whether more
    follow; None where the rows cannot answer (then the report folds the log)."""
    position = recorder.position_known_at(instant.known_at)
    calendar = calendar_known(holidays, instant.at, position)
    if due_within is not None:
        wanted = replace(wanted, due_by=last_due_date_within(calendar, instant.at, due_within))
    obligations = register_page(recorder, instant.at, position, wanted, limit + 1)
    if obligations is None:
        return None
    rows = []
    for o in obligations[:limit]:
        owed = o.discharged_at is None
        left = working_days_left(calendar, instant.at, o.due_date) if owed else None
        rows.append(obligation_row(o, left))
    policies = policies_known(publications, instant, position)
    return Report(instant, position, rows, policies), len(obligations) > limit


def policies_known(publications: Iterable[Publication], instant: Instant, position: int) -> InForce:
    """In force at ``at`` among the publications the ledger knew at ``known_at`` (up to the
    replay's position): a back-dated one changes "as known now", never "as known then"."""
    return in_force((p for p in publications if p.position <= position), instant.at)


def obligation_row(obligation: Obligation, left: int | None = None) -> dict[str, Any]:
    period = obligation.period
    return {
        "obligation_id": str(obligation.obligation_id),
        "kind": obligation.kind.value,
        "kind_label": obligation.kind.label,
        "department": obligation.department,
        "subject_id": str(obligation.subject_id),
        "started_at": obligation.started_at.isoformat(),
        "due_date": obligation.due_date.isoformat(),
        "provisional": obligation.provisional,
        "unpublished_years": list(obligation.unpublished_years),
        "status": obligation.status.value,
        "discharged_at": obligation.discharged_at.isoformat() if obligation.discharged_at else None,
        "working_days_left": left,
        "period_start": period.start.isoformat() if period else None,
        "period_end": period.end.isoformat() if period else None,
    }


def supervision_report(
    recorder: LedgerRecorder,
    mapper: Mapper[Any],
    instant: Instant,
    *,
    department: str | None = None,
    progress: Progress = None,
    publications: Iterable[Publication],
    counts_only: bool = False,
    listed: bool = False,
) -> SupervisionReport:
    """The eleven categories per department at the instant. ``counts_only``: the grid, not
    the objects behind its cells: where the register's rows answer, the breaches are counted
    in SQL, the fold leaves the register out, and the detections tied to one event are
    counted by the fold as they open and close (``listed``: listed too, as the objects a
    finding may cite)."""
    if counts_only:
        position = recorder.position_known_at(instant.known_at)
        breached = breaches_at(recorder, instant.at, position, list(BREACH_CATEGORY))
        if breached is not None:
            facts = _facts_at(recorder, mapper, instant, progress, publications, listed)
            return _with_breaches(facts, department, breached)
    projection = SupervisionProjection()
    replayed = replay(recorder, mapper, projection, instant, progress)
    policies = policies_known(publications, instant, replayed.position)
    # The register's rows where they answer, else the fold's own register.
    register = register_at(recorder, instant.at, replayed.position)
    detections = detections_at(projection, replayed.state, instant.at, policies, register)
    standings = findings_at(replayed.state, instant.at)
    return _supervision(
        replayed.state, instant, replayed.position, department, detections, standings, policies, {}
    )


def supervision_trend(
    recorder: LedgerRecorder,
    mapper: Mapper[Any],
    instants: Sequence[Instant],
    *,
    department: str | None = None,
    publications: Iterable[Publication],
) -> list[SupervisionReport]:
    """The grid at each instant (a trend): the register's breaches counted for all of them
    in one pass where the rows answer, each instant's facts forked from the nearest fold.
    The breaches' query and the months' folds run side by side: about half of a trend's
    time is the database's, which works without holding the interpreter's lock."""
    published = list(publications)
    positions = [recorder.position_known_at(i.known_at) for i in instants]
    with ThreadPoolExecutor(TREND_THREADS, thread_name_prefix="trend") as pool:
        counting = pool.submit(
            recorder.forensic_index().register_breaches_each,
            [(i.at, p) for i, p in zip(instants, positions, strict=True)],
            list(BREACH_CATEGORY),
        )
        months = list(pool.map(lambda i: _facts_at(recorder, mapper, i, None, published), instants))
        counted = counting.result()
    if counted is None:
        return [
            supervision_report(
                recorder, mapper, i, department=department, publications=published, counts_only=True
            )
            for i in instants
        ]
    return [
        _with_breaches(facts, department, breached)
        for facts, breached in zip(months, counted, strict=True)
    ]


@dataclass(frozen=True)
class _Facts:
    """The facts fold at an instant, and what it detects there (without the breaches)."""

    replayed: Replayed[SupervisionState]
    policies: InForce
    detections: list[Detection]
    standings: list[FindingStanding]
    listed: bool


def _facts_at(
    recorder: LedgerRecorder,
    mapper: Mapper[Any],
    instant: Instant,
    progress: Progress,
    publications: Iterable[Publication],
    listed: bool = False,
) -> _Facts:
    projection = SupervisionFacts()
    replayed = replay(recorder, mapper, projection, instant, progress)
    policies = policies_known(publications, instant, replayed.position)
    detections = detections_at(
        projection, replayed.state, instant.at, policies, register=[], tied=listed
    )
    standings = findings_at(replayed.state, instant.at)
    return _Facts(replayed, policies, detections, standings, listed)


def _with_breaches(
    facts: _Facts, department: str | None, breached: Mapping[tuple[str, ObligationKind], int]
) -> SupervisionReport:
    """The grid from the facts fold, with the breaches the register's rows counted and,
    unless ``listed``, the detections tied to one event as the fold counted them."""
    state = facts.replayed.state
    counts = Counter({(code, BREACH_CATEGORY[kind]): n for (code, kind), n in breached.items()})
    if not facts.listed:
        counts.update(state.counted_cells())
    return _supervision(
        state,
        facts.replayed.instant,
        facts.replayed.position,
        department,
        facts.detections,
        facts.standings,
        facts.policies,
        counts,
    )


def _supervision(
    state: SupervisionState,
    instant: Instant,
    position: int,
    department: str | None,
    detections: list[Detection],
    standings: list[FindingStanding],
    policies: InForce,
    counted: dict[tuple[str, Category], int],
) -> SupervisionReport:
    codes = sorted(
        {facts.code for facts in state.departments.values()}
        | {d.department for d in detections}
        | {f.department for f in standings}
        | {code for code, _ in counted}
    )
    if department is not None:
        codes = [code for code in codes if code == department]
    return SupervisionReport(instant, position, codes, detections, standings, policies, counted)


STANDINGS = ("rectification_ordered", "rectified", "overdue", "criticised", "withdrawn")


def _empty_cell() -> dict[str, Any]:
    return {"detected": 0, "found": 0, **dict.fromkeys(STANDINGS, 0)}


@dataclass(frozen=True)
class SupervisionReport:
    instant: Instant
    position: int
    departments: list[str]
    detections: list[Detection]
    findings: list[FindingStanding]
    policies: InForce | None = None
    # Detections counted without their objects (the register's breaches, counted in SQL;
    # what one event detects, as the fold counted it): the grid's counts include them;
    # ``evidence`` is asked of a report without any.
    counted: Mapping[tuple[str, Category], int] = field(default_factory=dict)

    def header(self) -> dict[str, Any]:
        return Report(self.instant, self.position, [], self.policies).header()

    def cell(self, department: str, category: Category) -> dict[str, Any]:
        return dict(self._tally.get((department, category)) or _empty_cell())

    @cached_property
    def _tally(self) -> dict[tuple[str, Category], dict[str, Any]]:
        """Every cell's counts in one pass over the detections and findings (a tally of
        keys first: a ledger has some 100,000 detections and a few hundred cells)."""
        detected = Counter(self.counted)
        detected.update((d.department, d.category) for d in self.detections)
        cells: dict[tuple[str, Category], dict[str, Any]] = {}
        for key, n in detected.items():
            cells[key] = {**_empty_cell(), "detected": n}
        for f in self.findings:
            counts = cells.setdefault((f.department, f.category), _empty_cell())
            if f.status != "withdrawn":
                counts["found"] += 1
            if f.status in STANDINGS:
                counts[f.status] += 1
        return cells

    def evidence(self, department: str, category: Category) -> list[dict[str, Any]]:
        """What a cell counts, one row each: the detections (the object and the rule that
        counted it, since when) and the findings (where each stands). The grid carries
        counts only, so it stays small at any ledger size; this is the page behind one."""
        rows: list[dict[str, Any]] = [
            {
                "source": "detected",
                "subject_id": d.subject_id,
                "rule": d.rule,
                "since": d.since.isoformat() if d.since else None,
                "status": None,
                "order": f"0|{d.since.astimezone(UTC).isoformat() if d.since else ''}"
                f"|{d.subject_id}|{d.rule}",
            }
            for d in self.detections
            if d.department == department and d.category is category
        ]
        rows += [
            {
                "source": "found",
                "subject_id": f.finding_id,
                "rule": None,
                "since": None,
                "status": f.status,
                "order": f"1|{f.finding_id}",
            }
            for f in self.findings
            if f.department == department and f.category is category
        ]
        return rows

    def as_json(self) -> dict[str, Any]:
        counts = {
            code: {c.value: self.cell(code, c) for c in Category} for code in self.departments
        }
        departments = [{"department": code, "counts": cells} for code, cells in counts.items()]
        return {**self.header(), "categories": self.categories(), "departments": departments}

    def categories(self) -> list[dict[str, Any]]:
        """Each category's totals over the report's departments (a trend's month): summed
        from the tally's cells, without the grid's cell for every department."""
        shown = set(self.departments)
        totals = {c: {"detected": 0, "found": 0} for c in Category}
        for (code, category), cell in self._tally.items():
            if code in shown:
                totals[category]["detected"] += cell["detected"]
                totals[category]["found"] += cell["found"]
        return [{"code": c.value, "label": c.label, **totals[c]} for c in Category]

    def grid(self) -> list[dict[str, Any]]:
        """Department × V01–V11, each cell "detected/found", with totals: the table and csv."""
        data = self.as_json()
        rows = []
        for entry in data["departments"]:
            row: dict[str, Any] = {"department": entry["department"]}
            for c in Category:
                cell = entry["counts"][c.value]
                row[c.value] = f"{cell['detected']}/{cell['found']}"
            row["total"] = "{}/{}".format(
                sum(entry["counts"][c.value]["detected"] for c in Category),
                sum(entry["counts"][c.value]["found"] for c in Category),
            )
            rows.append(row)
        totals: dict[str, Any] = {"department": "合计 total"}
        for category in data["categories"]:
            totals[category["code"]] = f"{category['detected']}/{category['found']}"
        totals["total"] = "{}/{}".format(
            sum(c["detected"] for c in data["categories"]),
            sum(c["found"] for c in data["categories"]),
        )
        return [*rows, totals]
