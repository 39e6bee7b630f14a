"""The register of legal instruments 法律法规和政策文件 the office keeps (Art. 24(1)).

Art. 24(1): data is kept unshared only on the basis of a law, an administrative
regulation or a policy of the Party Central Committee and the State Council — never a
department's internal rules. A department that types ``{"kind": "law"}`` beside its own
title declares its own basis; so the office keeps the register of instruments (kind,
title, issuer, 文号, effective date), and a not-shared resource cites one of them by id,
with the article it relies on.

An instrument's id follows from its title, so the same instrument is registered once.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from domain.aggregate import AggregateState, Command, natural_id
from domain.errors import RuleViolation
from domain.events import LedgerEvent
from domain.vocabulary import Labeled


class LegalInstrumentKind(Labeled):
    """Art. 24(1): the only instruments that may keep data unshared."""

    LAW = ("law", "法律")
    ADMINISTRATIVE_REGULATION = ("administrative_regulation", "行政法规")
    CENTRAL_POLICY = ("central_policy", "党中央、国务院政策")


def legal_instrument_id(title: str) -> UUID:
    return natural_id("legal-instrument", " ".join(title.split()))


class LegalInstrument(AggregateState):
    kind: LegalInstrumentKind
    title: str
    issuer: str
    document_number: str
    effective_date: date | None


class LegalInstrumentRegistered(LedgerEvent):
    kind: LegalInstrumentKind
    title: str = Field(min_length=1, max_length=500)
    issuer: str = Field(max_length=200)
    document_number: str = Field(max_length=200)
    effective_date: date | None = None

    def create(self) -> LegalInstrument:
        return LegalInstrument(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            kind=self.kind,
            title=self.title,
            issuer=self.issuer,
            document_number=self.document_number,
            effective_date=self.effective_date,
        )


class UnknownLegalInstrument(RuleViolation):
    title = "Not an instrument of the office's register (Art. 24(1))"


def register_legal_instrument(
    cmd: Command,
    kind: LegalInstrumentKind,
    title: str,
    issuer: str,
    document_number: str,
    effective_date: date | None,
) -> LegalInstrumentRegistered:
    if not title.strip():
        raise RuleViolation("an instrument has a title", field="title", article="24(1)")
    clean = " ".join(title.split())
    return cmd.event(
        LegalInstrumentRegistered,
        legal_instrument_id(clean),
        1,
        kind=kind,
        title=clean,
        issuer=issuer.strip(),
        document_number=document_number.strip(),
        effective_date=effective_date,
    )
