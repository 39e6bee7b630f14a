"""Figures, bars, and bench/RESULTS.md.

Every measurement is a ``Row``: our figure and, where there is one, the baseline's, one
value per run, each pair measured in the same run and interleaved, so the ratio of the
pair is what the machine's noise leaves alone. A row shows medians with min–max over
runs, and the ratio's median with its min–max (per-run ratios, not a ratio of medians).
"""

from __future__ import annotations

import math
import os
import platform
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "RESULTS.md"


@dataclass(frozen=True)
class Bar:
    """``ratio >= value`` (against the baseline) or ``ours <= value`` (in ``unit``)."""

    kind: str  # "ratio" or "max"
    value: float

    def met(self, row: Row) -> bool | None:
        if self.kind == "ratio":
            ratio = row.ratio
            return None if ratio is None else ratio >= self.value
        figure = row.median
        return None if figure is None else figure <= self.value

    def text(self, unit: str) -> str:
        if self.kind == "ratio":
            return f"≥ {self.value:g}×"
        return f"≤ {self.value:g} {unit}"


@dataclass
class Row:
    key: str  # a stable id: the letter of the issue and what
    measurement: str
    backend: str
    unit: str
    ours: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)
    baseline_name: str = ""
    bar: Bar | None = None
    higher_is_better: bool = True
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.ours) if self.ours else None

    @property
    def ratios(self) -> list[float]:
        """Ours over the baseline, run by run (for latencies, the baseline over ours, so a
        ratio above 1 always means the ledger does better)."""
        pairs = zip(self.ours, self.baseline, strict=False)
        if self.higher_is_better:
            return [o / b for o, b in pairs if b > 0]
        return [b / o for o, b in pairs if o > 0]

    @property
    def ratio(self) -> float | None:
        ratios = self.ratios
        return statistics.median(ratios) if ratios else None

    @property
    def met(self) -> bool | None:
        return None if self.bar is None else self.bar.met(self)

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "measurement": self.measurement,
            "backend": self.backend,
            "unit": self.unit,
            "ours": self.ours,
            "baseline": self.baseline,
            "baseline_name": self.baseline_name,
            "ratio": self.ratio,
            "bar": None if self.bar is None else {"kind": self.bar.kind, "value": self.bar.value},
            "bar_text": None if self.bar is None else self.bar.text(self.unit),
            "higher_is_better": self.higher_is_better,
            "met": self.met,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Row:
        bar = data.get("bar")
        return cls(
            key=data["key"],
            measurement=data["measurement"],
            backend=data["backend"],
            unit=data["unit"],
            ours=list(data["ours"]),
            baseline=list(data["baseline"]),
            baseline_name=data["baseline_name"],
            bar=None if bar is None else Bar(bar["kind"], bar["value"]),
            higher_is_better=data.get("higher_is_better", True),
        )


def number(value: float) -> str:
    if math.isnan(value):
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def spread(values: Sequence[float]) -> str:
    if not values:
        return "—"
    middle = number(statistics.median(values))
    if len(values) == 1:
        return middle
    return f"{middle} ({number(min(values))}–{number(max(values))})"


def ratio_text(row: Row) -> str:
    ratios = row.ratios
    if not ratios:
        return "—"
    text = f"{statistics.median(ratios):.2f}×"
    if len(ratios) > 1:
        text += f" ({min(ratios):.2f}–{max(ratios):.2f})"
    return text


def met_text(row: Row) -> str:
    met = row.met
    if met is None:
        return "—" if row.bar is None else "n/a"
    return "yes" if met else "**no**"


def label(row: Row) -> str:
    """The row's name in the table, from its key (short enough for one table)."""
    parts = row.key.split(".")
    letter = parts[0]
    if letter == "a":
        grain = "1 event" if parts[2] == "1" else f"{parts[2]} events"
        what = {
            "append": "append",
            "ceiling": "append vs the raw ceiling",
            "tree": "Merkle tree overhead at the recorder (append_tree.py)",
        }[parts[1]]
        return f"(a) {what}, {grain} per transaction"
    if letter == "b":
        return {
            "throughput": "(b) HTTP `POST /v1/data-uses`, best throughput",
            "p50": "(b) HTTP p50, open loop at half that throughput",
            "p99": "(b) HTTP p99, open loop at half that throughput",
            "bulk": "(b) HTTP `POST /v1/data-uses:batch`, bulk uses",
            "bulk_ceiling": "(b) HTTP `POST /v1/data-uses:batch` vs the raw ceiling",
        }[parts[1]]
    if letter == "c":
        return f"(c) full rebuild: {parts[2]}"
    if letter == "d":
        return f"(d) {parts[1]} report at an instant, known_at={parts[2]}: {parts[3]}"
    if letter == "e":
        what = "resource history" if parts[1] == "history" else "data-use trail"
        return f"(e) forensic {what}: {parts[2]}"
    if letter == "f":
        return "(f) `ledger verify`"
    return row.measurement


def table(rows: Sequence[Row]) -> list[str]:
    lines = [
        "| measurement | backend | ours | baseline | ratio | bar | met? |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        baseline = "—"
        if row.baseline:
            baseline = f"{spread(row.baseline)} {row.unit}<br>*{row.baseline_name}*"
        elif row.baseline_name:
            baseline = f"*{row.baseline_name}*"
        lines.append(
            f"| {label(row)} | {row.backend} | {spread(row.ours)} {row.unit} | {baseline} "
            f"| {ratio_text(row)} | {'' if row.bar is None else row.bar.text(row.unit)} "
            f"| {met_text(row)} |"
        )
    return lines


# -- the machine and the versions ------------------------------------------------------------


def machine() -> dict[str, str]:
    memory = "?"
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "cores (nproc)": str(os.cpu_count()),
        "memory": memory,
        "cpu": cpu,
        "os": f"{platform.system()} {platform.release()}",
    }


def versions(postgres: str | None) -> dict[str, str]:
    import sqlite3

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "?"

    found = {
        "Python": platform.python_version(),
        "eventsourcing": version("eventsourcing"),
        "psycopg": version("psycopg"),
        "pydantic": version("pydantic"),
        "orjson": version("orjson"),
        "fastapi": version("fastapi"),
        "uvicorn": version("uvicorn"),
        "SQLite": sqlite3.sqlite_version,
    }
    if postgres:
        found["PostgreSQL"] = postgres
    return found
