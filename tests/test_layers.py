"""A lower layer never imports a higher one: domain < store < projections < replays < api,
console.

What each package may import is the "may import" column of the architecture: the domain
only itself (and libraries), the store the domain, projections the domain, replays the
domain, projections and the store; the API everything. The walk reads every import
statement, including those inside functions, so a lazy import cannot hide a cycle; only
an import under ``if TYPE_CHECKING:`` is left out, as it never runs.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = ("domain", "store", "projections", "replays", "api", "console")
MAY_IMPORT = {
    "domain": {"domain"},
    "store": {"store", "domain"},
    "projections": {"projections", "domain"},
    "replays": {"replays", "domain", "projections", "store"},
    # The two views of one application, side by side at the top: the console's pages call
    # the API's routes and guards, and the API's app mounts the console at /.
    "api": set(OURS),
    "console": set(OURS),
}


def imported_packages(path: Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    type_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _is_type_checking(node.test)
        for stmt in node.body
        for inner in ast.walk(stmt)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in OURS:
                found.add((top, node.lineno))
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


@pytest.mark.parametrize("package", OURS)
def test_a_package_imports_only_the_layers_below_it(package: str) -> None:
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {top}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for top, line in sorted(imported_packages(path))
        if top not in MAY_IMPORT[package]
    ]
    assert wrong == []


def test_the_walk_sees_an_import_of_a_higher_layer(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "def f():\n    from api.app import create_app\n    import replays.asof\n"
        "if TYPE_CHECKING:\n    from projections.base import Meta\n"
    )
    assert imported_packages(module) == {("api", 3), ("replays", 4)}
