"""The claims store: one DuckDB file that grows with the corpus and survives a kill.

Tables:
- `documents`: one row per file ever extracted into the store (its key, content
  hash, size, date, encoding, when and by which extractor version, status and
  the error of a bad file, its number of claims);
- `claims`: SPEC.md's columns and the extras, with `claim_id` and `doc_id`;
- `indicators`: the region × year indicator table (panel.py), rebuilt after a run.

A document's rows are replaced in one transaction (with the other documents
finished in the same second), so a run killed at any point leaves whole
documents only; DuckDB's write-ahead log makes the commit itself atomic. A document is keyed
by its path relative to the parent of the folder given (seeds/000.txt), so
the same folder extracted on two machines updates the same rows, and its id
joins that key to the content hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import os
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from .columns import COLUMNS
from .panel import INPUT_COLUMNS, PANEL_COLUMNS, build_panel, claim_id
from .read import root_of
from .write import CLAIMS_SCHEMA, PANEL_SCHEMA

STORE_SUFFIXES = (".duckdb", ".db")
_DATA = Path(__file__).parent


class StoreError(Exception):
    """The store cannot be opened or written (locked by another run, not a DuckDB file)."""


def _sql_type(field: pa.Field) -> str:
    return {pa.int64(): "BIGINT", pa.float64(): "DOUBLE", pa.bool_(): "BOOLEAN"}.get(
        field.type, "VARCHAR")


_CLAIMS_TABLE = pa.schema([pa.field("claim_id", pa.string()), pa.field("doc_id", pa.string()),
                           *CLAIMS_SCHEMA])
def _quoted(columns: Iterable[str]) -> str:
    """Column names as a SQL select list (quoted: `end` and `start` are keywords)."""
    return ", ".join(f'"{c}"' for c in columns)


_CLAIM_COLUMNS = ", ".join(f'"{f.name}" {_sql_type(f)}' for f in CLAIMS_SCHEMA)
_PANEL_COLUMNS = ", ".join(f'"{f.name}" {_sql_type(f)}' for f in PANEL_SCHEMA)
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR, key VARCHAR, name VARCHAR, path VARCHAR, content_hash VARCHAR,
    size BIGINT, date VARCHAR, encoding VARCHAR, extracted_at TIMESTAMP,
    extractor_version VARCHAR, status VARCHAR, error VARCHAR, n_claims BIGINT);
CREATE TABLE IF NOT EXISTS claims (claim_id VARCHAR, doc_id VARCHAR, {_CLAIM_COLUMNS});
CREATE TABLE IF NOT EXISTS indicators ({_PANEL_COLUMNS});
"""


@cache
def extractor_version() -> str:
    """The package version and a digest of the extractor's code and lexicon.

    Any change to a rule or a word list changes it, and a store made by another
    version is extracted again in full on the next run.
    """
    digest = hashlib.blake2b(digest_size=6)
    for path in sorted([*_DATA.glob("*.py"), *(_DATA / "data").glob("*")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    try:
        version = importlib.metadata.version("zhibiao")
    except importlib.metadata.PackageNotFoundError:
        version = "0"
    return f"{version}+{digest.hexdigest()}"


def document_key(path: Path, roots: list[Path]) -> str:
    """The file's path relative to the parent of the folder given that holds it."""
    root = root_of(path, roots) or path.parent
    # Lexical paths, not resolved ones: a link keeps the key of where it was found.
    return Path(os.path.abspath(path)).relative_to(Path(os.path.abspath(root)).parent).as_posix()


def folder_key(root: Path) -> str:
    """The key prefix of every document found under a folder given on the command line."""
    return Path(os.path.abspath(root)).name + "/"


def content_hash(path: Path) -> str | None:
    """BLAKE2b of the file's bytes; None when it is no readable regular file (the run
    reports why; a FIFO is never opened)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "blake2b").hexdigest()[:32]
    except OSError:
        return None


@dataclass(frozen=True)
class Source:
    """What the store records of one file before it is extracted."""

    key: str
    name: str
    path: str
    content_hash: str | None
    size: int
    date: dt.date | None

    @property
    def doc_id(self) -> str:
        return hashlib.blake2b(f"{self.key}\0{self.content_hash}".encode(),
                               digest_size=8).hexdigest()


@dataclass
class _Pending:
    """A document extracted but not yet committed: its record and its claim batches."""

    source: Source
    encoding: str
    tables: list[pa.Table]
    status: str = "ok"
    error: str = ""


class Store:
    """A DuckDB claims store opened for one run (a single writer at a time).

    Finished documents are committed together, a batch at a time (every
    FLUSH_SECONDS, FLUSH_DOCS or FLUSH_ROWS): a DuckDB commit costs milliseconds,
    which per document would cost more than the extraction. SIGINT and SIGTERM
    commit what was finished; SIGKILL loses at most the last batch, which the
    next run extracts again. A document is never half in the store.
    """

    FLUSH_SECONDS, FLUSH_DOCS, FLUSH_ROWS = 1.0, 500, 100_000

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = duckdb.connect(str(path))
            self._db.execute(_SCHEMA)
            self._add_new_columns()
        except duckdb.Error as err:
            raise StoreError(f"cannot open the store {path}: {err}") from None
        self._open: _Pending | None = None
        self._done: list[_Pending] = []
        self._rows = 0
        self._flushed = time.monotonic()
        self.committed = 0  # documents made durable in this run

    def _add_new_columns(self) -> None:
        """Columns a newer extractor writes (parent_code) added to an older store's tables;
        its documents are extracted again anyway, as the extractor version changed."""
        for table, schema in (("claims", CLAIMS_SCHEMA), ("indicators", PANEL_SCHEMA)):
            have = {row[0] for row in self._db.execute(f"DESCRIBE {table}").fetchall()}
            for column in schema:
                if column.name not in have:
                    self._db.execute(f'ALTER TABLE {table} ADD COLUMN "{column.name}" '
                                     f"{_sql_type(column)}")

    def close(self) -> None:
        """Commit the finished documents and close; one still open is dropped whole."""
        self._open = None
        try:
            self.flush()
        finally:
            self._db.close()

    def known(self) -> dict[str, tuple[str, str]]:
        """key -> (content hash, date) of each document this extractor version stored
        whole; a file skipped last time is tried (and reported) again."""
        rows = self._db.execute(
            "SELECT key, content_hash, coalesce(date, '') FROM documents "
            "WHERE extractor_version = ? AND status = 'ok'", [extractor_version()]).fetchall()
        return {key: (digest or "", date) for key, digest, date in rows}

    def names_held(self, names: Iterable[str]) -> dict[str, set[str]]:
        """name -> keys of the stored documents that go by one of `names`."""
        wanted = sorted(set(names))
        if not wanted:
            return {}
        held: dict[str, set[str]] = {}
        rows = self._db.execute("SELECT name, key FROM documents WHERE list_contains(?, name)",
                                [wanted]).fetchall()
        for name, key in rows:
            held.setdefault(name, set()).add(key)
        return held

    @staticmethod
    def holds(known: dict[str, tuple[str, str]], source: Source) -> bool:
        """True when `known` has the source as it is now (same bytes, same date)."""
        date = source.date.isoformat() if source.date else ""
        return known.get(source.key) == (source.content_hash or "", date)

    @property
    def open_key(self) -> str | None:
        """The key of the document being received, None between documents."""
        return self._open.source.key if self._open is not None else None

    def begin(self, source: Source, encoding: str = "") -> None:
        """Start receiving a document's claims (a large file sends several parts)."""
        self._open = _Pending(source, encoding, [])

    def add_claims(self, rows: list[dict[str, Any]]) -> None:
        """Claims of the open document, kept as a compact Arrow batch until committed."""
        assert self._open is not None
        if not rows:
            return
        doc_id = self._open.source.doc_id
        self._open.tables.append(pa.table({
            "claim_id": [claim_id(self._open.source.key, row["start"]) for row in rows],
            "doc_id": [doc_id] * len(rows),
            **{name: [row.get(name) for row in rows] for name in CLAIMS_SCHEMA.names},
        }, schema=_CLAIMS_TABLE))
        self._rows += len(rows)

    def add_table(self, claims: pd.DataFrame) -> None:
        """Claims extracted earlier (an exported table), committed at once; each claim's
        id is its document name and offset, as for a document read from a folder."""
        self.flush()
        columns = _quoted(COLUMNS)
        # A table exported by an older extractor lacks the newer (text) columns: left empty.
        values = ", ".join(f'"{c}"' if c in claims.columns else f"'' AS \"{c}\""
                           for c in COLUMNS)
        self._db.register("incoming", claims)
        try:
            self._db.execute(f"INSERT INTO claims (claim_id, doc_id, {columns}) SELECT "
                             f"doc || ':' || \"start\", doc, {values} FROM incoming")
        finally:
            self._db.unregister("incoming")

    def commit(self, status: str = "ok", error: str = "") -> int:
        """Finish the open document (1), or nothing when none is open (0)."""
        if self._open is None:
            return 0
        self._open.status, self._open.error = status, error
        self._done.append(self._open)
        self._open = None
        if (len(self._done) >= self.FLUSH_DOCS or self._rows >= self.FLUSH_ROWS
                or time.monotonic() - self._flushed >= self.FLUSH_SECONDS):
            self.flush()
        return 1

    def rollback(self) -> None:
        """Give up the open document: the store keeps it as it was before the run."""
        self._open = None

    def record_failure(self, source: Source, error: str) -> None:
        """A file that could not be read or extracted: its old rows go, the reason stays."""
        self.begin(source)
        self.commit(status="skipped", error=error)

    def flush(self) -> None:
        """Write the finished documents in one transaction: old rows out, new rows in."""
        done, self._done, self._rows = self._done, [], 0
        self._flushed = time.monotonic()
        if not done:
            return
        now = dt.datetime.now()
        documents = pa.table({
            "doc_id": [d.source.doc_id for d in done], "key": [d.source.key for d in done],
            "name": [d.source.name for d in done], "path": [d.source.path for d in done],
            "content_hash": [d.source.content_hash for d in done],
            "size": [d.source.size for d in done],
            "date": [d.source.date.isoformat() if d.source.date else None for d in done],
            "encoding": [d.encoding for d in done], "extracted_at": [now] * len(done),
            "extractor_version": [extractor_version()] * len(done),
            "status": [d.status for d in done], "error": [d.error for d in done],
            "n_claims": [sum(t.num_rows for t in d.tables) for d in done],
        })
        tables = [t for d in done for t in d.tables]
        claims = pa.concat_tables(tables) if tables else _CLAIMS_TABLE.empty_table()
        self._db.register("new_documents", documents)
        self._db.register("new_claims", claims)
        try:
            self._db.begin()
            self._db.execute("DELETE FROM claims WHERE doc_id IN (SELECT d.doc_id FROM "
                             "documents d JOIN new_documents n ON d.key = n.key)")
            self._db.execute("DELETE FROM documents WHERE key IN (SELECT key FROM new_documents)")
            self._db.execute("INSERT INTO documents SELECT * FROM new_documents")
            self._db.execute("INSERT INTO claims BY NAME SELECT * FROM new_claims")
            self._db.commit()
        except BaseException:
            self._db.rollback()
            self._done = done + self._done  # not written: kept for the next flush
            raise
        finally:
            self._db.unregister("new_documents")
            self._db.unregister("new_claims")
        self.committed += sum(1 for d in done if d.status == "ok")

    def gone(self, keys_seen: set[str], prefixes: list[str]) -> list[str]:
        """Keys under the folders given that this run no longer found."""
        rows = self._db.execute("SELECT key FROM documents").fetchall()
        return sorted(key for (key,) in rows if key not in keys_seen
                      and any(key.startswith(prefix) for prefix in prefixes))

    def prune(self, keys: list[str]) -> None:
        """Drop removed documents and their claims, in one transaction."""
        self.flush()
        self._db.begin()
        for key in keys:
            self._db.execute("DELETE FROM claims WHERE doc_id IN "
                             "(SELECT doc_id FROM documents WHERE key = ?)", [key])
            self._db.execute("DELETE FROM documents WHERE key = ?", [key])
        self._db.commit()

    def rebuild_indicators(self) -> int:
        """The indicator table from every claim in the store; its number of rows."""
        self.flush()
        # Only the fields the panel reads; the sentence as a hash (it is only compared).
        fields = ", ".join("hash(sentence) AS sentence" if c == "sentence" else f'"{c}"'
                           for c in INPUT_COLUMNS)
        # Strings as categoricals: a million claims hold a few thousand distinct values,
        # so the frame is a fraction of the size object strings would take.
        claims = self._db.sql(f"SELECT {fields} FROM claims").to_arrow_table()
        panel = build_panel(claims.to_pandas(strings_to_categorical=True))
        self._db.begin()
        self._db.execute("DELETE FROM indicators")
        self._db.register("incoming", panel)
        try:
            self._db.execute(f"INSERT INTO indicators BY NAME SELECT {', '.join(PANEL_COLUMNS)} "
                             "FROM incoming")
        finally:
            self._db.unregister("incoming")
        self._db.commit()
        return len(panel)

    def indicator_count(self) -> int:
        """Rows of the indicator table as it stands (no run changed the claims)."""
        row = self._db.execute("SELECT count(*) FROM indicators").fetchone()
        return row[0] if row else 0

    def counts(self) -> tuple[int, int]:
        """(documents, claims) in the store."""
        self.flush()
        docs = self._db.execute("SELECT count(*) FROM documents WHERE status = 'ok'").fetchone()
        claims = self._db.execute("SELECT count(*) FROM claims").fetchone()
        return (docs[0] if docs else 0), (claims[0] if claims else 0)


# ----------------------------------------------------------------------- export

FILTERS = ("region", "province", "indicator", "concept", "category", "kind", "doc")


def read_rows(path: Path, table: str = "claims", filters: dict[str, str] | None = None,
              years: tuple[int, int] | None = None,
              batch_rows: int = 65_536) -> Iterator[list[dict[str, Any]]]:
    """Rows of a store's table in batches, filtered in SQL (so memory stays flat)."""
    columns = COLUMNS if table == "claims" else PANEL_COLUMNS
    where, params = [], []
    for column, value in (filters or {}).items():
        if column not in FILTERS or (table == "indicators" and column in ("indicator", "doc")):
            raise StoreError(f"cannot filter {table} by {column}")
        where.append(f'"{column}" = ?')
        params.append(value)
    if years is not None:
        where.append("year BETWEEN ? AND ?")
        params.extend(years)
    order = "doc, start" if table == "claims" else "region, measure, kind, unit, year"
    query = (f"SELECT {_quoted(columns)} FROM {table}"
             + (f" WHERE {' AND '.join(where)}" if where else "") + f" ORDER BY {order}")
    try:
        db = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as err:
        raise StoreError(f"cannot open the store {path}: {err}") from None
    try:
        try:
            reader = db.sql(query, params=params).to_arrow_reader(batch_size=batch_rows)
        except duckdb.Error as err:  # not a Zhibiao store: no such table
            raise StoreError(f"{path} is not a Zhibiao store: {err}") from None
        with reader:
            for batch in reader:
                yield batch.to_pylist()
    finally:
        db.close()


def read_claims(path: Path) -> pd.DataFrame:
    """The whole claims table of a store as a frame (SPEC columns and extras, in order)."""
    query = (f"SELECT {_quoted(COLUMNS)} FROM claims "
             "ORDER BY doc, start")
    try:
        with duckdb.connect(str(path), read_only=True) as db:
            return db.sql(query).to_arrow_table().to_pandas()
    except duckdb.Error as err:
        raise StoreError(f"cannot open the store {path}: {err}") from None


def is_store(path: Path) -> bool:
    """True for a path the CLI treats as a store rather than a flat output file."""
    return path.suffix.lower() in STORE_SUFFIXES

