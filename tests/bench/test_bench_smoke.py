"""The benchmark harness runs end to end (a tiny ledger, SQLite, one run) and reports every
measurement. Structure only: no assertion here is about how fast anything is."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import run, stores


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[run.Report, Path]]:
    """One tiny run for the whole module, its ledgers cached in a temporary folder."""
    folder = tmp_path_factory.mktemp("bench")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stores, "CACHE", folder / "cache")
        output = folder / "RESULTS.md"
        result = run.main(["--tiny", "--backend", "sqlite", "--output", str(output)])
        assert result is not None
        yield result, output


def test_every_measurement_reports_rows_with_numeric_ratios(
    report: tuple[run.Report, Path],
) -> None:
    result, _ = report
    letters = {row.key.split(".")[0] for row in result.rows}
    assert letters == {"a", "b", "c", "d", "e", "f", "h"}
    for row in result.rows:
        assert row.backend == "sqlite"
        assert row.ours and all(isinstance(v, float) and not math.isnan(v) for v in row.ours)
        if row.baseline:
            assert row.ratio is not None and math.isfinite(row.ratio)
        if row.bar is not None:
            assert row.met in (True, False)


def test_results_file_holds_one_table_the_machine_and_the_command(
    report: tuple[run.Report, Path],
) -> None:
    _, output = report
    text = output.read_text()
    assert text.count("| measurement | backend | ours | baseline | ratio | bar | met? |") == 1
    assert "Machine: cores (nproc)" in text
    assert "Versions: Python" in text
    assert "`python -m bench --tiny --backend sqlite" in text


def test_the_generated_ledger_is_cached_and_deterministic(report: tuple[run.Report, Path]) -> None:
    result, _ = report
    meta = result.ledgers["sqlite"]
    again = stores.prepare("sqlite", "tiny", 7)
    assert again.meta["root"] == meta["root"]
    assert meta["events"] == 2_500


def test_time_travel_measures_every_report_through_http(tmp_path: Path) -> None:
    # The reports auditors move through time with, asked over a real socket of `ledger serve`.
    from bench import time_travel

    output = tmp_path / "RESULTS-time-travel.md"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stores, "CACHE", tmp_path / "cache")
        time_travel.main(
            ["--sizes", "tiny", "--backend", "sqlite", "--instants", "2", "--output", str(output)]
        )
    text = output.read_text(encoding="utf-8")
    for report in time_travel.REPORTS:
        for mode in time_travel.MODES:
            assert f"| sqlite | 2,500 | {report} | {mode} |" in text
    trend = next(
        line
        for line in text.splitlines()
        if line.startswith("| sqlite | 2,500 |") and line.endswith("× |")
    )
    assert math.isfinite(float(trend.split("|")[-2].strip().rstrip("×")))
