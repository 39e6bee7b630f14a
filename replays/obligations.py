"""One obligation of the deadline register, and a department's inbox: one implementation,
the deadlines report's, for the API, the CLI and the console."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper

from domain.deadlines import ObligationKind
from domain.policies import Publication
from domain.verbs.calendar import HolidayPublication
from replays.asof import Instant
from replays.reports import Report, deadlines_report
from store.records import LedgerRecorder

# What awaits a department's reply (Art. 26, 29: requests; Art. 31: verifications).
REPLIES = (ObligationKind.SHARE_REPLY, ObligationKind.VERIFICATION)


def obligation_at(
    recorder: LedgerRecorder,
    mapper: Mapper[Any],
    instant: Instant,
    obligation_id: UUID,
    publications: Iterable[Publication],
) -> tuple[dict[str, Any] | None, int]:
    """The obligation as the register stood at the instant (None: no such obligation then),
    under the policies in force then as known then, as the deadlines report applies them."""
    report = deadlines_report(recorder, mapper, instant, publications=publications)
    wanted = str(obligation_id)
    row = next((r for r in report.rows if r["obligation_id"] == wanted), None)
    return row, report.position


def inbox(
    recorder: LedgerRecorder,
    mapper: Mapper[Any],
    instant: Instant,
    department: str | None,
    publications: Iterable[Publication],
    holidays: Sequence[HolidayPublication],
) -> Report:
    """Requests and verifications awaiting the department's reply at the instant, soonest
    due first (the overdue ones, still awaiting it, before all), each with its working days
    left (every department's when None): the register's rows answer where they can, as for
    the deadlines report (hence the holiday schedules' publications, ``holidays``)."""
    report = deadlines_report(
        recorder,
        mapper,
        instant,
        department=department,
        publications=publications,
        holidays=holidays,
    )
    kinds = {kind.value for kind in REPLIES}
    rows = [r for r in report.rows if r["kind"] in kinds and r["discharged_at"] is None]
    return Report(report.instant, report.position, rows)
