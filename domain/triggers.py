"""What obliges a department to apply to update its catalog (Art. 12, ``CATALOG_UPDATE``):
a law or regulation amended, or the department's functions changed."""

from __future__ import annotations

from uuid import UUID

from domain.aggregate import AggregateState, Command
from domain.errors import RuleViolation
from domain.events import LedgerEvent


class LawChange(AggregateState):
    """法律法规修改: recorded by the office with the departments whose catalogs it affects."""

    title: str
    affected_departments: tuple[str, ...]


class LawChangeRecorded(LedgerEvent):
    title: str
    affected_departments: tuple[str, ...]

    def create(self) -> LawChange:
        return LawChange(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            title=self.title,
            affected_departments=self.affected_departments,
        )


class FunctionChange(AggregateState):
    """职能变更 of one department."""

    department: str
    description: str


class FunctionsChanged(LedgerEvent):
    department: str
    description: str

    def create(self) -> FunctionChange:
        return FunctionChange(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            department=self.department,
            description=self.description,
        )


def record_law_change(
    cmd: Command, change_id: UUID, title: str, affected_departments: list[str]
) -> LawChangeRecorded:
    if not title.strip():
        raise RuleViolation("a law change needs a title", field="title")
    if not affected_departments:
        raise RuleViolation(
            "name at least one department whose catalog the change affects",
            field="affected_departments",
        )
    unique = tuple(dict.fromkeys(affected_departments))
    return cmd.event(LawChangeRecorded, change_id, 1, title=title, affected_departments=unique)


def record_function_change(
    cmd: Command, change_id: UUID, department: str, description: str
) -> FunctionsChanged:
    if not description.strip():
        raise RuleViolation("describe the change of functions", field="description")
    return cmd.event(FunctionsChanged, change_id, 1, department=department, description=description)
