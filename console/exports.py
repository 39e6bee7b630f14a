"""The spreadsheets a report page offers: the API's own ``?format=xlsx|csv`` of that report,
downloaded through the page's session (the API itself wants a bearer token)."""

from __future__ import annotations

from api.exports import ExportFormat
from domain.errors import NotFound

# What a page offers, as its link says it.
SPREADSHEETS = {ExportFormat.xlsx: "Excel（xlsx）", ExportFormat.csv: "CSV"}


def spreadsheet(fmt: str) -> ExportFormat:
    for offered in SPREADSHEETS:
        if offered.value == fmt:
            return offered
    raise NotFound(f"no export as {fmt}: xlsx or csv")
