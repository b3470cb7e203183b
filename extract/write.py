"""Write claim rows as CSV (UTF-8 with BOM, for Excel), Parquet or JSON Lines.

Writers stream: rows go out in batches as documents finish, so memory stays
flat however large the corpus.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from .columns import COLUMNS

FORMATS = (".csv", ".parquet", ".jsonl")
_SCHEMA = pa.schema([
    (name, pa.int64() if name in ("start", "end", "year") else
     pa.float64() if name in ("value", "confidence") else pa.string())
    for name in COLUMNS
])


class RowWriter(Protocol):
    def write(self, rows: Iterable[dict[str, Any]]) -> None: ...
    def close(self) -> None: ...


class _CsvWriter:
    def __init__(self, path: Path) -> None:
        self._handle = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.DictWriter(self._handle, fieldnames=COLUMNS, extrasaction="ignore")
        self._writer.writeheader()

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        self._writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)

    def close(self) -> None:
        self._handle.close()


class _JsonlWriter:
    def __init__(self, path: Path) -> None:
        self._handle = path.open("w", encoding="utf-8")

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self._handle.write(json.dumps({k: row.get(k) for k in COLUMNS}, ensure_ascii=False))
            self._handle.write("\n")

    def close(self) -> None:
        self._handle.close()


class _ParquetWriter:
    def __init__(self, path: Path) -> None:
        self._writer = pq.ParquetWriter(path, _SCHEMA)

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        batch = list(rows)
        if batch:
            columns = {name: [row.get(name) for row in batch] for name in COLUMNS}
            self._writer.write_table(pa.table(columns, schema=_SCHEMA))

    def close(self) -> None:
        self._writer.close()


def open_writer(path: Path) -> RowWriter:
    """A streaming writer for `path`, the format chosen by its extension."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _CsvWriter(path)
    if suffix == ".jsonl":
        return _JsonlWriter(path)
    if suffix == ".parquet":
        return _ParquetWriter(path)
    raise ValueError(f"unknown output format {suffix!r}: use one of {', '.join(FORMATS)}")
