"""A command's answer: the facts the domain decided, in the fields the API answers.

The domain returns facts as its own values (domain/facts.py); this is the one place
that names them for a reader: ISO dates, an enum's code with its Chinese label, a
mark's code and label. Every command's answer is ``{"id", "version", ...its facts}``
(``CommandResponse`` in api/models.py declares the fields).
"""

from __future__ import annotations

from functools import singledispatch
from typing import Any
from uuid import UUID

from fastapi.encoders import jsonable_encoder

from domain import facts
from domain.ledger import Decision


def answer_of(decision: Decision) -> dict[str, Any]:
    """The answer to a command, as plain JSON values (what a receipt keeps for a retry)."""
    body: dict[str, Any] = {"id": decision.subject_id, "version": decision.subject_version}
    for fact in decision.facts:
        body.update(fields_of(fact))
    encoded: dict[str, Any] = json_values(body)
    return encoded


_PLAIN = (str, int, float, bool, type(None))


def json_values(value: Any) -> Any:
    """``jsonable_encoder(value)``, with what is already plain JSON (exactly a dict with
    text keys, a list, a string, a number, a boolean, None) taken as it is: most of an
    answer or a request body is, and a bulk load encodes thousands of them. Anything else
    (an instant, an enum, a model) is ``jsonable_encoder``'s to say; an id is its text."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is UUID:  # every answer's id: as ``jsonable_encoder`` writes it, without asking
        return str(value)
    if kind is dict:
        plain: dict[str, Any] = {}
        for key, item in value.items():
            if type(key) is not str or key.startswith("_sa"):
                return jsonable_encoder(value)  # its rules for such keys, not ours
            # A scalar is taken here, not by a call for each: nearly every value is one.
            plain[key] = item if type(item) in _PLAIN else json_values(item)
        return plain
    if kind is list:
        return [item if type(item) in _PLAIN else json_values(item) for item in value]
    return jsonable_encoder(value)


@singledispatch
def fields_of(fact: facts.Fact) -> dict[str, Any]:
    msg = f"no answer field states a {type(fact).__name__}"
    raise TypeError(msg)


@fields_of.register
def _status(fact: facts.Status) -> dict[str, Any]:
    return {"status": fact.status.value, "status_label": fact.status.label}


@fields_of.register
def _stage(fact: facts.Stage) -> dict[str, Any]:
    return {"status": fact.status}


@fields_of.register
def _deadline(fact: facts.Deadline) -> dict[str, Any]:
    return {"due_date": fact.due_date.isoformat(), "provisional": fact.provisional}


@fields_of.register
def _no_deadline(_: facts.NoDeadline) -> dict[str, Any]:
    return {"due_date": None, "provisional": None}


@fields_of.register
def _deadlines(fact: facts.DeadlinesByDepartment) -> dict[str, Any]:
    return {"due_dates": {code: _deadline(due) for code, due in fact.deadlines.items()}}


@fields_of.register
def _answered(fact: facts.Answered) -> dict[str, Any]:
    return {"due_date": fact.due_date.isoformat(), "late": fact.late}


@fields_of.register
def _rectification_due(fact: facts.RectificationDue) -> dict[str, Any]:
    return {"due_date": fact.due_date.isoformat()}


@fields_of.register
def _marks(fact: facts.Marks) -> dict[str, Any]:
    return {
        "marks": [mark.value for mark in fact.marks],
        "marks_labels": [mark.label for mark in fact.marks],
        "violation": fact.violation,
    }


@fields_of.register
def _provider(fact: facts.Provider) -> dict[str, Any]:
    return {"provider": fact.department}


@fields_of.register
def _requester(fact: facts.Requester) -> dict[str, Any]:
    return {"requester": fact.department}


@fields_of.register
def _code(fact: facts.DepartmentCode) -> dict[str, Any]:
    return {"code": fact.code}


@fields_of.register
def _dissolved(_: facts.Dissolved) -> dict[str, Any]:
    return {"dissolved": True}


@fields_of.register
def _revoked(_: facts.Revoked) -> dict[str, Any]:
    return {"revoked": True}


@fields_of.register
def _token(fact: facts.Token) -> dict[str, Any]:
    return {"token": fact.token}


@fields_of.register
def _name(fact: facts.Name) -> dict[str, Any]:
    return {"name": fact.name}


@fields_of.register
def _title(fact: facts.Title) -> dict[str, Any]:
    return {"title": fact.title}


@fields_of.register
def _year(fact: facts.Year) -> dict[str, Any]:
    return {"year": fact.year}


@fields_of.register
def _period(fact: facts.Period) -> dict[str, Any]:
    return {"period": fact.period.value}


@fields_of.register
def _policy(fact: facts.PolicyValue) -> dict[str, Any]:
    return {
        "name": fact.name,
        "value": fact.value,
        "effective_from": fact.effective_from.isoformat(),
    }


@fields_of.register
def _verification(fact: facts.VerificationAnswer) -> dict[str, Any]:
    return {"outcome": fact.outcome.value}


@fields_of.register
def _duplicates(fact: facts.Duplicates) -> dict[str, Any]:
    return {"duplicates": [d.model_dump(mode="json") for d in fact.duplicates]}


@fields_of.register
def _consistency(fact: facts.Consistency) -> dict[str, Any]:
    return {"consistent": fact.consistent}


@fields_of.register
def _resource_ids(fact: facts.ResourceIds) -> dict[str, Any]:
    return {"resource_ids": list(fact.resource_ids)}
