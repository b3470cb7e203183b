"""Data access for the dashboard: open the claims table, filter it, aggregate it.

Everything the page shows is computed here so it can be tested and
benchmarked without Streamlit; the views only draw what these functions
return. The claims stay in DuckDB (dashboard.source): a `Scope` is one
session's table and filters, and each function below is one query over it
returning the few rows a view draws, so a million claims cost the server no
more memory per session than a hundred do.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard.source import FACT_KEY, Source, Uploads, batches, open_source, quoted, run
from extract import read as reader
from extract.columns import COLUMNS
from extract.panel import INPUT_COLUMNS, PANEL_COLUMNS, TOLERANCE, build_panel
from extract.write import formula_safe

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CLAIMS = REPO_ROOT / "data" / "claims.csv"
DEFAULT_DOCS = REPO_ROOT / "seeds"
DEFAULT_REGIONS = REPO_ROOT / "extract" / "data" / "regions.csv"
DEFAULT_GEO = Path(__file__).resolve().parent / "assets" / "china_provinces.geojson"

# Environment variables that point the app at another table, text folder or region table.
CLAIMS_ENV = "ZHIBIAO_DATA"
DOCS_ENV = "ZHIBIAO_DOCS"
REGIONS_ENV = "ZHIBIAO_REGIONS"

# Below this confidence a row counts as one the extractor was unsure of.
LOW_CONFIDENCE = 0.6
# Two values for the same fact that differ by more than this share of the
# larger one are a conflict; closer values are rounding (2184万 vs 2184.3万).
# The indicator table uses the same rule, so both say "conflict" alike.
CONFLICT_TOLERANCE = TOLERANCE

LEVEL_ORDER: dict[str, int] = {
    "country": 0, "macro_region": 1, "province": 2, "city": 3, "county": 4,
    "township": 5, "village": 6, "site": 7,
}
KIND_ORDER: tuple[str, ...] = ("level", "change", "share", "cumulative", "target", "forecast")
# What a chart of each kind draws: a level chart shows targets and forecasts
# beside the actual values (dashed, never joined to them); rates stand alone.
CHART_KINDS: dict[str, tuple[str, ...]] = {
    "level": ("level", "target", "forecast"), "change": ("change",), "share": ("share",),
    "cumulative": ("cumulative",),
}
# Measures an analyst looks at first; the opening chart prefers them, in this order.
HEADLINE_MEASURES: tuple[str, ...] = ("地区生产总值", "常住人口", "进出口总额",
                                      "一般公共预算收入")
# Columns the app adds (dashboard.source); they never leave the app in a download.
CLAIM_ID = "claim_id"
CONFLICT_ID = "conflict_id"
MEASURE = "measure"
# The claim columns extract.panel builds the indicator table from, as a select list.
PANEL_INPUTS = ", ".join(quoted(c) for c in INPUT_COLUMNS)


# --------------------------------------------------------------------------- load


def claims_path(argv: Sequence[str] | None = None) -> Path:
    """Which table to open: `--data PATH` after `--`, else $ZHIBIAO_DATA, else data/claims.csv."""
    args = list(sys.argv[1:] if argv is None else argv)
    for i, arg in enumerate(args):
        if arg == "--data" and i + 1 < len(args):
            return Path(args[i + 1])
        if arg.startswith("--data="):
            return Path(arg.split("=", 1)[1])
    env = os.environ.get(CLAIMS_ENV)
    return Path(env) if env else DEFAULT_CLAIMS


def docs_dirs() -> list[Path]:
    """Folders holding the source texts: $ZHIBIAO_DOCS (os.pathsep-separated), else seeds/."""
    env = os.environ.get(DOCS_ENV)
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    return [DEFAULT_DOCS]


def regions_path() -> Path:
    """The region table (code, name, level, parent_code, lon, lat) if another one is set."""
    env = os.environ.get(REGIONS_ENV)
    return Path(env) if env else DEFAULT_REGIONS


def read_region_table(path: Path) -> pd.DataFrame:
    """The region table if it exists, keyed by name, with lon/lat as floats."""
    if not path.is_file():
        return pd.DataFrame(columns=["code", "name", "level", "parent_code", "lon", "lat"])
    # The generated table starts with '#' lines naming its source; skip them.
    lines = [ln for ln in path.read_text(encoding="utf-8-sig").splitlines()
             if not ln.startswith("#")]
    table = pd.read_csv(io.StringIO("\n".join(lines)), dtype=str, keep_default_na=False)
    for col in ("lon", "lat"):
        table[col] = pd.to_numeric(table.get(col), errors="coerce")
    return table


def load_source(path: Path, regions: Path | None = None) -> Source:
    """Open the claims table (store, CSV, Parquet or JSONL) with the region table."""
    return open_source(path, read_region_table(regions or regions_path()))


def rows_from_records(records: Sequence[dict]) -> pd.DataFrame:
    """Extractor output (dicts keyed by COLUMNS) as a frame, for a session's uploads."""
    return pd.DataFrame(list(records), columns=list(COLUMNS))


def read_text(path: Path) -> str:
    """Decode a document with the extractor's own decoder, so offsets match its claims."""
    return reader.decode(path.read_bytes()).text


def document_files(folders: Sequence[Path]) -> tuple[dict[str, str], dict[str, Path]]:
    """(doc -> date, doc -> file) for the texts in `folders`, named and dated as the
    extractor names and dates them (the same file names, manifests, collisions)."""
    roots = [f for f in folders if f.is_dir()]
    files = list(reader.iter_text_files(roots))
    try:
        by_file = reader.load_manifests(roots, files)
    except reader.ReadError:
        by_file = {}  # an unreadable manifest gives no dates; the texts still open
    names = reader.document_names(roots, files)
    return ({names[f]: d.isoformat() for f, d in by_file.items()},
            {names[f]: f for f in files})


# ------------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    """What the analyst chose in the sidebar; empty means no restriction."""

    regions: tuple[str, ...] = ()
    include_subregions: bool = True
    years: tuple[int, int] | None = None  # None: every year, including rows without one
    measures: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    hide_low_confidence: bool = False


@dataclass(frozen=True)
class Scope:
    """One session's claims (the table plus its uploads) seen through its filters.

    `facts` is each distinct region with its code, level and province: small,
    read once, and all that resolving "a region and everything inside it" needs.
    """

    source: Source
    uploads: Uploads | None = None
    filters: Filters = field(default_factory=Filters)
    facts: pd.DataFrame = field(default_factory=pd.DataFrame)

    @cached_property
    def region_names(self) -> list[str]:
        """The regions the filter reaches (sub-regions included when asked), worked out
        once per scope, not for each of a page's queries."""
        f = self.filters
        return sorted(expand_regions(self.facts, f.regions) if f.include_subregions
                      else set(f.regions))

    def unfiltered(self) -> Scope:
        """The same claims with no filter (the conflict cards compare across filters)."""
        return replace(self, filters=Filters())

    def conditions(self) -> tuple[list[str], list[Any]]:
        """The filters as SQL conditions over `rel` and their parameters."""
        f = self.filters
        conds: list[str] = []
        params: list[Any] = []
        if f.regions:
            conds.append("list_contains(?, region)")
            params.append(self.region_names)
        if f.years is not None:
            conds.append("year BETWEEN ? AND ?")
            params.extend(f.years)
        for column, chosen in (("measure", f.measures), ("category", f.categories),
                               ("kind", f.kinds), ("doc", f.docs)):
            if chosen:
                conds.append(f"list_contains(?, {column})")
                params.append(list(chosen))
        if f.hide_low_confidence:
            conds.append("confidence >= ?")
            params.append(LOW_CONFIDENCE)
        return conds, params

    def select(self, what: str, where: str = "", params: Sequence[Any] = (), tail: str = "",
               tail_params: Sequence[Any] = (), conflicts: bool = False) -> pd.DataFrame:
        """`SELECT what FROM rel WHERE <filters> AND where tail` as a frame.

        With `conflicts` the rows carry their `conflict_id` (a join: only the
        queries that show conflicts ask for it).
        """
        sql, args = self.sql(what, where, params, tail, tail_params,
                              "crel" if conflicts else "rel")
        return run(self.source, self.uploads, sql, args)

    def rows(self, where: str = "", params: Sequence[Any] = (), order: str = 'doc, "start"',
             limit: int | None = None, offset: int = 0) -> pd.DataFrame:
        """Whole claims in `order` with their `conflict_id`: the rows are picked (and cut
        to `limit`) first, and the conflicts joined to those alone."""
        cut = " LIMIT ? OFFSET ?" if limit is not None else ""
        inner, args = self.sql("*", where, params, f"ORDER BY {order}{cut}",
                                [limit, offset] if limit is not None else [], "rel")
        sql = (f"SELECT r.*, coalesce(k.conflict_id, -1) AS conflict_id FROM ({inner}) r "
               f"LEFT JOIN conflict_keys k USING ({FACT_KEY}) ORDER BY {order}")
        return run(self.source, self.uploads, sql, args)

    def batches(self, what: str, tail: str = "", rows: int = 65_536) -> Iterator[pd.DataFrame]:
        """The same as select, in frames of at most `rows` rows (for downloads)."""
        sql, args = self.sql(what, "", (), tail, (), "rel")
        return batches(self.source, self.uploads, sql, args, rows)

    def sql(self, what: str, where: str, params: Sequence[Any], tail: str,
            tail_params: Sequence[Any], frm: str) -> tuple[str, list[Any]]:
        """`SELECT what FROM frm WHERE <filters> AND where tail` and its parameters."""
        conds, args = self.conditions()
        if where:
            conds.append(where)
            args.extend(params)
        sql = f"SELECT {what} FROM {frm}"
        if conds:
            sql += " WHERE " + " AND ".join(f"({c})" for c in conds)
        return f"{sql} {tail}", [*args, *tail_params]

    def value(self, what: str, where: str = "", params: Sequence[Any] = ()) -> Any:
        """One number or string (a count, a minimum)."""
        frame = self.select(what, where, params)
        return frame.iat[0, 0] if len(frame) else None


def region_facts(scope: Scope) -> pd.DataFrame:
    """Each distinct (region, code, level, province, parent) once: small even for a
    million rows."""
    return scope.unfiltered().select(
        "DISTINCT region, region_code, region_level, province,"
        " coalesce(parent_code, '') AS parent_code",
        tail="ORDER BY region")


def with_ancestors(facts: pd.DataFrame, region_table: pd.DataFrame) -> pd.DataFrame:
    """The facts plus every province and city the regions lie in, and the district a
    village or port lies in, from the region table.

    So the picker offers 重庆市 when only its districts have claims, and 北辰区 when
    only its villages do; choosing it (with sub-regions) reaches them.
    """
    if facts.empty or region_table.empty:
        return facts
    coded = region_table[region_table["code"] != ""]
    by_code = coded.drop_duplicates("code").set_index("code")
    by_name = coded[coded["level"] == "province"].drop_duplicates("name")
    parent_of = dict(zip(by_code.index, by_code["parent_code"].fillna("").astype(str),
                         strict=True))
    wanted: set[str] = set()
    for code in (set(facts["region_code"]) | set(facts["parent_code"])) - {""}:
        seen: set[str] = set()
        while code in parent_of and code not in seen:  # up the tree, never round a loop
            seen.add(code)
            if by_code.at[code, "level"] in ("province", "city"):
                wanted.add(code)
            code = parent_of[code]
    wanted |= set(by_name.loc[by_name["name"].isin(set(facts["province"])), "code"])
    parents = set(facts["parent_code"]) & set(by_code.index)  # the districts of villages
    rows = by_code.loc[sorted(wanted | parents)]
    rows = rows[rows["level"].isin(["province", "city"]) | rows.index.isin(parents)]
    province_of = {c: n for c, n in zip(by_name["code"], by_name["name"], strict=True)}
    extra = pd.DataFrame({
        "region": rows["name"].astype(str).to_numpy(), "region_code": rows.index.astype(str),
        "region_level": rows["level"].astype(str).to_numpy(),
        "province": [province_of.get(c[:2] + "0000", "") for c in rows.index.astype(str)],
        "parent_code": rows["parent_code"].fillna("").astype(str).to_numpy(),
    })
    known = set(zip(facts["region"], facts["region_code"], strict=True))
    extra = extra[[(r, c) not in known for r, c in zip(extra["region"], extra["region_code"],
                                                        strict=True)]]
    return pd.concat([facts, extra], ignore_index=True)


def with_facts(scope: Scope) -> Scope:
    """The scope with its region facts (and their provinces and cities) read, once per
    table or per set of uploads."""
    return replace(scope, facts=with_ancestors(region_facts(scope), scope.source.region_table))


@dataclass(frozen=True)
class FilterOptions:
    """Choices the sidebar offers, computed once per table."""

    regions: list[str]
    region_labels: dict[str, str]
    year_range: tuple[int, int] | None
    measures: list[str]
    categories: list[str]
    kinds: list[str]
    n_docs: int
    n_claims: int
    top_docs: list[str]  # the documents with the most claims, offered before any search


def present_values(scope: Scope, column: str, where: str = "",
                   params: Sequence[Any] = ()) -> list[str]:
    """Non-empty values of a column in the scope, most frequent first."""
    frame = scope.select(f"{column} AS v, count(*) AS n", f"{column} <> ''" +
                         (f" AND {where}" if where else ""), params,
                         tail="GROUP BY v ORDER BY n DESC, v")
    return [str(v) for v in frame["v"]]


def filter_options(scope: Scope) -> FilterOptions:
    """Sidebar choices: regions grouped by province, years, and the other facets."""
    span = scope.select("min(year) AS lo, max(year) AS hi, count(DISTINCT doc) AS docs, "
                        "count(*) AS claims")
    lo, hi = span.iat[0, 0], span.iat[0, 1]
    year_range = None if pd.isna(lo) else (int(lo), int(hi))
    regions, labels = region_hierarchy(scope.facts, scope.source.region_table)
    kinds = sorted(present_values(scope, "kind"),
                   key=lambda k: (KIND_ORDER.index(k) if k in KIND_ORDER else len(KIND_ORDER), k))
    return FilterOptions(
        regions=regions, region_labels=labels, year_range=year_range,
        measures=present_values(scope, MEASURE), categories=present_values(scope, "category"),
        kinds=kinds, n_docs=int(span.iat[0, 2]), n_claims=int(span.iat[0, 3]),
        top_docs=docs_matching(scope, ""),
    )


DOC_MATCHES = 50  # document names a picker offers: the busiest, or those matching a search


def docs_matching(scope: Scope, text: str, limit: int = DOC_MATCHES) -> list[str]:
    """Document names containing `text` (all when empty), most claims first.

    A corpus of a hundred thousand documents cannot be one drop-down; the
    picker asks for the names that match what the user typed.
    """
    frame = scope.unfiltered().select(
        "doc, count(*) AS n", "contains(lower(doc), lower(?))", [text],
        tail="GROUP BY doc ORDER BY n DESC, doc LIMIT ?", tail_params=[limit])
    return [str(d) for d in frame["doc"]]


def docs_present(scope: Scope, names: Sequence[str]) -> set[str]:
    """Which of `names` are documents of the table (an upload must not take one)."""
    if not names:
        return set()
    frame = scope.unfiltered().select("DISTINCT doc", "list_contains(?, doc)", [list(names)])
    return {str(d) for d in frame["doc"]}


def region_hierarchy(
    facts: pd.DataFrame, region_table: pd.DataFrame | None = None
) -> tuple[list[str], dict[str, str]]:
    """Regions ordered province by province, each sub-region after its parent.

    Labels show the path ("重庆市 › 江津区", "河北省 › 张家口市 › 怀来县") so a
    flat list still reads as a tree; the city step comes from the region table
    when it is there, from the region code otherwise.
    """
    if facts.empty:
        return [], {}
    facts = facts[facts["region"] != ""].drop_duplicates("region")
    city_names: dict[str, str] = {}
    if region_table is not None and not region_table.empty:
        cities = region_table[region_table["level"] == "city"]
        city_names = dict(zip(cities["code"].str[:4], cities["name"], strict=False))
    for _, row in facts[facts["region_level"] == "city"].iterrows():
        if row["region_code"]:
            city_names.setdefault(row["region_code"][:4], row["region"])
    province_code = {
        row["region"]: row["region_code"][:2]
        for _, row in facts[facts["region_level"] == "province"].iterrows()
    }
    name_of_code = {row["region_code"]: row["region"] for _, row in facts.iterrows()
                    if row["region_code"]}

    def sort_key(row: pd.Series) -> tuple:
        level = LEVEL_ORDER.get(row["region_level"], 8)
        if level <= 1 or (not row["province"] and level != 2):
            return (0, level, "", row["region"])
        province = row["province"] or row["region"]
        # A village or port sorts right after the district it lies in (120113 → 120113~).
        code = row["region_code"] or (row["parent_code"] + "~" if row["parent_code"] else
                                      province_code.get(province, "99"))
        return (1, province_code.get(province, code[:2] or "99"), province,
                0 if level == 2 else 1, code or "~", level, row["region"])

    def path_label(row: pd.Series) -> str:
        level = row["region_level"]
        province = row["province"]
        if level in ("country", "macro_region", "province") or not province:
            return row["region"]
        steps = [province]
        code = row["region_code"] or row["parent_code"]
        city = city_names.get(code[:4]) if code else None
        if level != "city" and city and city not in (province, row["region"]):
            steps.append(city)
        parent = name_of_code.get(row["parent_code"]) if not row["region_code"] else None
        if parent and parent not in steps:
            steps.append(parent)
        return " › ".join([*steps, row["region"]])

    facts = facts.assign(_key=facts.apply(sort_key, axis=1)).sort_values("_key")
    labels = {row["region"]: path_label(row) for _, row in facts.iterrows()}
    return list(labels), labels


def expand_regions(facts: pd.DataFrame, regions: Sequence[str]) -> set[str]:
    """The chosen regions plus every region inside them.

    Inside means: in the chosen province, or with a GB/T 2260 code starting
    with the chosen region's code stripped of trailing zero pairs
    (500116 江津区 -> 500116..., 130700 张家口市 -> 1307...).
    """
    chosen = set(regions)
    if facts.empty:
        return chosen
    picked = facts[facts["region"].isin(chosen)]
    provinces = set(picked.loc[picked["region_level"] == "province", "region"])
    prefixes = []
    for code in picked["region_code"]:
        while code.endswith("00") and len(code) > 2:
            code = code[:-2]
        if code:
            prefixes.append(code)
    inside = facts["province"].isin(provinces).to_numpy()
    if prefixes:
        inside = inside | facts["region_code"].str.startswith(tuple(prefixes)).to_numpy()
        # villages and ports by the district they lie in
        inside = inside | facts["parent_code"].str.startswith(tuple(prefixes)).to_numpy()
    return chosen | set(facts.loc[inside, "region"])


# ---------------------------------------------------------------- aggregates


def chart_kinds(kind: str) -> list[str]:
    """The kinds a chart of `kind` draws (see CHART_KINDS)."""
    return list(CHART_KINDS.get(kind, (kind,)))


def measure_facets(scope: Scope, measure: str) -> pd.DataFrame:
    """Per kind, unit and year of one measure: its claims and the regions they cover.

    One small query from which the chart's kind, unit and year choices are all read.
    """
    return scope.select("kind, unit, year, count(*) AS n, count(DISTINCT region) AS regions",
                        "measure = ?", [measure], tail="GROUP BY kind, unit, year")


def kinds_for(facets: pd.DataFrame) -> list[str]:
    """Chart kinds a measure has claims of: level first, then the rates."""
    present = set(facets["kind"])
    shown = [k for k, members in CHART_KINDS.items() if present & set(members)]
    return shown or sorted(present)


def _of_kind(facets: pd.DataFrame, kind: str | None) -> pd.DataFrame:
    return facets if kind is None else facets[facets["kind"].isin(chart_kinds(kind))]


def units_for(facets: pd.DataFrame, kind: str | None = None) -> list[str]:
    """Units a measure is stated in, most common first (亿元 and % never share an axis)."""
    counts = _of_kind(facets, kind).groupby("unit")["n"].sum()
    counts = counts[counts.index != ""].sort_index().sort_values(ascending=False, kind="stable")
    return [str(u) for u in counts.index]


def years_for(facets: pd.DataFrame, unit: str, kind: str = "level") -> list[int]:
    """Years with a claim for the measure in this unit and kind, newest first."""
    rows = _of_kind(facets, kind)
    years = rows.loc[(rows["unit"] == unit) & rows["year"].notna(), "year"]
    return sorted({int(y) for y in years}, reverse=True)


def busiest_year(facets: pd.DataFrame, unit: str, kind: str = "level") -> int | None:
    """The year with values for the most regions: the bar chart's opening year."""
    rows = facets[(facets["kind"] == kind) & (facets["unit"] == unit) & facets["year"].notna()]
    if rows.empty:
        return None
    per_year = rows.groupby("year")["regions"].sum()
    return int(per_year[per_year == per_year.max()].index.max())


def best_measure(scope: Scope) -> str | None:
    """A sensible first chart: a headline measure with a line to draw, else the one with
    actual values in the most years and regions.

    Counting distinct years and regions rather than rows favours a measure
    that makes a line or a comparison over one repeated in a single document.
    """
    spread = scope.select(
        "measure, count(DISTINCT year) AS years, count(DISTINCT region) AS regions",
        "year IS NOT NULL AND kind = 'level' AND measure <> ''",
        tail="GROUP BY measure ORDER BY years DESC, regions DESC, measure")
    if spread.empty:
        return None
    years = dict(zip(spread["measure"], spread["years"], strict=True))
    for name in HEADLINE_MEASURES:
        if years.get(name, 0) > 1:
            return name
    return str(spread["measure"].iat[0])


_FACT_AGGREGATES = (
    "first(value ORDER BY confidence DESC, doc, \"start\") AS value, "
    "first(qualifier ORDER BY confidence DESC, doc, \"start\") AS qualifier, "
    "min(value) AS low, max(value) AS high, count(*) AS n, max(confidence) AS confidence, "
    "max(conflict_id) >= 0 AS conflict"
)


def fact_summary(scope: Scope, keys: Sequence[str], where: str = "",
                 params: Sequence[Any] = ()) -> pd.DataFrame:
    """One row per fact: the most confident value, the spread, the count, a conflict flag.

    Conflicting values are not averaged away: `low`/`high` carry the spread and
    `conflict` says the plotted value is one of several that conflict (the
    conflict cards' own rule).
    """
    key_list = ", ".join(keys)
    return scope.select(f"{key_list}, {_FACT_AGGREGATES}", where, params,
                        tail=f"GROUP BY {key_list} ORDER BY {key_list}", conflicts=True)


def indicator_series(scope: Scope, measure: str, unit: str, kind: str = "level"
                     ) -> pd.DataFrame:
    """Per region, kind and year: the measure's value, for the line chart."""
    out = fact_summary(scope, ["region", "kind", "year"],
                       "measure = ? AND unit = ? AND list_contains(?, kind) AND year IS NOT NULL",
                       [measure, unit, chart_kinds(kind)])
    out["year"] = out["year"].astype(int)
    return out


POPULATION = ("常住人口", "人")  # the concept and unit per-capita values divide by


def per_capita(series: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Values per resident: each region-year divided by its 常住人口, where there is one.

    Region-years without a population figure are left out (the chart says how
    many), never divided by a guess.
    """
    pop = population[population["kind"] == "level"][["region", "year", "value"]]
    joined = series.merge(pop.rename(columns={"value": "_pop"}), on=["region", "year"])
    joined = joined[joined["_pop"] > 0]
    for column in ("value", "low", "high"):
        joined[column] = joined[column] / joined["_pop"]
    return joined.drop(columns="_pop").reset_index(drop=True)


def as_index(series: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Values as an index, each region's actual value in `base_year` = 100.

    Targets and forecasts are indexed on the same actual value, so they stay
    comparable with the line they belong to; a region with no actual value in
    the base year is left out.
    """
    base = series[(series["year"] == base_year) & (series["kind"] == "level")]
    base = base[base["value"] != 0][["region", "value"]].rename(columns={"value": "_base"})
    joined = series.merge(base, on="region")
    for column in ("value", "low", "high"):
        joined[column] = joined[column] / joined["_base"] * 100
    return joined.drop(columns="_base").reset_index(drop=True)


def region_year_table(scope: Scope, measure: str, unit: str, kind: str) -> pd.DataFrame:
    """The indicator table's rows for one measure, unit and kind: per region and year the
    agreed value, its claims and documents, and whether they conflict.

    extract.panel builds it (the same rule as the CLI's --panel), from the
    filtered claims of that measure only.
    """
    claims = scope.select(PANEL_INPUTS,
                          "measure = ? AND unit = ? AND kind = ? AND year IS NOT NULL",
                          [measure, unit, kind])
    panel = build_panel(claims)
    return panel[["region", "region_code", "province", "year", "value", "n_claims", "n_docs",
                  "conflict", "claim_ids"]].astype({"year": "int64"})


def wide_table(panel: pd.DataFrame, region_order: Sequence[str] = ()) -> tuple[
        pd.DataFrame, pd.DataFrame]:
    """(values, sources): regions as rows, years as columns; the second counts claims.

    Rows follow `region_order` (the sidebar's tree order) where given.
    """
    if panel.empty:
        return pd.DataFrame(), pd.DataFrame()
    values = panel.pivot_table(index="region", columns="year", values="value", aggfunc="first")
    counts = panel.pivot_table(index="region", columns="year", values="n_claims", aggfunc="sum")
    rank = {r: i for i, r in enumerate(region_order)}
    order = sorted(values.index, key=lambda r: (rank.get(r, len(rank)), r))
    return values.loc[order], counts.loc[order].astype("Int64")


def wide_csv_bytes(values: pd.DataFrame, counts: pd.DataFrame, unit: str) -> bytes:
    """The region × year table as a CSV: a value column and a claims column per year."""
    out = pd.DataFrame(index=values.index)
    for year in values.columns:
        out[f"{year} ({unit})"] = values[year]
        out[f"{year} 条数 claims"] = counts[year]
    out = out.reset_index().rename(columns={"region": "地区 region"})
    return _csv_bytes([out], list(out.columns))


def sources_summary(scope: Scope, measure: str, unit: str, kind: str,
                    regions: Sequence[str] = ()) -> dict[str, Any]:
    """Where a chart's figures come from (of the given regions, else all): how many
    documents, their first and last date, the busiest three.

    Worked out in the query: a measure of a million claims has tens of thousands
    of (document, region) pairs, too many to fetch and group on every rerun, while
    this answer is one row the table's answer cache keeps.
    """
    where = "measure = ? AND unit = ? AND list_contains(?, kind) AND year IS NOT NULL"
    params: list[Any] = [measure, unit, chart_kinds(kind)]
    if regions:
        where += " AND list_contains(?, region)"
        params.append(list(regions))
    per_doc, args = scope.sql("doc, count(*) AS n, nullif(max(doc_date), '') AS date", where,
                              params, "GROUP BY doc", (), "rel")
    frame = run(scope.source, scope.uploads,
                "SELECT count(*) AS docs, coalesce(min(date), '') AS first, "
                "coalesce(max(date), '') AS last, "
                f"list(doc ORDER BY n DESC, doc)[1:3] AS top FROM ({per_doc})", args)
    row = frame.iloc[0]
    return {"docs": int(row["docs"]), "first": str(row["first"]), "last": str(row["last"]),
            "top": [str(d) for d in (row["top"] if row["docs"] else [])]}


def regions_in_year(series: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per region and kind: the value in one year, for the bar chart (the line chart's
    facts of that year: the same groups, so the same values)."""
    out = series[series["year"] == year].drop(columns="year")
    return out.sort_values("value", ascending=False, kind="stable").reset_index(drop=True)


def region_profile(scope: Scope, region: str) -> pd.DataFrame:
    """What the corpus says about one region: claims per category and measure."""
    return scope.select("category, measure AS indicator, count(*) AS n", "region = ?", [region],
                        tail="GROUP BY category, measure ORDER BY n DESC, category, indicator")


def top_regions(scope: Scope, limit: int = 50) -> list[str]:
    """Regions with the most claims, for the profile's region choice."""
    frame = scope.select("region, count(*) AS n", "region <> ''",
                         tail="GROUP BY region ORDER BY n DESC, region LIMIT ?",
                         tail_params=[limit])
    return [str(r) for r in frame["region"]]


def map_counts(scope: Scope) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Claims per province (for polygons) and per region with a centroid (for points).

    A claim counts for its province even when it is about a district or a
    village, so every region with claims lights up its province on the map.
    """
    per_fact = scope.select("region, region_level, province, count(*) AS n",
                            tail="GROUP BY region, region_level, province")
    own = per_fact["region_level"] == "province"
    per_fact["province"] = per_fact["province"].where(~own, per_fact["region"])
    per_province = (per_fact[per_fact["province"] != ""].groupby("province")["n"].sum()
                    .sort_values(ascending=False).reset_index())
    points = pd.DataFrame(columns=["region", "n", "lon", "lat", "province"])
    region_table = scope.source.region_table
    if not region_table.empty and region_table["lon"].notna().any():
        per_region = per_fact.groupby("region", as_index=False).agg(
            n=("n", "sum"), province=("province", "first"))
        located = region_table.dropna(subset=["lon", "lat"]).drop_duplicates("name")
        points = (per_region.merge(located[["name", "lon", "lat"]], left_on="region",
                                   right_on="name").drop(columns="name")
                  .sort_values("n", ascending=False)[["region", "n", "lon", "lat", "province"]])
    return per_province, points


def claim_count(scope: Scope) -> int:
    """How many claims the filters let through."""
    return int(scope.value("count(*)") or 0)


def table_summary(scope: Scope) -> dict[str, int]:
    """Claims, documents, regions and measures in the scope (the About panel)."""
    frame = scope.select("count(*) AS claims, count(DISTINCT doc) AS docs, "
                         "count(DISTINCT region) AS regions, count(DISTINCT measure) AS measures")
    return {c: int(frame[c].iat[0]) for c in frame.columns}


def claims_page(scope: Scope, offset: int, limit: int) -> pd.DataFrame:
    """One page of the filtered claims, in document order, with their conflicts."""
    return scope.rows(limit=limit, offset=offset)


def document_claims(scope: Scope, doc: str) -> pd.DataFrame:
    """Every claim of one document, in text order (whatever the filters)."""
    return scope.unfiltered().select("*", "doc = ?", [doc], tail='ORDER BY "start"')


def claims_per_doc(scope: Scope, docs: Sequence[str]) -> dict[str, int]:
    """Claims of each named document."""
    frame = scope.unfiltered().select("doc, count(*) AS n", "list_contains(?, doc)",
                                      [list(docs)], tail="GROUP BY doc")
    return dict(zip(frame["doc"].astype(str), frame["n"].astype(int), strict=True))


# ----------------------------------------------------------------- conflicts


def conflict_ids_in(scope: Scope, limit: int) -> tuple[int, list[int]]:
    """(how many conflicts the filtered claims take part in, the first `limit` of them)."""
    sql, args = scope.sql("DISTINCT k.conflict_id", "", (), "ORDER BY k.conflict_id", (),
                           f"rel JOIN conflict_keys k USING ({FACT_KEY})")
    frame = run(scope.source, scope.uploads, sql, args)
    ids = [int(i) for i in frame["conflict_id"]]
    return len(ids), ids[:limit]


def conflict_table(scope: Scope, ids: Sequence[int]) -> pd.DataFrame:
    """All claims of the given conflicts (from the whole table: a filter on one document
    must not hide the other document's value), grouped for side-by-side display."""
    return run(scope.source, scope.uploads,
               "SELECT rel.*, k.conflict_id FROM rel JOIN (SELECT * FROM conflict_keys WHERE "
               f"list_contains(?, conflict_id)) k USING ({FACT_KEY}) "
               'ORDER BY conflict_id, value, doc, "start"', [list(ids)])


# ---------------------------------------------------------------- drill-down


@dataclass(frozen=True)
class DrillTarget:
    """The fact a click pointed at; None fields match anything."""

    region: str | None = None
    measure: str | None = None
    year: int | None = None
    kind: str | None = None
    province: str | None = None
    claim_id: str | None = None

    def describe(self) -> str:
        """A short heading such as '北京市 · 常住人口 · 2022'."""
        parts = [self.region or self.province or "", self.measure or "",
                 str(self.year) if self.year is not None else "", self.kind or ""]
        return " · ".join(p for p in parts if p)


# Order of fields packed into every chart point's customdata, so one function
# can read a click on any chart.
CUSTOMDATA_FIELDS: tuple[str, ...] = ("region", "measure", "year", "kind")


def drill_from_selection(selection: dict | None) -> DrillTarget | None:
    """Turn a Plotly selection (as st.plotly_chart returns it) into a drill target."""
    if not selection:
        return None
    points = (selection.get("selection") or selection).get("points") or []
    if not points:
        return None
    point = points[0]
    custom = point.get("customdata")
    if custom is not None and not isinstance(custom, list | tuple):
        custom = [custom]
    if custom:
        values = dict(zip(CUSTOMDATA_FIELDS, list(custom) + [None] * 4, strict=False))
        year = values.get("year")
        return DrillTarget(
            region=values.get("region") or None,
            measure=values.get("measure") or None,
            year=int(float(year)) if year not in (None, "", "nan") else None,
            kind=values.get("kind") or None,
        )
    location = point.get("location")
    if location:
        return DrillTarget(province=str(location))
    return None


def drill_claims(scope: Scope, target: DrillTarget, limit: int = 200
                 ) -> tuple[pd.DataFrame, int]:
    """The claims behind a clicked point, bar, map region or table row, and how many.

    A table row shows that claim first, then the other claims for the same
    region, measure and year, so a conflicting sentence is never hidden.
    """
    if target.claim_id is not None:
        picked = scope.unfiltered().rows("claim_id = ?", [target.claim_id])
        if picked.empty:
            return picked, 0
        row = picked.iloc[0]
        year = None if pd.isna(row["year"]) else int(row["year"])
        same, total = drill_claims(scope, DrillTarget(region=str(row["region"]),
                                                      measure=str(row["measure"]), year=year),
                                   limit)
        rest = same[same[CLAIM_ID] != target.claim_id]
        outside = int(scope.value("count(*)", "claim_id = ?", [target.claim_id]) or 0) == 0
        return pd.concat([picked, rest]).head(limit), total + outside
    conds, params = [], []
    for column in ("region", "measure", "kind"):
        wanted = getattr(target, column)
        if wanted is not None:
            conds.append(f"{column} = ?")
            params.append(wanted)
    if target.province is not None:
        conds.append("(province = ? OR (region = ? AND region_level = 'province'))")
        params.extend([target.province, target.province])
    if target.year is not None:
        conds.append("year = ?")
        params.append(target.year)
    where = " AND ".join(conds)
    total = int(scope.value("count(*)", where, params) or 0)
    rows = scope.rows(where, params, order='year, doc, "start"', limit=limit)
    return rows, total


# --------------------------------------------------------------------- export


def export_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The table as the extractor wrote it: its columns, integer years, no app columns."""
    out = df[list(COLUMNS)].copy()
    out["year"] = pd.array(out["year"].to_numpy(dtype="float64"), dtype="Float64").astype("Int64")
    return out


def _csv_bytes(frames: Iterable[pd.DataFrame], columns: Sequence[str]) -> bytes:
    """CSV in UTF-8 with a BOM (Excel shows the Chinese), text cells formula-safe as the CLI's."""
    out = io.StringIO()
    out.write("\ufeff")
    header = True
    for frame in frames:
        frame = frame.copy()
        for column in frame.columns:
            if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
                frame[column] = frame[column].map(formula_safe, na_action="ignore")
        frame.to_csv(out, index=False, header=header)
        header = False
    if header:  # no rows: the header alone
        pd.DataFrame(columns=list(columns)).to_csv(out, index=False)
    return out.getvalue().encode("utf-8")


def to_csv_bytes(scope: Scope, batch_rows: int = 65_536) -> bytes:
    """The filtered claims as the extractor writes them, read from the table in batches."""
    frames = (export_frame(b) for b in scope.batches("*", 'ORDER BY doc, "start"', batch_rows))
    return _csv_bytes(frames, COLUMNS)


def panel_csv_bytes(scope: Scope) -> bytes:
    """The indicator table of the filtered claims (extract.panel, as the CLI's --panel)."""
    claims = scope.select(PANEL_INPUTS)
    return _csv_bytes([build_panel(claims)], PANEL_COLUMNS)
