"""Who may call what, as the README's endpoint table states it, checked over HTTP on SQLite
and PostgreSQL for every role: a role the table does not name is refused (403), a role it
names passes the gate (whatever the body then earns); no one passes without a token.

The matrix is read from the README itself, so the table and the API cannot drift apart.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from domain.ledger import Ledger
from tests.support.portal import Portal, auth

README = Path(__file__).resolve().parents[2] / "README.md"
ROLES = ("admin", "department", "office", "info_center", "leading_group", "external", "auditor")
OVERSEERS = {"admin", "office", "info_center", "leading_group", "auditor"}
# The table's words for who, as roles: a department acts in the department role, an
# external department in the external one; "its parties" are departments of either kind.
PHRASES = {
    "anyone signed in": set(ROLES),
    "anyone": set(ROLES),
    "overseers": OVERSEERS,
    "either party": {"department", "external"},
    "the requester": {"department", "external"},
    "its parties": {"department", "external"},
    "its provider": {"department"},
    "the provider": {"department"},
    "the owning department": {"department"},
    "the using department": {"department"},
    "that department": {"department"},
    "the department": {"department"},
    "it": {"department"},
    "department": {"department"},
}
ENDPOINT = re.compile(r"`(?:(GET|POST) )?((?:/|…/)[^`?]*)")


def who(text: str) -> set[str] | None:
    """The roles a who-cell names, or None where it describes rather than names."""
    text = re.sub(r"\([^)]*\)", "", text)
    roles: set[str] = set()
    for part in (p.strip() for p in re.split(r",|;", text)):
        if part in ROLES:
            roles.add(part)
        elif part in PHRASES:
            roles |= PHRASES[part]
        elif part.startswith("a department sees"):
            roles |= {"department", "external"}
        else:
            return None
    return roles or None


def matrix() -> list[tuple[str, str, frozenset[str]]]:
    rows = []
    for line in README.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        if len(cells) != 2:
            continue
        endpoints, whom = cells
        segments = endpoints.split(" · ")
        whoms = whom.split(" · ")
        if len(whoms) == 1:
            whoms *= len(segments)
        if len(whoms) != len(segments):
            continue
        method, collection, obj = "GET", "", ""
        for segment, allowed_text in zip(segments, whoms, strict=True):
            allowed = who(allowed_text)
            for found_method, path in ENDPOINT.findall(segment):
                method = found_method or method
                if path.startswith("…/"):
                    path = collection + path[1:]
                elif path.startswith("/{"):
                    path = collection + path
                elif not path.startswith("/v1/") and path != "/health":
                    path = obj + path  # a verb on the object named before it
                elif "{" not in path:
                    collection = obj = path
                else:
                    obj = path[: path.rindex("}") + 1]
                if allowed is not None and path.startswith("/v1/"):
                    rows.append((method, path, frozenset(allowed)))
    return rows


MATRIX = matrix()


def test_the_readme_names_who_for_most_endpoints() -> None:
    assert len(MATRIX) >= 40, MATRIX


def concrete(path: str) -> str:
    path = re.sub(r"\{code\}", "ZYKF", path)
    path = re.sub(r"\{person\}", "某人", path)
    return re.sub(r"\{[a-z_]+\}", str(uuid.uuid4()), path)


@pytest.fixture
def tokens(client: TestClient, ledger: Ledger) -> dict[str, str]:
    portal = Portal(client, ledger)
    for code, kind in (("BGS", "division"), ("ZYKF", "division"), ("SGAT", "external")):
        portal.department(code, kind=kind)
    found = {"admin": portal.admin}
    for role in ROLES[1:]:
        department = "SGAT" if role == "external" else "ZYKF" if role == "department" else "BGS"
        found[role] = portal.principal(f"{role}人员", department, role)
    return found


def test_every_role_meets_the_gate_the_readme_states(
    client: TestClient, tokens: dict[str, str]
) -> None:
    wrong = []
    for method, path, allowed in MATRIX:
        url = concrete(path)
        anonymous = client.request(method, url, json={} if method == "POST" else None)
        if anonymous.status_code != 401:
            wrong.append(f"{method} {path} without a token: {anonymous.status_code}")
        for role in ROLES:
            answer = client.request(
                method, url, json={} if method == "POST" else None, headers=auth(tokens[role])
            )
            # One object read: a role that may not see it learns nothing, not even that it
            # exists (404, as for one that does not); a route or command refuses with 403.
            hidden = method == "GET" and "{" in path and answer.status_code == 404
            if role in allowed and answer.status_code in (401, 403):
                wrong.append(f"{method} {path} refuses {role}, which the README admits")
            if role not in allowed and not (answer.status_code == 403 or hidden):
                wrong.append(f"{method} {path} admits {role} ({answer.status_code})")
    assert not wrong, "\n".join(wrong)
