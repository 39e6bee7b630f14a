"""Department names beside their codes: a report says 资源开发处, not only ZYKF."""

from __future__ import annotations

import weakref
from typing import Any

from domain.errors import UnknownDepartment
from domain.ledger import Ledger

# The keys whose value is a department code, and the key its name goes under.
NAMED = {
    "department": "department_name",
    "provider": "provider_name",
    "requester": "requester_name",
}


# The names found so far, per ledger: a department keeps the name it was registered with,
# so once found a name is never read again (a code not found is asked again next report:
# the department may be registered since).
_registered: weakref.WeakKeyDictionary[Ledger, dict[str, str]] = weakref.WeakKeyDictionary()


class DepartmentNames:
    """Each code's registered name, read once per ledger (a code is never renamed)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._known: dict[str, str | None] = {}
        self._registered = _registered.setdefault(ledger, {})

    def __call__(self, code: str) -> str | None:
        name = self._registered.get(code)
        if name is not None:
            return name
        if code not in self._known:
            try:
                self._known[code] = self._registered[code] = self.ledger.department(code).name
            except UnknownDepartment:
                self._known[code] = None
        return self._known[code]


def with_names(row: dict[str, Any], names: DepartmentNames) -> dict[str, Any]:
    """The row with ``<key>_name`` right after each department code it carries."""
    named: dict[str, Any] = {}
    for key, value in row.items():
        named[key] = value
        if key in NAMED and isinstance(value, str) and NAMED[key] not in row:
            named[NAMED[key]] = names(value)
    return named


def rows_with_names(rows: list[dict[str, Any]], ledger: Ledger) -> list[dict[str, Any]]:
    names = DepartmentNames(ledger)
    return [with_names(row, names) for row in rows]
