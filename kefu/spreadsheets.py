"""Rows for spreadsheet programs. A cell that begins with =, +, -, @, a tab or a carriage
return is read as a formula by Excel, WPS and LibreOffice, so text a customer or a member of
staff typed could run in an auditor's spreadsheet (CSV injection): such a cell is written
with a leading apostrophe, which the programs show as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class CsvLines:
    """A CSV writer whose rows are taken as text chunks, for a streamed response."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer)

    def rows(self, rows: Iterable[Iterable[Any]]) -> str:
        for row in rows:
            self._writer.writerow([safe_cell(value) for value in row])
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text
