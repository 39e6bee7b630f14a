"""The supervision fold: the deadline register and the facts, kept together."""

from __future__ import annotations

from domain.aggregation import AggregationRejected
from domain.catalog import CatalogApproved, CatalogSubmitted, CatalogUpdateApplied
from domain.consistency import ConsistencyCheckRecorded
from domain.data_uses import DataUseRecorded
from domain.departments import (
    DepartmentDissolvedEvent,
    DepartmentRegistered,
    ResponsiblePersonsDesignated,
)
from domain.events import LedgerEvent
from domain.findings import FindingEvent
from domain.resources import (
    JoinedCatalog,
    ResourceAmended,
    ResourceCataloged,
    ResourceRetiredEvent,
)
from domain.systems import SystemEvent
from projections.base import Meta, PayloadTest, topics_of
from projections.deadlines import DeadlineRegister
from projections.obligations import deadline_register
from projections.supervision.facts import SupervisionState
from projections.supervision.folds import FOLDS_FOR


class SupervisionProjection:
    name = "supervision"
    state_type = SupervisionState

    def __init__(self, register: DeadlineRegister | None = None) -> None:
        self.register = register or deadline_register()
        self.version = f"1/{self.register.version}"
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
            FindingEvent,
        )
        self.topics = own | self.register.topics
        # V09: a use counts only when it was marked; most are not, and need no decoding.
        # (A payload without the field, as a future upcast might leave, is decoded.)
        self.payload_tests: dict[str, PayloadTest] = dict.fromkeys(
            topics_of(DataUseRecorded), lambda data: bool(data.get("marks", True))
        )

    def initial(self) -> SupervisionState:
        return SupervisionState()

    def apply(self, state: SupervisionState, event: LedgerEvent, meta: Meta) -> SupervisionState:
        self.register.apply(state.register, event, meta)
        for fold in FOLDS_FOR(event):
            fold(state, event)
        return state
