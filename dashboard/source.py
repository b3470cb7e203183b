"""Where the dashboard's claims live: one DuckDB database per process, asked in SQL.

The page never holds the table. Every chart, count, filter choice and page of
rows is a query that returns what it draws (a few hundred rows), so server
memory does not grow with the table or with the number of sessions.

- A store (`python -m extract … -o corpus.duckdb`) is attached read-only.
- A Parquet file is read in place; a CSV or JSONL file is copied into the
  in-memory database once per process.

Every form arrives under one normalised view `claims` with the SPEC columns
and extras, a `measure` (the concept, else the indicator label, as the
indicator table keys it) and a `claim_id` (document:offset, the indicator
table's id). Conflicts are a small table of the facts (region, code, year,
measure, kind, unit) stated with conflicting values, numbered: a store's own
indicator table says which (the extractor worked it out when it wrote the
store), other tables get extract.panel's rule run once at opening. Queries
that show conflicts join that table after filtering, so the rest never pay
for it. A session's uploaded texts are small frames registered on that
session's own cursor, joined to the table for its queries only.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from extract import store
from extract.columns import COLUMNS
from extract.panel import INPUT_COLUMNS, KEY, conflict_groups

INTEGER_COLUMNS = ("start", "end")
NUMBER_COLUMNS = ("value", "year", "confidence")
# The measure a claim counts under: its concept, else its indicator label (extract.panel's).
MEASURE_SQL = "CASE WHEN concept <> '' THEN concept ELSE indicator END AS measure"


class SourceError(Exception):
    """The table cannot be read (not a claims table, a locked store)."""


def quoted(name: str) -> str:
    """A column name for SQL (`start` and `end` are keywords)."""
    return '"' + name.replace('"', '""') + '"'


# What identifies one fact, as the indicator table keys it.
FACT_KEY = ", ".join(quoted(c) for c in KEY)


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
    return (f"SELECT * EXCLUDE (given_id), {MEASURE_SQL}, "
            "coalesce(given_id, doc || ':' || CAST(\"start\" AS VARCHAR)) AS claim_id "
            f"FROM (SELECT {', '.join(parts)} FROM {relation})")


def store_query() -> str:
    """The claims view over a store: its columns are already the dashboard's, so only
    the measure is added (every query then reads them as they are stored)."""
    columns = ", ".join("year::DOUBLE AS year" if c == "year" else quoted(c) for c in COLUMNS)
    return f"SELECT {columns}, {MEASURE_SQL}, claim_id FROM src.claims"


def _columns_of(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]


def _inputs_query(relation: str, where: str = "") -> str:
    """The narrow projection extract.panel reads, the sentence as a hash (only compared)."""
    fields = ", ".join("hash(sentence) AS sentence" if c == "sentence" else quoted(c)
                       for c in INPUT_COLUMNS)
    return f"SELECT measure, {fields} FROM {relation} WHERE year IS NOT NULL {where}"


def _frame(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """A query's rows with strings as categoricals (a fraction of the memory of objects)."""
    return con.sql(sql).to_arrow_table().to_pandas(strings_to_categorical=True)


def conflict_keys(claims: pd.DataFrame, offset: int = 0) -> pd.DataFrame:
    """The facts among `claims` stated with conflicting values (extract.panel's rule),
    numbered from `offset`: one row per fact, its key and `conflict_id`."""
    ids = conflict_groups(claims)
    hit = ids >= 0
    keys = pd.DataFrame({c: np.asarray(claims[c], dtype=object)[hit] for c in KEY})
    keys["year"] = keys["year"].astype("float64")
    keys["conflict_id"] = (ids[hit] + offset).astype("int64")
    return keys.drop_duplicates("conflict_id").reset_index(drop=True)


@dataclass
class Source:
    """An opened claims table: the database holding it and what the page says about it."""

    path: Path
    con: duckdb.DuckDBPyConnection
    problem: str | None = None  # "missing", "empty" or an error message
    region_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    n_conflicts: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # Answers to the table's own queries (no uploads), newest last: every session asking
    # the same view (or going back to one) gets it without a scan. The table is read-only
    # while the source is open; a rewritten file opens a new source.
    _answers: OrderedDict[tuple, pd.DataFrame] = field(default_factory=OrderedDict, repr=False)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own for one query (DuckDB connections are per thread)."""
        with self._lock:
            return self.con.cursor()

    def normalise(self, raw: pd.DataFrame) -> pd.DataFrame:
        """Rows the extractor returned (an upload) in the claims view's columns and types."""
        cur = self.cursor()
        try:
            cur.register("raw_rows", raw)
            return cur.execute(normalised_query(list(raw.columns), "raw_rows")).df()
        finally:
            cur.close()


def open_source(path: Path, region_table: pd.DataFrame) -> Source:
    """Open a claims table of any form the extractor writes; explain instead of failing."""
    con = duckdb.connect(":memory:")
    problem = _load(con, path)
    source = Source(path, con, problem, region_table)
    n_rows = con.execute("SELECT count(*) FROM base").fetchall()[0][0]
    if problem is None and n_rows == 0:
        source.problem = "empty"
    con.execute("CREATE VIEW claims AS SELECT * FROM base")
    keys = _stored_conflicts(con)
    if keys is None:
        keys = conflict_keys(_frame(con, _inputs_query("claims")))
    con.register("keys_found", keys)
    con.execute("CREATE TABLE conflicts AS SELECT * FROM keys_found")
    con.unregister("keys_found")
    source.n_conflicts = int(keys["conflict_id"].max() + 1) if len(keys) else 0
    return source


def _stored_conflicts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    """A store's conflicting facts from its indicator table, if that is up to date.

    The table is rebuilt at the end of every run; a run killed before that
    leaves it behind the claims, which the claim count shows.
    """
    try:
        stored, counted = con.execute(
            "SELECT (SELECT sum(n_claims) FROM src.indicators), "
            "(SELECT count(*) FROM src.claims WHERE value IS NOT NULL)").fetchall()[0]
    except duckdb.Error:  # not a store, or one without an indicator table
        return None
    if (stored or 0) != counted:
        return None
    return con.execute(
        f"SELECT {FACT_KEY}, (row_number() OVER (ORDER BY {FACT_KEY}) - 1)::BIGINT "
        "AS conflict_id FROM (SELECT coalesce(region, '') AS region, "
        "coalesce(region_code, '') AS region_code, year::DOUBLE AS year, measure, kind, unit "
        "FROM src.indicators WHERE conflict AND year IS NOT NULL)").df()


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
        query = normalised_query(present, raw)
        if raw == "src.claims" and set(COLUMNS) <= set(present):
            query = store_query()
        con.execute(f"CREATE {kind} base AS {query}")
        if kind == "TABLE":
            con.execute("DROP TABLE raw_claims")
    except (duckdb.Error, SourceError) as error:
        con.execute("DROP VIEW IF EXISTS base")
        con.execute(empty)
        return str(error).splitlines()[0]
    return None


@dataclass(frozen=True)
class Uploads:
    """One session's extracted texts and the conflicting facts they take part in."""

    rows: pd.DataFrame
    conflicts: pd.DataFrame


def session_uploads(source: Source, rows: Sequence[pd.DataFrame]) -> Uploads | None:
    """The session's uploaded rows with conflicts redone against the table.

    An uploaded claim can only conflict with claims of its own region and
    year, so only those rows of the table are read, however large it is; the
    new conflicts are numbered after the table's own.
    """
    frames = [r for r in rows if len(r)]
    if not frames:
        return None
    upload = pd.concat(frames, ignore_index=True)
    cur = source.cursor()
    try:
        cur.register("uploads", upload)
        nearby = _frame(cur, _inputs_query(
            "claims", "AND (region, year) IN (SELECT region, year FROM uploads)")
            + " UNION ALL " + _inputs_query("uploads"))
    finally:
        cur.close()
    return Uploads(upload, conflict_keys(nearby, offset=source.n_conflicts))


def _relations(cur: duckdb.DuckDBPyConnection, uploads: Uploads | None) -> str:
    """The WITH clause every query starts from, with the session's uploads on `cur`.

    `rel` is the claims (the table plus the uploads); `conflict_keys` the
    conflicting facts (an upload's new numbering wins for a fact it joins);
    `crel` the claims with their `conflict_id` (-1 outside conflicts), for the
    queries that show it.
    """
    rel, keys = "SELECT * FROM claims", "SELECT * FROM conflicts"
    if uploads is not None:
        cur.register("uploads", uploads.rows)
        cur.register("session_conflicts", uploads.conflicts)
        rel = "SELECT * FROM claims UNION ALL BY NAME SELECT * FROM uploads"
        keys = ("SELECT * FROM session_conflicts UNION ALL SELECT c.* FROM conflicts c "
                f"ANTI JOIN session_conflicts USING ({FACT_KEY})")
    return (f"WITH rel AS ({rel}), conflict_keys AS ({keys}), "
            "crel AS (SELECT rel.*, coalesce(k.conflict_id, -1) AS conflict_id FROM rel "
            f"LEFT JOIN conflict_keys k USING ({FACT_KEY})) ")


ANSWERS_KEPT = 512  # answers kept per table ...
ANSWER_ROWS = 2_000  # ... each at most this long: what a view draws, not a table's worth


def _hashable(value: Any) -> Any:
    return tuple(_hashable(v) for v in value) if isinstance(value, list | tuple) else value


def run(source: Source, uploads: Uploads | None, sql: str,
        params: Sequence[Any] = ()) -> pd.DataFrame:
    """Run a query over `rel` or `crel` (see _relations); the table's own answers are
    kept (ANSWERS_KEPT), a session's uploads are always asked afresh."""
    key = (sql, _hashable(list(params)))
    if uploads is None:
        with source._lock:
            kept = source._answers.get(key)
            if kept is not None:
                source._answers.move_to_end(key)
                return kept.copy()
    cur = source.cursor()
    try:
        answer = cur.execute(_relations(cur, uploads) + sql, list(params)).df()
    finally:
        cur.close()
    if uploads is None and len(answer) <= ANSWER_ROWS:
        with source._lock:
            source._answers[key] = answer.copy()
            while len(source._answers) > ANSWERS_KEPT:
                source._answers.popitem(last=False)
    return answer


def batches(source: Source, uploads: Uploads | None, sql: str, params: Sequence[Any] = (),
            rows: int = 65_536) -> Iterator[pd.DataFrame]:
    """The same query's result as frames of at most `rows` rows (downloads stay flat)."""
    cur = source.cursor()
    try:
        result = cur.sql(_relations(cur, uploads) + sql, params=list(params))
        for batch in result.to_arrow_reader(rows):
            yield batch.to_pandas()
    finally:
        cur.close()
