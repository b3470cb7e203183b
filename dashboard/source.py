"""Where the dashboard's claims live: one DuckDB database per process, asked in SQL.

The page never holds the table. Every chart, count, filter choice and page of
rows is a query that returns what it draws (a few hundred rows), so server
memory does not grow with the table or with the number of sessions.

- A store (`python -m extract … -o corpus.duckdb`) is attached read-only.
- A Parquet file is read in place; a CSV or JSONL file is copied into the
  in-memory database once per process.

Every form arrives under one normalised view `claims` with the SPEC columns
and extras, a `measure` (the concept, else the indicator label, as the
indicator table keys it), a `claim_id` (document:offset, the indicator
table's id) and a `conflict_id` (extract.panel's rule, computed once here).
A session's uploaded texts are small frames registered on that session's own
cursor, joined to the table for its queries only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from extract import store
from extract.columns import COLUMNS
from extract.panel import INPUT_COLUMNS, conflict_groups

INTEGER_COLUMNS = ("start", "end")
NUMBER_COLUMNS = ("value", "year", "confidence")
# The claims view's columns: the extractor's, then the ones the dashboard adds.
VIEW_COLUMNS: tuple[str, ...] = (*COLUMNS, "measure", "claim_id", "conflict_id")


class SourceError(Exception):
    """The table cannot be read (not a claims table, a locked store)."""


def quoted(name: str) -> str:
    """A column name for SQL (`start` and `end` are keywords)."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A string as a SQL literal, for the few places (file paths) a parameter cannot go."""
    return "'" + text.replace("'", "''") + "'"


def normalised_query(present: Sequence[str], relation: str) -> str:
    """A query giving any claims table every column with the dashboard's types.

    Missing extras get neutral values (confidence 1, empty strings), numbers
    that do not parse become NULL, so a table of only the SPEC columns works.
    The claim id is the store's own where there is one, else document:offset.
    """
    have = set(present)
    parts = []
    for column in COLUMNS:
        q = quoted(column)
        if column in INTEGER_COLUMNS:
            expr = f"coalesce(TRY_CAST({q} AS BIGINT), -1)" if column in have else "-1::BIGINT"
        elif column in NUMBER_COLUMNS:
            number = f"TRY_CAST({q} AS DOUBLE)" if column in have else "NULL::DOUBLE"
            expr = f"CASE WHEN isfinite({number}) THEN {number} END"
            if column == "confidence":
                expr = f"coalesce({expr}, 1.0)"
        else:
            expr = f"coalesce(CAST({q} AS VARCHAR), '')" if column in have else "''"
        parts.append(f"{expr} AS {q}")
    given_id = "CAST(claim_id AS VARCHAR)" if "claim_id" in have else "NULL"
    parts.append(f"{given_id} AS given_id")
    return ("SELECT * EXCLUDE (given_id), "
            "CASE WHEN concept <> '' THEN concept ELSE indicator END AS measure, "
            "coalesce(given_id, doc || ':' || CAST(\"start\" AS VARCHAR)) AS claim_id "
            f"FROM (SELECT {', '.join(parts)} FROM {relation})")


def _columns_of(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]


def _inputs_query(relation: str, where: str = "") -> str:
    """The narrow projection extract.panel reads, the sentence as a hash (only compared)."""
    fields = ", ".join("hash(sentence) AS sentence" if c == "sentence" else quoted(c)
                       for c in INPUT_COLUMNS)
    return f"SELECT claim_id, {fields} FROM {relation} WHERE year IS NOT NULL {where}"


def _conflicts_of(table: pd.DataFrame, offset: int = 0) -> pd.DataFrame:
    """(claim_id, conflict_id) of the claims in a conflict, numbered from `offset`."""
    ids = conflict_groups(table)
    hit = ids >= 0
    return pd.DataFrame({"claim_id": table["claim_id"].to_numpy()[hit].astype(str),
                         "conflict_id": (ids[hit] + offset).astype("int64")})


@dataclass
class Source:
    """An opened claims table: the database holding it and what the page says about it."""

    path: Path
    con: duckdb.DuckDBPyConnection
    problem: str | None = None  # "missing", "empty" or an error message
    region_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    n_conflicts: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own for one query (DuckDB connections are per thread)."""
        with self._lock:
            return self.con.cursor()

    def normalise(self, raw: pd.DataFrame) -> pd.DataFrame:
        """Rows the extractor returned (an upload) in the claims view's columns and types."""
        cur = self.cursor()
        try:
            cur.register("raw_rows", raw)
            frame = cur.execute(normalised_query(list(raw.columns), "raw_rows")).df()
        finally:
            cur.close()
        frame["conflict_id"] = np.int64(-1)
        return frame


def open_source(path: Path, region_table: pd.DataFrame) -> Source:
    """Open a claims table of any form the extractor writes; explain instead of failing."""
    con = duckdb.connect(":memory:")
    problem = _load(con, path)
    source = Source(path, con, problem, region_table)
    n_rows = con.execute("SELECT count(*) FROM base").fetchall()[0][0]
    if problem is None and n_rows == 0:
        source.problem = "empty"
    conflicts = _conflicts_of(con.sql(_inputs_query("base")).to_arrow_table()
                              .to_pandas(strings_to_categorical=True)
                              if n_rows else pd.DataFrame(columns=["claim_id", *INPUT_COLUMNS]))
    con.register("conflicts_found", conflicts)
    con.execute("CREATE TABLE conflicts AS SELECT * FROM conflicts_found")
    con.unregister("conflicts_found")
    source.n_conflicts = int(conflicts["conflict_id"].max() + 1) if len(conflicts) else 0
    con.execute("CREATE VIEW claims AS SELECT b.*, coalesce(c.conflict_id, -1) AS conflict_id "
                "FROM base b LEFT JOIN conflicts c USING (claim_id)")
    return source


def _load(con: duckdb.DuckDBPyConnection, path: Path) -> str | None:
    """Make the view `base` over the table at `path`; the reason when there is none."""
    empty = f"CREATE VIEW base AS {normalised_query([], '(SELECT 1)')} LIMIT 0"
    if not path.is_file():
        con.execute(empty)
        return "missing"
    with path.open("rb") as head:
        if not head.read(64).lstrip(b"\xef\xbb\xbf \r\n\t"):
            con.execute(empty)
            return "empty"
    suffix = path.suffix.lower()
    try:
        if store.is_store(path):
            con.execute(f"ATTACH {literal(str(path))} AS src (READ_ONLY)")
            raw = "src.claims"
        elif suffix == ".parquet":
            raw = f"read_parquet({literal(str(path))})"
        elif suffix in (".jsonl", ".json"):
            con.execute("CREATE TABLE raw_claims AS SELECT * FROM read_json("
                        f"{literal(str(path))}, format = 'newline_delimited')")
            raw = "raw_claims"
        else:
            con.execute("CREATE TABLE raw_claims AS SELECT * FROM read_csv("
                        f"{literal(str(path))}, header = true, all_varchar = true)")
            raw = "raw_claims"
        present = _columns_of(con, raw)
        if "doc" not in present:
            raise SourceError(f"{path.name} is not a claims table (it has no doc column)")
        kind = "VIEW" if raw.startswith(("src.", "read_parquet")) else "TABLE"
        con.execute(f"CREATE {kind} base AS {normalised_query(present, raw)}")
        if kind == "TABLE":
            con.execute("DROP TABLE raw_claims")
    except (duckdb.Error, SourceError) as error:
        con.execute("DROP VIEW IF EXISTS base")
        con.execute(empty)
        return str(error).splitlines()[0]
    return None


@dataclass(frozen=True)
class Uploads:
    """One session's extracted texts and the conflicts they take part in."""

    rows: pd.DataFrame
    conflicts: pd.DataFrame


def session_uploads(source: Source, rows: Sequence[pd.DataFrame]) -> Uploads | None:
    """The session's uploaded rows with conflicts redone against the table.

    An uploaded claim can only conflict with claims of its own region and
    year, so only those rows of the table are read, however large it is; the
    new groups are numbered after the table's own.
    """
    frames = [r for r in rows if len(r)]
    if not frames:
        return None
    upload = pd.concat(frames, ignore_index=True)
    cur = source.cursor()
    try:
        cur.register("uploads", upload)
        nearby = cur.execute(
            _inputs_query("claims", "AND (region, year) IN (SELECT region, year FROM uploads)")
            + " UNION ALL " + _inputs_query("uploads")).df()
    finally:
        cur.close()
    for column in nearby.columns:
        if nearby[column].dtype == object:
            nearby[column] = nearby[column].astype(str).astype("category")
    return Uploads(upload, _conflicts_of(nearby, offset=source.n_conflicts))


def _relation(cur: duckdb.DuckDBPyConnection, uploads: Uploads | None) -> str:
    """The SQL of `rel`: the table, plus the session's uploads registered on `cur`."""
    if uploads is None:
        return "SELECT * FROM claims"
    cur.register("uploads", uploads.rows)
    cur.register("session_conflicts", uploads.conflicts)
    return ("SELECT a.* EXCLUDE (conflict_id), "
            "coalesce(s.conflict_id, a.conflict_id) AS conflict_id FROM "
            "(SELECT * FROM claims UNION ALL BY NAME SELECT * FROM uploads) a "
            "LEFT JOIN session_conflicts s USING (claim_id)")


def run(source: Source, uploads: Uploads | None, sql: str,
        params: Sequence[Any] = ()) -> pd.DataFrame:
    """Run a query whose FROM is `rel`: the table, plus this session's uploads if any."""
    cur = source.cursor()
    try:
        return cur.execute(f"WITH rel AS ({_relation(cur, uploads)}) {sql}", list(params)).df()
    finally:
        cur.close()


def batches(source: Source, uploads: Uploads | None, sql: str, params: Sequence[Any] = (),
            rows: int = 65_536) -> Iterator[pd.DataFrame]:
    """The same query's result as frames of at most `rows` rows (downloads stay flat)."""
    cur = source.cursor()
    try:
        result = cur.sql(f"WITH rel AS ({_relation(cur, uploads)}) {sql}", params=list(params))
        for batch in result.to_arrow_reader(rows):
            yield batch.to_pandas()
    finally:
        cur.close()
