"""Every enumeration with its 中文 labels, for forms and for reading codes (词表)."""

from __future__ import annotations

import re

from fastapi import APIRouter

from api.auth import Authenticated
from api.list_models import Vocabularies
from domain import deadlines, findings, vocabulary
from domain.vocabulary import Labeled
from projections import listings

router = APIRouter(prefix="/v1", tags=["vocabularies"])

# The domain's own enumerations, wherever declared: every Labeled of these modules.
MODULES = (vocabulary, deadlines, findings)


def _name(cls: type[Labeled]) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


def vocabularies() -> dict[str, list[dict[str, str]]]:
    found: dict[str, list[dict[str, str]]] = {}
    for module in MODULES:
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Labeled) and value is not Labeled:
                terms = [
                    {"code": code, "label_zh": label} for code, label in value.labels().items()
                ]
                found[_name(value)] = terms
    # The statuses lists filter by, where a kind's status is not one enumeration.
    for kind in listings.KINDS:
        if kind.statuses is not None:
            terms = [{"code": code, "label_zh": label} for code, label in kind.statuses.items()]
            found[f"{kind.name.replace('-', '_')}.status"] = terms
    return dict(sorted(found.items()))


@router.get("/vocabularies", response_model=Vocabularies)
def read_vocabularies(principal: Authenticated) -> dict[str, list[dict[str, str]]]:
    """``{name: [{code, label_zh}]}``: each enumeration's codes as portals send them."""
    return vocabularies()
