"""The ledger application: one eventsourcing Application holding every aggregate, so
there is one global order of events (the position) and one hash chain.

Its verbs come in groups, one module each under ``domain/verbs``, in the measures'
own words; this class only puts them together.
"""

from __future__ import annotations

from domain.verbs.aggregation import AggregationVerbs
from domain.verbs.audit import AuditVerbs
from domain.verbs.base import Decision, LedgerBase
from domain.verbs.calendar import CalendarVerbs
from domain.verbs.catalog import CatalogVerbs
from domain.verbs.organisation import OrganisationVerbs
from domain.verbs.policies import PolicyVerbs
from domain.verbs.sharing import SharingVerbs
from domain.verbs.supervision import SupervisionVerbs
from domain.verbs.systems import SystemVerbs
from domain.verbs.usage_reports import UsageReportVerbs
from domain.verbs.verification import VerificationVerbs

__all__ = ["Decision", "Ledger", "LedgerBase"]


class Ledger(
    OrganisationVerbs,
    CatalogVerbs,
    SharingVerbs,
    SystemVerbs,
    AggregationVerbs,
    VerificationVerbs,
    UsageReportVerbs,
    CalendarVerbs,
    PolicyVerbs,
    AuditVerbs,
    SupervisionVerbs,
    LedgerBase,
):
    """Every verb of the ledger."""
