"""Write tables as CSV (UTF-8 with BOM, for Excel), Parquet or JSON Lines.

Writers stream: rows go out in batches as documents finish, so memory stays
flat however large the corpus. They write beside the target and put the file
in place only when closed, so a killed or failed run leaves the previous
output whole and never a cut one. A CSV text cell that a spreadsheet would
run as a formula (=, +, -, @) gets a leading apostrophe; numbers stay numbers.
The claims table and the indicator table (panel.py) share the writers; each
table is described by its Arrow schema.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from .columns import COLUMNS
from .panel import PANEL_COLUMNS

FORMATS = (".csv", ".parquet", ".jsonl")


def _schema(columns: Iterable[str], ints: set[str], floats: set[str],
            bools: frozenset[str] = frozenset()) -> pa.Schema:
    return pa.schema([
        (name, pa.int64() if name in ints else pa.float64() if name in floats
         else pa.bool_() if name in bools else pa.string())
        for name in columns
    ])


CLAIMS_SCHEMA = _schema(COLUMNS, {"start", "end", "year"}, {"value", "confidence"})
PANEL_SCHEMA = _schema(PANEL_COLUMNS, {"year", "n_claims", "n_docs"}, {"value", "min", "max"},
                       frozenset({"conflict"}))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: Any) -> Any:
    """A text cell Excel would run as a formula, made inert; anything else unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class RowWriter(Protocol):
    def write(self, rows: Iterable[dict[str, Any]]) -> None: ...
    def close(self) -> None: ...
    def abort(self) -> None: ...


class _Staged:
    """A file written under a temporary name beside `path`, moved into place on commit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.temporary = path.with_name(f".{path.name}.partial")

    def commit(self) -> None:
        os.replace(self.temporary, self.path)

    def discard(self) -> None:
        self.temporary.unlink(missing_ok=True)


class _CsvWriter:
    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self._file = _Staged(path)
        self._handle = self._file.temporary.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.DictWriter(self._handle, fieldnames=schema.names,
                                      extrasaction="ignore")
        self._writer.writeheader()

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        self._writer.writerows({k: "" if v is None else formula_safe(v) for k, v in row.items()}
                               for row in rows)

    def close(self) -> None:
        self._handle.close()
        self._file.commit()

    def abort(self) -> None:
        with contextlib.suppress(OSError, ValueError):  # closing may fail as writing did
            self._handle.close()
        self._file.discard()


# Line ends to str.splitlines() that json.dumps leaves raw (it escapes those below
# U+0020): escaped, so one row stays one line (found by test_properties.py).
_LINE_BREAKS = {code: f"\\u{code:04x}" for code in (0x85, 0x2028, 0x2029)}


class _JsonlWriter:
    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self._file = _Staged(path)
        self._handle = self._file.temporary.open("w", encoding="utf-8")
        self._columns = schema.names

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            line = json.dumps({k: row.get(k) for k in self._columns}, ensure_ascii=False,
                              allow_nan=False)
            self._handle.write(line.translate(_LINE_BREAKS))
            self._handle.write("\n")

    def close(self) -> None:
        self._handle.close()
        self._file.commit()

    def abort(self) -> None:
        with contextlib.suppress(OSError, ValueError):  # closing may fail as writing did
            self._handle.close()
        self._file.discard()


class _ParquetWriter:
    """Rows gathered into row groups of ROW_GROUP rows: one group per document would make
    a large corpus's file several times bigger and slow to read."""

    ROW_GROUP = 65_536

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self._schema = schema
        self._file = _Staged(path)
        self._writer = pq.ParquetWriter(self._file.temporary, schema)
        self._batch: list[dict[str, Any]] = []

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        self._batch.extend(rows)
        if len(self._batch) >= self.ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            columns = {name: [row.get(name) for row in self._batch]
                       for name in self._schema.names}
            self._writer.write_table(pa.table(columns, schema=self._schema),
                                     row_group_size=self.ROW_GROUP)
            self._batch = []

    def close(self) -> None:
        self._flush()
        self._writer.close()
        self._file.commit()

    def abort(self) -> None:
        with contextlib.suppress(OSError, ValueError, pa.ArrowException):
            self._writer.close()
        self._file.discard()


def open_writer(path: Path, schema: pa.Schema = CLAIMS_SCHEMA) -> RowWriter:
    """A streaming writer of `schema`'s columns to `path`, the format chosen by its extension."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _CsvWriter(path, schema)
    if suffix == ".jsonl":
        return _JsonlWriter(path, schema)
    if suffix == ".parquet":
        return _ParquetWriter(path, schema)
    raise ValueError(f"unknown output format {suffix!r}: use one of {', '.join(FORMATS)}")


def write_table(path: Path, rows: Iterable[dict[str, Any]], schema: pa.Schema) -> None:
    """Write a whole table at once, for tables built after the stream (the panel)."""
    writer = open_writer(path, schema)
    try:
        writer.write(rows)
    except BaseException:
        writer.abort()
        raise
    writer.close()
