"""The catalog at any instant: every resource's state, folded with the domain's own rules.

The unified 厅级 catalog (Art. 11) is the resources the office approved and that
are not retired, each as approved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from domain.events import LedgerEvent
from domain.resources import (
    JoinedCatalog,
    Resource,
    ResourceAmended,
    ResourceCataloged,
    ResourceRetiredEvent,
    UniqueSourceDesignated,
)
from projections.base import Meta, topics_of
from projections.sharing import OneObject


@dataclass
class CatalogState:
    resources: dict[UUID, Resource] = field(default_factory=dict)

    def in_catalog(self) -> list[Resource]:
        return sorted(
            (r for r in self.resources.values() if r.in_catalog),
            key=lambda r: r.fields.code,
        )


class CatalogProjection:
    name = "catalog"
    version = "2"  # 2: folds the unique-source designations (Art. 31)
    state_type = CatalogState
    topics = topics_of(
        ResourceCataloged,
        ResourceAmended,
        JoinedCatalog,
        ResourceRetiredEvent,
        UniqueSourceDesignated,
    )

    def initial(self) -> CatalogState:
        return CatalogState()

    def fork(self, state: CatalogState) -> CatalogState:
        """A copy the fold may change: events replace resources, never change one in place
        (``LedgerEvent.mutate`` returns a new state), so the dict alone is copied."""
        return CatalogState(dict(state.resources))

    def apply(self, state: CatalogState, event: LedgerEvent, meta: Meta) -> CatalogState:
        current = state.resources.get(event.originator_id)
        state.resources[event.originator_id] = event.mutate(current)
        return state


class OneResource(OneObject[Resource]):
    """One resource at an instant, from its own stream."""

    state_type = Resource | None

    def __init__(self, resource_id: UUID) -> None:
        super().__init__(resource_id, "resource")
        self.topics = CatalogProjection.topics
