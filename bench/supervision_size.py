"""The supervision report through HTTP on a cached bench ledger: its size and its time.

    python -m bench.supervision_size --url sqlite:///bench/.cache/ledger-1m.db

The app runs in this process (FastAPI's TestClient: the whole HTTP stack but the socket),
over the ledger as it is; the first request is a warm-up (it may fold the whole log and
save its folds), the next ``--runs`` are timed. It also reads the evidence behind the
largest cell, the page a reader opens from the report. Times on a shared machine are
noisy: compare them with the ledger head read timed in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from api.runtime import open_ledger
from bench.generate import OFFICE, token_for
from domain.vocabulary import Role


def timed(client: TestClient, path: str, token: str, runs: int, **params: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    if client.get(path, params=params, headers=headers).status_code in (404, 405):  # warm-up
        return {"path": path, "absent": True}  # a version of the API without it
    seconds, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        answer = client.get(path, params=params, headers=headers)
        seconds.append(time.perf_counter() - start)
        assert answer.status_code == 200, answer.text[:500]
        size = len(answer.content)
    return {"path": path, "bytes": size, "median_s": round(statistics.median(seconds), 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--at", default=None, help="the instant asked about (default now)")
    args = parser.parse_args()
    ledger = open_ledger(args.url)
    app = create_app(ledger, backend="sqlite", run_projections=False)
    token = token_for(args.seed, OFFICE, Role.LEADING_GROUP)
    at = {"at": args.at} if args.at else {}
    with TestClient(app) as client:
        control = timed(client, "/v1/ledger/head", token, args.runs)
        report = timed(client, "/v1/supervision/violations", token, args.runs, **at)
        print(control)
        print(report)
        body = client.get(
            "/v1/supervision/violations", params=at, headers={"Authorization": f"Bearer {token}"}
        ).json()
        cells = [
            (cell["detected"], entry["department"], code)
            for entry in body["departments"]
            for code, cell in entry["counts"].items()
        ]
        detected, department, category = max(cells)
        path = f"/v1/supervision/violations/{department}/{category}/evidence"
        print({"largest_cell": f"{department}/{category}", "detected": detected})
        print(timed(client, path, token, args.runs, **at))


if __name__ == "__main__":
    main()
