"""The supervision fold: the deadline register and the facts, kept together."""

from __future__ import annotations

from domain.aggregation import AggregationRejected
from domain.catalog import CatalogApproved, CatalogSubmitted, CatalogUpdateApplied
from domain.consistency import ConsistencyCheckRecorded
from domain.data_uses import DataUseRecorded, ThirdPartyConsented
from domain.departments import (
    DepartmentDissolvedEvent,
    DepartmentRegistered,
    ResponsiblePersonsDesignated,
)
from domain.events import LedgerEvent
from domain.findings import FindingEvent
from domain.holidays import HolidaySchedulePublished
from domain.resources import (
    JoinedCatalog,
    ResourceAmended,
    ResourceCataloged,
    ResourceRetiredEvent,
)
from domain.systems import SystemEvent
from projections.base import Meta, PayloadTest, topics_of
from projections.deadlines import DeadlineRegister, RegisterState
from projections.obligations import deadline_register
from projections.supervision.facts import SupervisionState
from projections.supervision.folds import FOLDS_FOR


class SupervisionProjection:
    name = "supervision"
    state_type = SupervisionState

    def __init__(
        self, register: DeadlineRegister | None = None, *, with_register: bool = True
    ) -> None:
        self.register = register or deadline_register()
        # Without its register, the fold keeps only the published holiday schedules of it
        # (the detectors' calendar): the register's rows count the breaches instead.
        self.with_register = with_register
        # 3: the state keeps its count of event-tied detections by cell.
        self.version = f"3/{self.register.version}" if with_register else "3/facts"
        own = topics_of(
            DepartmentRegistered,
            ResponsiblePersonsDesignated,
            DepartmentDissolvedEvent,
            CatalogSubmitted,
            CatalogApproved,
            CatalogUpdateApplied,
            ConsistencyCheckRecorded,
            SystemEvent,
            ResourceCataloged,
            ResourceAmended,
            JoinedCatalog,
            ResourceRetiredEvent,
            AggregationRejected,
            DataUseRecorded,
            ThirdPartyConsented,
            FindingEvent,
        )
        self.topics = own | (
            self.register.topics if with_register else topics_of(HolidaySchedulePublished)
        )
        # V09: a use counts only when it was marked; most are not, and need no decoding.
        # (A payload without the field, as a future upcast might leave, is decoded.)
        self.payload_tests: dict[str, PayloadTest] = dict.fromkeys(
            topics_of(DataUseRecorded), lambda data: bool(data.get("marks", True))
        )
        self.marked_uses_only = True  # what the test above asks, and all it asks

    def initial(self) -> SupervisionState:
        return SupervisionState()

    def apply(self, state: SupervisionState, event: LedgerEvent, meta: Meta) -> SupervisionState:
        if self.with_register or isinstance(event, HolidaySchedulePublished):
            self.register.apply(state.register, event, meta)
        for fold in FOLDS_FOR(event):
            fold(state, event)
        return state


class SupervisionFacts(SupervisionProjection):
    """The facts without the register (whose rows count the breaches), kept in memory and
    forked for each replay (replays/ladder.py): every fact is frozen, so copying the
    containers copies the state."""

    name = "supervision-facts"

    def __init__(self) -> None:
        super().__init__(with_register=False)

    def fork(self, state: SupervisionState) -> SupervisionState:
        return SupervisionState(
            register=RegisterState(published=dict(state.register.published)),
            departments=dict(state.departments),
            submissions=dict(state.submissions),
            systems=dict(state.systems),
            latest_checks=dict(state.latest_checks),
            resources=dict(state.resources),
            events=list(state.events),
            findings=dict(state.findings),
            counted=dict(state.counted),
        )
