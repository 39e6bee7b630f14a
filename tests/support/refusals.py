"""Every refusal message written in the code, as a template, found by reading the source.

A refusal is ``raise <LedgerError subclass>(message, ...)`` where the message is a string, an
f-string, or a name bound to one earlier in the same function. Each template is returned with
its placeholders as ``{}``, so that a catalog of translations can be checked against all of them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from domain.errors import LedgerError

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "store", "projections", "replays", "api")


@dataclass(frozen=True)
class Refusal:
    where: str
    error: str
    template: str

    def sample(self, filler: str = "x1") -> str:
        return self.template.replace("{}", filler)


def refusal_classes() -> set[str]:
    """Every LedgerError subclass by name, wherever it is declared."""
    import api.app  # noqa: F401  (imports every module that declares one)

    names: set[str] = set()
    pending: list[type] = [LedgerError]
    while pending:
        cls = pending.pop()
        names.add(cls.__name__)
        pending.extend(cls.__subclasses__())
    return names


def _template(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}").replace("{{}}", "{}")
    if isinstance(node, ast.JoinedStr):
        parts: list[str] = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            else:
                parts.append("{}")
        return "".join(parts)
    return None


def _bindings(function: ast.AST) -> dict[str, list[tuple[int, ast.expr]]]:
    bound: dict[str, list[tuple[int, ast.expr]]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                bound.setdefault(target.id, []).append((node.lineno, node.value))
    return bound


def _functions(tree: ast.Module) -> Iterator[ast.AST]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def refusals() -> list[Refusal]:
    classes = refusal_classes()
    found: dict[tuple[str, str], Refusal] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for function in _functions(tree):
                bound = _bindings(function)
                for node in ast.walk(function):
                    if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                        continue
                    call = node.exc
                    if not (isinstance(call.func, ast.Name) and call.func.id in classes):
                        continue
                    if not call.args:
                        continue
                    message = call.args[0]
                    if isinstance(message, ast.Name):
                        earlier = [
                            v for line, v in bound.get(message.id, []) if line <= node.lineno
                        ]
                        if not earlier:
                            continue
                        message = earlier[-1]
                    template = _template(message)
                    if template is None:
                        continue
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    found[(where, template)] = Refusal(where, call.func.id, template)
    return list(found.values())
