"""The ledger application: one list of verbs in the measures' own words.

Each verb gets the objects it needs, lets them decide (raising a named error when
a rule is broken) and returns a ``Decision``: the events to record and what the
command decides. ``record`` saves a decision's events in one transaction, so a
command records all of its facts or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, Recording

from domain.aggregate import AggregateState, Command
from domain.catalog import (
    CatalogSubmission,
    CatalogUpdateApplication,
    apply_for_catalog_update,
    submit_catalog,
)
from domain.departments import Department, department_id, register_department
from domain.errors import Conflict, NotFound, PreconditionFailed, UnknownDepartment, UnknownTrigger
from domain.events import LedgerEvent
from domain.principals import (
    Principal,
    initialisation_id,
    initialise,
    principal_id_for_token,
    register_principal,
)
from domain.resources import Resource, ResourceFields, catalog_resource, resource_code_id
from domain.triggers import FunctionChange, LawChange, record_function_change, record_law_change
from domain.vocabulary import DepartmentKind, Role

S = TypeVar("S", bound=AggregateState)


@dataclass
class Decision:
    """The events a command records, the object it is about, and what else it decided."""

    subject_id: UUID
    events: list[LedgerEvent]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def subject_version(self) -> int:
        versions = [e.originator_version for e in self.events if e.originator_id == self.subject_id]
        return max(versions) if versions else 0


class Ledger(Application[UUID]):
    name = "ledger"
    env: ClassVar[dict[str, str]] = {}

    # -- reading objects -------------------------------------------------------

    def get(self, object_id: UUID, kind: type[S], *, expected_version: int | None = None) -> S:
        try:
            state = self.repository.get(object_id)
        except AggregateNotFoundError:
            state = None
        if not isinstance(state, kind):
            msg = f"no {kind.__name__.lower()} with id {object_id}"
            raise NotFound(msg)
        if expected_version is not None and state.version != expected_version:
            msg = (
                f"If-Match names version {expected_version}, "
                f"but the current version is {state.version}"
            )
            raise PreconditionFailed(msg)
        return state

    def exists(self, object_id: UUID) -> bool:
        return object_id in self.repository

    def department(self, code: str, field: str = "department") -> Department:
        try:
            return self.get(department_id(code), Department)
        except NotFound:
            msg = f"no department with code {code!r}"
            raise UnknownDepartment(msg, field=field) from None

    def principal_for_token(self, token: str) -> Principal | None:
        try:
            return self.get(principal_id_for_token(token), Principal)
        except NotFound:
            return None

    # -- recording -------------------------------------------------------------

    def record(self, events: list[LedgerEvent]) -> list[Recording[UUID]]:
        try:
            return self.save(*events)
        except IntegrityError:
            msg = "another command changed this object at the same time; read it again and retry"
            raise Conflict(msg) from None

    # -- principals and departments ---------------------------------------------

    def is_initialised(self) -> bool:
        return self.exists(initialisation_id())

    def initialise(self, cmd: Command, token: str) -> Decision:
        """Create the admin principal, once (``ledger init``)."""
        if self.is_initialised():
            raise Conflict("the ledger is already initialised")
        events = initialise(cmd, token)
        return Decision(events[1].originator_id, events, {"token": token})

    def register_principal(
        self, cmd: Command, token: str, name: str, department: str, role: Role
    ) -> Decision:
        if role is not Role.ADMIN:
            self.department(department).check_active()
        event = register_principal(cmd, token, name, department, role)
        return Decision(event.originator_id, [event], {"token": token})

    def register_department(
        self, cmd: Command, code: str, name: str, kind: DepartmentKind
    ) -> Decision:
        event = register_department(cmd, code, name, kind)
        if self.exists(event.originator_id):
            msg = f"department {code} is already registered"
            raise Conflict(msg, field="code")
        return Decision(event.originator_id, [event], {"code": code})

    def designate_responsible_persons(
        self, cmd: Command, code: str, responsible_person: str, data_staff: list[str]
    ) -> Decision:
        department = self.department(code)
        event = department.designate_responsible_persons(cmd, responsible_person, data_staff)
        return Decision(department.id, [event], {"code": code})

    def record_function_change(self, cmd: Command, code: str, description: str) -> Decision:
        self.department(code).check_active()
        event = record_function_change(cmd, uuid4(), code, description)
        return Decision(event.originator_id, [event])

    def record_law_change(
        self, cmd: Command, title: str, affected_departments: list[str]
    ) -> Decision:
        for index, code in enumerate(affected_departments):
            self.department(code, field=f"affected_departments.{index}")
        event = record_law_change(cmd, uuid4(), title, affected_departments)
        return Decision(event.originator_id, [event])

    # -- the catalog (Art. 10-12) -------------------------------------------------

    def catalog_resource(self, cmd: Command, fields: ResourceFields) -> Decision:
        self.department(fields.department).check_active()
        if self.exists(resource_code_id(fields.code)):
            msg = f"resource code {fields.code} is already in the catalog"
            raise Conflict(msg, field="code")
        events = catalog_resource(cmd, uuid4(), fields)
        return Decision(events[0].originator_id, events)

    def amend_resource(
        self, cmd: Command, resource_id: UUID, changes: dict[str, Any], expected_version: int | None
    ) -> Decision:
        resource = self.get(resource_id, Resource, expected_version=expected_version)
        return Decision(resource_id, [resource.amend(cmd, changes)])

    def retire_resource(
        self, cmd: Command, resource_id: UUID, reason: str, expected_version: int | None
    ) -> Decision:
        resource = self.get(resource_id, Resource, expected_version=expected_version)
        return Decision(resource_id, [resource.retire(cmd, reason)])

    def _resources(self, resource_ids: list[UUID]) -> list[Resource]:
        resources = []
        for index, resource_id in enumerate(dict.fromkeys(resource_ids)):
            try:
                resources.append(self.get(resource_id, Resource))
            except NotFound as error:
                error.field = f"resource_ids.{index}"
                raise
        return resources

    def submit_catalog(self, cmd: Command, resource_ids: list[UUID]) -> Decision:
        department = self.department(cmd.actor.department)
        department.check_active()
        event = submit_catalog(cmd, uuid4(), department.code, self._resources(resource_ids))
        return Decision(event.originator_id, [event])

    def approve_catalog(
        self, cmd: Command, submission_id: UUID, expected_version: int | None
    ) -> Decision:
        submission = self.get(submission_id, CatalogSubmission, expected_version=expected_version)
        resources = self._resources([item.resource_id for item in submission.resources])
        return Decision(submission_id, submission.approve(cmd, resources))

    def return_catalog(
        self, cmd: Command, submission_id: UUID, reasons: list[str], expected_version: int | None
    ) -> Decision:
        submission = self.get(submission_id, CatalogSubmission, expected_version=expected_version)
        return Decision(submission_id, [submission.return_for_revision(cmd, reasons)])

    def apply_for_catalog_update(
        self, cmd: Command, reason: str, trigger_id: UUID | None
    ) -> Decision:
        self.department(cmd.actor.department).check_active()
        if trigger_id is not None:
            self._check_trigger(cmd.actor.department, trigger_id)
        event = apply_for_catalog_update(cmd, uuid4(), reason, trigger_id)
        return Decision(event.originator_id, [event])

    def _check_trigger(self, department: str, trigger_id: UUID) -> None:
        """Art. 12: an application answers a law change or a function change of that department."""
        try:
            trigger: AggregateState = self.repository.get(trigger_id)
        except AggregateNotFoundError:
            trigger = None  # type: ignore[assignment]
        concerns = (
            isinstance(trigger, LawChange) and department in trigger.affected_departments
        ) or (isinstance(trigger, FunctionChange) and trigger.department == department)
        if not concerns:
            msg = f"{trigger_id} is not a law change or function change affecting {department}"
            raise UnknownTrigger(msg, field="trigger_id", article="12")

    def file_catalog_update(
        self, cmd: Command, application_id: UUID, expected_version: int | None
    ) -> Decision:
        application = self.get(
            application_id, CatalogUpdateApplication, expected_version=expected_version
        )
        return Decision(application_id, [application.file(cmd)])
