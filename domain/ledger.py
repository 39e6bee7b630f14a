"""The ledger application: one eventsourcing Application holding every aggregate, so
there is one global order of events (the position) and one hash chain.

Its verbs come in groups, one module each under ``domain/verbs``, in the measures'
own words; this class only puts them together.
"""

from __future__ import annotations

from domain.verbs.base import Decision, LedgerBase
from domain.verbs.calendar import CalendarVerbs
from domain.verbs.catalog import CatalogVerbs
from domain.verbs.organisation import OrganisationVerbs

__all__ = ["Decision", "Ledger", "LedgerBase"]


class Ledger(OrganisationVerbs, CatalogVerbs, CalendarVerbs, LedgerBase):
    """Every verb of the ledger."""
