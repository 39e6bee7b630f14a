"""Information systems: registering, approving, connecting, trial, retiring (Art. 19-20)."""

from __future__ import annotations

import threading
from uuid import UUID, uuid4

from eventsourcing.utils import get_topic

from domain.aggregate import Command
from domain.facts import ResourceIds
from domain.resources import Resource, ResourceAmended, ResourceCataloged, ShareTypeChanged
from domain.systems import InformationSystem, register_system
from domain.verbs.base import Decision
from domain.verbs.references import ReferenceVerbs
from domain.vocabulary import SystemStatus

RESOURCE_TOPICS = [get_topic(c) for c in (ResourceCataloged, ResourceAmended, ShareTypeChanged)]


class SystemVerbs(ReferenceVerbs):
    _systems_lock = threading.Lock()
    # Which system each resource names, as of a notification id; grows with the log.
    _resource_systems: tuple[int, dict[UUID, UUID | None]] = (0, {})

    def resources_naming(self, system_id: UUID) -> list[Resource]:
        """Every resource whose current entry names the system."""
        with self._systems_lock:
            after, systems = self._resource_systems
            kept = (after, dict(systems))
            self._resource_systems = self.caught_up(kept, RESOURCE_TOPICS, _note_system)
            _, systems = self._resource_systems
        return [self.get(rid, Resource) for rid, sid in systems.items() if sid == system_id]

    def register_system(
        self, cmd: Command, name: str, status: SystemStatus, classified: bool
    ) -> Decision:
        self.department(cmd.actor.department).check_active()
        event = register_system(cmd, uuid4(), name, status, classified)
        return Decision(event.originator_id, [event])

    def approve_system_project(
        self, cmd: Command, system_id: UUID, expected_version: int | None
    ) -> Decision:
        system = self.get(system_id, InformationSystem, expected_version=expected_version)
        event = system.approve_project(cmd, self.resources_naming(system_id))
        return Decision(system_id, [event], (ResourceIds(tuple(event.resource_ids)),))

    def connect_system(
        self, cmd: Command, system_id: UUID, expected_version: int | None
    ) -> Decision:
        system = self.get(system_id, InformationSystem, expected_version=expected_version)
        return Decision(system_id, [system.connect(cmd)])

    def start_trial_operation(
        self, cmd: Command, system_id: UUID, expected_version: int | None
    ) -> Decision:
        system = self.get(system_id, InformationSystem, expected_version=expected_version)
        event = system.start_trial_operation(cmd, self.resources_naming(system_id))
        return Decision(system_id, [event], (ResourceIds(tuple(event.resource_ids)),))

    def retire_system(
        self, cmd: Command, system_id: UUID, reason: str, expected_version: int | None
    ) -> Decision:
        system = self.get(system_id, InformationSystem, expected_version=expected_version)
        return Decision(system_id, [system.retire(cmd, reason)])


def _note_system(
    systems: dict[UUID, UUID | None], event: object, _position: int
) -> dict[UUID, UUID | None]:
    if isinstance(event, ResourceCataloged):
        systems[event.originator_id] = event.fields.system_id
    elif isinstance(event, ResourceAmended) and "system_id" in event.changes:
        named = event.changes["system_id"]
        systems[event.originator_id] = UUID(str(named)) if named else None
    return systems
