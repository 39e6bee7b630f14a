"""The catalog: cataloging, amending, retiring, submitting, approving, updating (Art. 10-12)."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from domain.aggregate import Command
from domain.catalog import (
    CatalogSubmission,
    CatalogUpdateApplication,
    apply_for_catalog_update,
    submit_catalog,
)
from domain.consistency import Difference, record_consistency_check
from domain.errors import Conflict, NotFound, UnknownTrigger
from domain.facts import Consistency, Duplicates
from domain.legal_instruments import LegalInstrument, UnknownLegalInstrument
from domain.resources import (
    DuplicateCollection,
    LegalBasis,
    Resource,
    ResourceFields,
    catalog_resource,
    resource_code_id,
)
from domain.source_conflicts import UniqueSource, unique_source_id
from domain.triggers import FunctionChange, LawChange
from domain.verbs.base import Decision
from domain.verbs.references import ReferenceVerbs
from domain.vocabulary import BasicDataKind, LegalBasisKind


class CatalogVerbs(ReferenceVerbs):
    def catalog_resource(self, cmd: Command, fields: ResourceFields) -> Decision:
        self.department(fields.department).check_active()
        if fields.legal_basis is not None:
            basis = self.cited_legal_basis(fields.legal_basis.model_dump())
            fields = fields.model_copy(update={"legal_basis": basis})
        if fields.system_id is not None:
            self.named_system(fields.system_id)
        if self.exists(resource_code_id(fields.code)):
            msg = f"resource code {fields.code} is already in the catalog"
            raise Conflict(msg, field="code")
        duplicates = self._duplicate_collections(fields)
        events = catalog_resource(cmd, uuid4(), fields, duplicates)
        return Decision(events[0].originator_id, events, (Duplicates(duplicates),))

    def _duplicate_collections(self, fields: ResourceFields) -> tuple[DuplicateCollection, ...]:
        """Art. 15, 31 (V05): data items whose unique source is another department's resource.
        Recorded and marked, not refused: whether it is a violation is the leading group's."""
        marks: list[DuplicateCollection] = []
        for item in fields.data_items:
            lookup_id = unique_source_id(item.name)
            if not self.exists(lookup_id) or item.name in (m.data_item for m in marks):
                continue
            source = self.get(self.get(lookup_id, UniqueSource).resource_id, Resource)
            if source.department != fields.department and source.retired_at is None:
                marks.append(
                    DuplicateCollection(
                        data_item=item.name,
                        unique_source_resource_id=source.id,
                        unique_source_department=source.department,
                    )
                )
        return tuple(marks)

    def amend_resource(
        self, cmd: Command, resource_id: UUID, changes: dict[str, Any], expected_version: int | None
    ) -> Decision:
        resource = self.get(resource_id, Resource, expected_version=expected_version)
        if changes.get("system_id") is not None:
            self.named_system(changes["system_id"])
        if isinstance(changes.get("legal_basis"), dict):
            basis = self.cited_legal_basis(changes["legal_basis"])
            changes = {**changes, "legal_basis": basis.model_dump()}
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
        self,
        cmd: Command,
        submission_id: UUID,
        expected_version: int | None,
        basic_data_kinds: dict[UUID, BasicDataKind | None] | None = None,
    ) -> Decision:
        """Art. 11 and 24(2): approved, with the basic-data kind the office confirms for each."""
        submission = self.get(submission_id, CatalogSubmission, expected_version=expected_version)
        resources = self._resources([item.resource_id for item in submission.resources])
        return Decision(submission_id, submission.approve(cmd, resources, basic_data_kinds))

    def cited_legal_basis(self, basis: dict[str, Any]) -> LegalBasis:
        """Art. 24(1): the instrument a resource cites, with its kind and title from the
        office's register (an id the register lacks is bad input)."""
        instrument_id = basis.get("instrument_id")
        if instrument_id is None:
            return LegalBasis.model_validate(basis)
        try:
            instrument = self.get(UUID(str(instrument_id)), LegalInstrument)
        except NotFound:
            msg = f"no instrument {instrument_id} in the office's register of legal instruments"
            raise UnknownLegalInstrument(
                msg, field="legal_basis.instrument_id", article="24(1)"
            ) from None
        return LegalBasis(
            instrument_id=instrument.id,
            article=basis.get("article"),
            kind=LegalBasisKind[instrument.kind.name],
            title=instrument.title,
        )

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
        trigger = self.find(trigger_id)
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

    def record_consistency_check(
        self,
        cmd: Command,
        system_id: UUID,
        year: int,
        differences: list[Difference],
        recommendations: list[str] | None = None,
    ) -> Decision:
        """Art. 13: the office's yearly check of one system against the catalog."""
        system = self.named_system(system_id)
        event = record_consistency_check(
            cmd, uuid4(), system, year, differences, recommendations or []
        )
        return Decision(event.originator_id, [event], (Consistency(consistent=not differences),))
