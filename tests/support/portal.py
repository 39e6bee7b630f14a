"""A department portal as tests drive it: real HTTP calls through the FastAPI app."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from api.runtime import admin_command
from domain.ledger import Ledger
from domain.principals import new_token

_codes = itertools.count(1)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def created(response: Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


THREE_DEPARTMENTS = {"BGS": "办公室", "ZYKF": "资源开发处", "SCGL": "市场管理处"}
# The people of the usual stories: the office, the leading group, an auditor, and a data
# officer in each division.
OFFICE = ("李静", "BGS", "office")
LEADING_GROUP = ("张立新", "BGS", "leading_group")
AUDITOR = ("审计员", "BGS", "auditor")
ZYKF_STAFF = ("孙悦", "ZYKF", "department")
SCGL_STAFF = ("高远", "SCGL", "department")


@dataclass
class Portal:
    """Logs in as principals of several roles and sends commands for them."""

    client: TestClient
    ledger: Ledger
    admin: str = ""
    tokens: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.admin = new_token()
        self.ledger.record(self.ledger.initialise(admin_command(), self.admin).events)

    def post(
        self, token: str, path: str, body: dict[str, Any] | None = None, **headers: str
    ) -> Response:
        return self.client.post(
            path, json=body if body is not None else {}, headers={**auth(token), **headers}
        )

    def get(self, token: str, path: str, **params: Any) -> Response:
        return self.client.get(path, params=params, headers=auth(token))

    def department(self, code: str, name: str = "测试处", kind: str = "division") -> str:
        created(
            self.post(self.admin, "/v1/departments", {"code": code, "name": name, "kind": kind})
        )
        return code

    def principal(self, name: str, department: str, role: str) -> str:
        body = {"name": name, "department": department, "role": role}
        token: str = created(self.post(self.admin, "/v1/principals", body))["token"]
        self.tokens[name] = token
        return token

    def staffed(
        self, *principals: tuple[str, str, str], extra: dict[str, str] | None = None
    ) -> Portal:
        """The office and two divisions most stories need (办公室, 资源开发处, 市场管理处, and
        ``extra`` departments by code), with ``principals`` as (name, department, role)."""
        for code, name in {**THREE_DEPARTMENTS, **(extra or {})}.items():
            self.department(code, name)
        for name, department, role in principals:
            self.principal(name, department, role)
        return self

    def position(self) -> int:
        return self.ledger.recorder.head().position  # type: ignore[attr-defined, no-any-return]

    def in_catalog(
        self, department_token: str, office_token: str, department: str, **overrides: Any
    ) -> str:
        """Catalog a resource, submit it and have the office approve it (Art. 10-11): its id."""
        at = {"occurred_at": overrides["occurred_at"]} if "occurred_at" in overrides else {}
        body = resource_body(department, **overrides)
        resource_id = str(created(self.post(department_token, "/v1/resources", body))["id"])
        submission = created(
            self.post(
                department_token, "/v1/catalog-submissions", {"resource_ids": [resource_id], **at}
            )
        )
        approval = f"/v1/catalog-submissions/{submission['id']}/approval"
        created(self.post(office_token, approval, at))
        return resource_id

    def legal_instrument(
        self, office_token: str, title: str = "中华人民共和国个人信息保护法", kind: str = "law"
    ) -> str:
        """Register an instrument in the office's register (Art. 24(1)): its id."""
        body = {"kind": kind, "title": title, "issuer": "全国人民代表大会常务委员会"}
        return str(created(self.post(office_token, "/v1/legal-instruments", body))["id"])

    def request_share(
        self, token: str, resource_id: str, channel: str = "department", **fields: Any
    ) -> Response:
        """POST /v1/share-requests for the fields of a conditional request as in API.md."""
        body = {
            "resource_id": resource_id,
            "purpose": "行业监管",
            "scope": "名称、等级、地址",
            "channel": channel,
            **fields,
        }
        return self.post(token, "/v1/share-requests", body)

    def system(
        self, token: str, status: str = "existing", classified: bool = False, **fields: Any
    ) -> str:
        """Register an information system of the token's department (Art. 19-20): its id."""
        body = {"name": "A级旅游景区管理系统", "status": status, "classified": classified}
        return str(created(self.post(token, "/v1/systems", {**body, **fields}))["id"])

    def aggregate(
        self, token: str, resource_id: str, system_id: str, first: str, last: str, **fields: Any
    ) -> Response:
        """POST /v1/aggregations: data of [first, last] received, SHA-256 by default."""
        body = {
            "resource_id": resource_id,
            "system_id": system_id,
            "record_count": 120,
            "period_start": first,
            "period_end": last,
            "checksum": "ab" * 32,
            **fields,
        }
        return self.post(token, "/v1/aggregations", body)


def resource_body(department: str, **overrides: Any) -> dict[str, Any]:
    """A valid department-category resource, conditional, as API.md's example."""
    body: dict[str, Any] = {
        "code": f"3/1030020{next(_codes):04d}",
        "name": "A级旅游景区名录",
        "category": "department",
        "department": department,
        "source": "collected",
        "summary": "全省A级旅游景区的名称、等级、地址、评定时间",
        "format": "database",
        "data_items": [{"name": "景区名称", "type": "C"}, {"name": "评定日期", "type": "D"}],
        "share_type": "conditional",
        "share_conditions": {
            "scope": "按景区逐条",
            "content": "名称、等级、地址",
            "uses": ["行业监管", "统计分析"],
        },
        "legal_basis": None,
        "share_method": "api",
        "open_type": "conditional_open",
        "update_cycle": "monthly",
        "usage_requirements": "仅限履职使用，不得向第三方提供",
        "classified": False,
        "basic_data_kind": None,
        "system_id": None,
        "publication_date": "2025-03-01",
        "related_codes": [],
    }
    body.update(overrides)
    return body
