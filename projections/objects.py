"""Systems, aggregation receipts, verification requests, source conflicts and usage reports at
an instant: each a fold of that one object's events (``projections.sharing.OneObject``)."""

from __future__ import annotations

from uuid import UUID

from domain.aggregation import AggregationEvent, AggregationReceipt
from domain.source_conflicts import SourceConflict, SourceConflictEvent
from domain.systems import InformationSystem, SystemEvent
from domain.usage_reports import UsageReport, UsageReported
from domain.verification import VerificationEvent, VerificationRequest
from projections.sharing import OneObject


class OneSystem(OneObject[InformationSystem]):
    state_type = InformationSystem | None

    def __init__(self, system_id: UUID) -> None:
        super().__init__(system_id, "system", SystemEvent)


class OneAggregation(OneObject[AggregationReceipt]):
    state_type = AggregationReceipt | None

    def __init__(self, receipt_id: UUID) -> None:
        super().__init__(receipt_id, "aggregation", AggregationEvent)


class OneVerificationRequest(OneObject[VerificationRequest]):
    state_type = VerificationRequest | None

    def __init__(self, request_id: UUID) -> None:
        super().__init__(request_id, "verification-request", VerificationEvent)


class OneSourceConflict(OneObject[SourceConflict]):
    state_type = SourceConflict | None

    def __init__(self, conflict_id: UUID) -> None:
        super().__init__(conflict_id, "source-conflict", SourceConflictEvent)


class OneUsageReport(OneObject[UsageReport]):
    state_type = UsageReport | None

    def __init__(self, report_id: UUID) -> None:
        super().__init__(report_id, "usage-report", UsageReported)
