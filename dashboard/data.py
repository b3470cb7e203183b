"""Data access for the dashboard: load the claims table, filter it, aggregate it.

Everything the page shows is computed here, in plain pandas, so it can be
tested and benchmarked without Streamlit; the views only draw what these
functions return. The table is read once per process (the app caches the
`Corpus`); filters are boolean masks over categorical columns so that a filter
change on a million rows stays well under a second.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from extract import read as reader
from extract import store
from extract.columns import COLUMNS
from extract.panel import TOLERANCE, build_panel, conflict_groups
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

# Repeated short strings: categorical storage makes masks and group-bys fast.
CATEGORICAL_COLUMNS: tuple[str, ...] = (
    "doc", "unit", "qualifier", "kind", "region", "indicator", "category",
    "region_code", "region_level", "province", "doc_date",
)
TEXT_COLUMNS: tuple[str, ...] = ("quote", "sentence")
LEVEL_ORDER: dict[str, int] = {
    "country": 0, "macro_region": 1, "province": 2, "city": 3, "county": 4,
    "township": 5, "village": 6, "site": 7,
}
# Indicators an analyst looks at first; the opening chart prefers them, in this order.
HEADLINE_INDICATORS: tuple[str, ...] = ("地区生产总值", "常住人口", "进出口总额",
                                        "一般公共预算收入")
# Columns the app adds; they never leave the app in a download.
CLAIM_ID = "claim_id"
CONFLICT_ID = "conflict_id"


# --------------------------------------------------------------------------- load


@dataclass(frozen=True)
class Corpus:
    """The loaded claims plus what the page needs to explain an empty one."""

    claims: pd.DataFrame
    path: Path
    problem: str | None = None  # "missing", "empty" or an error message
    region_table: pd.DataFrame = field(default_factory=pd.DataFrame)


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


def empty_claims() -> pd.DataFrame:
    """A table with every column and no rows, typed as a loaded one is."""
    return normalise_claims(pd.DataFrame({c: [] for c in COLUMNS}))


def read_table(path: Path) -> pd.DataFrame:
    """Read a claims file as the extractor writes it: .csv (BOM), .parquet, .jsonl or a
    store (.duckdb)."""
    suffix = path.suffix.lower()
    if store.is_store(path):
        return store.read_claims(path)
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix in (".jsonl", ".json"):
        return pd.read_json(path, lines=True, dtype=False)
    return read_csv_fast(path)


def read_csv_fast(path: Path) -> pd.DataFrame:
    """Read the CSV with pyarrow, repeated strings straight into categoricals.

    This is most of the first render on a big table: pyarrow parses a million
    rows in about half a second and hands over dictionary columns as pandas
    categoricals without a per-row conversion.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    types: dict[str, pa.DataType] = {c: pa.dictionary(pa.int32(), pa.string())
                                     for c in CATEGORICAL_COLUMNS}
    types.update({c: pa.string() for c in TEXT_COLUMNS})
    types.update({"start": pa.float64(), "end": pa.float64(), "value": pa.float64(),
                  "year": pa.float64(), "confidence": pa.float64()})
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(use_threads=True),
        convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=False,
                                             quoted_strings_can_be_null=False),
    )
    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)


def normalise_claims(raw: pd.DataFrame, first_id: int = 0) -> pd.DataFrame:
    """Give a raw table every column with the dtypes the filters expect.

    Missing extras get neutral values (confidence 1.0, empty strings), so a
    table holding only the SPEC columns still works.
    """
    df = pd.DataFrame(index=pd.RangeIndex(len(raw)))
    for col in COLUMNS:
        src = raw[col] if col in raw.columns else None
        if col in ("start", "end"):
            df[col] = (pd.to_numeric(src, errors="coerce") if src is not None
                       else pd.Series(np.nan, index=df.index)).fillna(-1).astype("int64").to_numpy()
        elif col in ("value", "year", "confidence"):
            default = 1.0 if col == "confidence" else np.nan
            values = (pd.to_numeric(src, errors="coerce").astype("float64").to_numpy()
                      if src is not None else np.full(len(df), default))
            if col == "confidence":
                values = np.where(np.isnan(values), 1.0, values)
            df[col] = values
        elif src is None:
            df[col] = pd.Series("", index=df.index,
                                dtype="category" if col in CATEGORICAL_COLUMNS else "string")
        elif col in CATEGORICAL_COLUMNS:
            df[col] = as_categorical(src)
        else:
            df[col] = src.astype("string").fillna("").array
    df[CLAIM_ID] = np.arange(first_id, first_id + len(df), dtype="int64")
    df[CONFLICT_ID] = conflict_ids(df)
    return df


def as_categorical(values: pd.Series) -> pd.Categorical:
    """A string categorical with "" for missing; cheap when the column already is one."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = values.cat.categories
        if cats.dtype != object and not pd.api.types.is_string_dtype(cats):
            values = values.cat.rename_categories([str(c) for c in cats])
        if values.isna().any():
            if "" not in values.cat.categories:
                values = values.cat.add_categories([""])
            values = values.fillna("")
        return values.array
    return pd.Categorical(values.astype("string").fillna(""))


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


def load_corpus(path: Path, regions: Path | None = None) -> Corpus:
    """Read the claims table once; explain instead of failing when it is missing or empty."""
    region_table = read_region_table(regions or regions_path())
    if not path.is_file():
        return Corpus(empty_claims(), path, "missing", region_table)
    with path.open("rb") as head:
        if not head.read(64).lstrip(b"\xef\xbb\xbf \r\n\t"):
            return Corpus(empty_claims(), path, "empty", region_table)
    try:
        raw = read_table(path)
    except pd.errors.EmptyDataError:
        return Corpus(empty_claims(), path, "empty", region_table)
    except (OSError, ValueError, store.StoreError) as error:
        return Corpus(empty_claims(), path, str(error), region_table)
    claims = normalise_claims(raw)
    return Corpus(claims, path, None if len(claims) else "empty", region_table)


def combine(base: pd.DataFrame, extra: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Base table plus rows extracted in this session, with ids and conflicts redone."""
    if not extra:
        return base
    frames = [base.drop(columns=[CLAIM_ID, CONFLICT_ID]), *[
        e.drop(columns=[CLAIM_ID, CONFLICT_ID], errors="ignore") for e in extra]]
    merged = pd.concat([f.astype({c: "string" for c in CATEGORICAL_COLUMNS}) for f in frames],
                       ignore_index=True)
    return normalise_claims(merged)


def rows_from_records(records: Iterable[dict]) -> pd.DataFrame:
    """Extractor output (dicts keyed by COLUMNS) as a normalised frame."""
    return normalise_claims(pd.DataFrame(list(records), columns=list(COLUMNS)))


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


# ----------------------------------------------------------------- conflicts


def conflict_ids(df: pd.DataFrame) -> np.ndarray:
    """Number each group of claims that give different values for one fact; -1 elsewhere.

    The extractor's rule (extract.panel.conflict_groups), so the cards and the
    indicator table's `conflict` column always agree.
    """
    return conflict_groups(df)


def conflict_table(df: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """Claims in conflicting groups, grouped and ordered for side-by-side display."""
    rows = df[df[CONFLICT_ID] >= 0]
    if limit is not None:
        keep = rows[CONFLICT_ID].drop_duplicates().head(limit)
        rows = rows[rows[CONFLICT_ID].isin(keep)]
    return rows.sort_values([CONFLICT_ID, "value"], kind="stable")


# ------------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    """What the analyst chose in the sidebar; empty means no restriction."""

    regions: tuple[str, ...] = ()
    include_subregions: bool = True
    years: tuple[int, int] | None = None  # None: every year, including rows without one
    indicators: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    hide_low_confidence: bool = False


@dataclass(frozen=True)
class FilterOptions:
    """Choices the sidebar offers, computed once per table."""

    regions: list[str]
    region_labels: dict[str, str]
    year_range: tuple[int, int] | None
    indicators: list[str]
    categories: list[str]
    kinds: list[str]
    docs: list[str]
    region_facts: pd.DataFrame = field(default_factory=pd.DataFrame)


def present_values(series: pd.Series) -> list[str]:
    """Non-empty values of a categorical column, most frequent first.

    A filtered categorical still lists every category, with zero counts; those
    must not become choices.
    """
    counts = series.value_counts(sort=True)
    return [str(v) for v, n in counts.items() if n > 0 and str(v) != ""]


def filter_options(df: pd.DataFrame, region_table: pd.DataFrame | None = None) -> FilterOptions:
    """Sidebar choices: regions grouped by province, years, and the other facets."""
    years = df["year"].to_numpy()
    years = years[~np.isnan(years)]
    year_range = (int(years.min()), int(years.max())) if years.size else None
    regions, labels = region_hierarchy(df, region_table)
    kind_order = ["level", "change", "share", "cumulative", "target", "forecast"]
    kinds = sorted(present_values(df["kind"]), key=lambda k: (kind_order.index(k) if k in kind_order
                                                        else len(kind_order), k))
    return FilterOptions(
        regions=regions,
        region_labels=labels,
        year_range=year_range,
        indicators=present_values(df["indicator"]),
        categories=present_values(df["category"]),
        kinds=kinds,
        docs=sorted(present_values(df["doc"])),
        region_facts=region_facts(df),
    )


def region_hierarchy(
    df: pd.DataFrame, region_table: pd.DataFrame | None = None
) -> tuple[list[str], dict[str, str]]:
    """Regions ordered province by province, each sub-region after its parent.

    Labels show the path ("重庆市 › 江津区", "河北省 › 张家口市 › 怀来县") so a
    flat list still reads as a tree; the city step comes from the region table
    when it is there, from the region code otherwise.
    """
    if df.empty:
        return [], {}
    facts = region_facts(df)
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

    def sort_key(row: pd.Series) -> tuple:
        level = LEVEL_ORDER.get(row["region_level"], 8)
        if level <= 1 or (not row["province"] and level != 2):
            return (0, level, "", row["region"])
        province = row["province"] or row["region"]
        code = row["region_code"] or province_code.get(province, "99")
        return (1, province_code.get(province, code[:2] or "99"), province,
                0 if level == 2 else 1, code or "~", level, row["region"])

    def path_label(row: pd.Series) -> str:
        level = row["region_level"]
        province = row["province"]
        if level in ("country", "macro_region", "province") or not province:
            return row["region"]
        steps = [province]
        city = city_names.get(row["region_code"][:4]) if row["region_code"] else None
        if level != "city" and city and city not in (province, row["region"]):
            steps.append(city)
        return " › ".join([*steps, row["region"]])

    facts = facts.assign(_key=facts.apply(sort_key, axis=1)).sort_values("_key")
    labels = {row["region"]: path_label(row) for _, row in facts.iterrows()}
    return list(labels), labels


REGION_FACT_COLUMNS: tuple[str, ...] = ("region", "region_code", "region_level", "province")


def region_facts(df: pd.DataFrame) -> pd.DataFrame:
    """Each distinct (region, code, level, province) once: small even for a million rows.

    Computed on the categorical codes, once per table, so that resolving a
    region choice never scans the rows again.
    """
    if df.empty:
        return pd.DataFrame(columns=list(REGION_FACT_COLUMNS))
    codes = pd.DataFrame({c: df[c].cat.codes.to_numpy() for c in REGION_FACT_COLUMNS})
    codes = codes.drop_duplicates()
    return pd.DataFrame({
        c: np.asarray(df[c].cat.categories, dtype=object)[codes[c].to_numpy()]
        for c in REGION_FACT_COLUMNS
    }).reset_index(drop=True)


def expand_regions(facts: pd.DataFrame, regions: Sequence[str]) -> set[str]:
    """The chosen regions plus every region inside them.

    Inside means: in the chosen province, or with a GB/T 2260 code starting
    with the chosen region's code stripped of trailing zero pairs
    (500116 江津区 -> 500116..., 130700 张家口市 -> 1307...).
    """
    chosen = set(regions)
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
    return chosen | set(facts.loc[inside, "region"])


def filter_mask(df: pd.DataFrame, f: Filters, facts: pd.DataFrame | None = None) -> np.ndarray:
    """Boolean mask of the rows every chosen filter lets through.

    `facts` (from `region_facts`, cached with the table) saves a pass over the
    rows when sub-regions are included.
    """
    mask = np.ones(len(df), dtype=bool)
    if f.regions:
        names = set(f.regions)
        if f.include_subregions:
            names = expand_regions(region_facts(df) if facts is None else facts, f.regions)
        mask = mask & df["region"].isin(list(names)).to_numpy()
    if f.years is not None:
        lo, hi = f.years
        year = df["year"].to_numpy()
        with np.errstate(invalid="ignore"):
            mask = mask & (year >= lo) & (year <= hi)
    for column, chosen in (("indicator", f.indicators), ("category", f.categories),
                           ("kind", f.kinds), ("doc", f.docs)):
        if chosen:
            mask = mask & df[column].isin(chosen).to_numpy()
    if f.hide_low_confidence:
        mask = mask & (df["confidence"].to_numpy() >= LOW_CONFIDENCE)
    return mask


def apply_filters(df: pd.DataFrame, f: Filters, facts: pd.DataFrame | None = None
                  ) -> pd.DataFrame:
    """The rows every chosen filter lets through."""
    if f == Filters():
        return df
    return df[filter_mask(df, f, facts)]


# ---------------------------------------------------------------- aggregates


def units_for(df: pd.DataFrame, indicator: str) -> list[str]:
    """Units an indicator is stated in, most common first (亿元 and % never share an axis)."""
    units = df.loc[df["indicator"] == indicator, "unit"]
    return present_values(units.astype(str).astype("category"))


def best_indicator(df: pd.DataFrame) -> str | None:
    """A sensible first chart: a headline indicator with a line to draw, else the one with
    actual values in the most years and regions.

    Counting distinct years and regions rather than rows favours an indicator
    that makes a line or a comparison over one repeated in a single document.
    """
    actual = df[~np.isnan(df["year"].to_numpy()) & (df["kind"] == "level").to_numpy()
                & (df["indicator"] != "").to_numpy()]
    if actual.empty:
        return None
    spread = (actual.groupby("indicator", observed=True)
              .agg(years=("year", "nunique"), regions=("region", "nunique")))
    spread = spread[spread["years"] > 0]
    for name in HEADLINE_INDICATORS:
        if name in spread.index and spread.loc[name, "years"] > 1:
            return name
    ranked = spread.sort_values(["years", "regions"], ascending=False, kind="stable")
    return str(ranked.index[0]) if len(ranked) else None


def fact_summary(df: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """One row per fact: the most confident value, the spread, the count, a conflict flag.

    Conflicting values are not averaged away: `low`/`high` carry the spread and
    `conflict` says the plotted value is one of several that conflict (conflict_ids).
    """
    if df.empty:
        return pd.DataFrame(columns=[*keys, "value", "qualifier", "low", "high", "n",
                                     "confidence", "conflict"])
    ordered = df.sort_values("confidence", ascending=False, kind="stable")
    grouped = ordered.groupby(list(keys), observed=True, sort=True)
    out = grouped.agg(
        value=("value", "first"),
        qualifier=("qualifier", "first"),
        low=("value", "min"),
        high=("value", "max"),
        n=("value", "size"),
        confidence=("confidence", "max"),
        conflict=(CONFLICT_ID, "max"),
    ).reset_index()
    out["qualifier"] = out["qualifier"].astype(str)
    out["conflict"] = out["conflict"].to_numpy() >= 0  # the conflict cards' own rule
    for key in keys:
        if isinstance(out[key].dtype, pd.CategoricalDtype):
            out[key] = out[key].astype(str)
    return out


def indicator_series(df: pd.DataFrame, indicator: str, unit: str) -> pd.DataFrame:
    """Per region, kind and year: the indicator's value, for the line chart."""
    rows = df[(df["indicator"] == indicator) & (df["unit"] == unit)
              & ~np.isnan(df["year"].to_numpy())]
    out = fact_summary(rows, ["region", "kind", "year"])
    out["year"] = out["year"].astype(int) if len(out) else out["year"]
    return out


def regions_in_year(df: pd.DataFrame, indicator: str, unit: str, year: int) -> pd.DataFrame:
    """Per region and kind: the indicator's value in one year, for the bar chart."""
    rows = df[(df["indicator"] == indicator) & (df["unit"] == unit)
              & (df["year"].to_numpy() == year)]
    out = fact_summary(rows, ["region", "kind"])
    return out.sort_values("value", ascending=False, kind="stable")


def years_for(df: pd.DataFrame, indicator: str, unit: str) -> list[int]:
    """Years with a claim for the indicator, newest first."""
    year = df.loc[(df["indicator"] == indicator) & (df["unit"] == unit), "year"].to_numpy()
    return sorted({int(y) for y in year[~np.isnan(year)]}, reverse=True)


def busiest_year(df: pd.DataFrame, indicator: str, unit: str) -> int | None:
    """The year with actual values for the most regions: the bar chart's opening year."""
    rows = df[(df["indicator"] == indicator) & (df["unit"] == unit)
              & (df["kind"] == "level") & ~np.isnan(df["year"].to_numpy())]
    if rows.empty:
        return None
    per_year = rows.groupby("year")["region"].nunique()
    return int(per_year[per_year == per_year.max()].index.max())


def region_profile(df: pd.DataFrame, region: str) -> pd.DataFrame:
    """What the corpus says about one region: claims per category and indicator."""
    rows = df[df["region"] == region]
    if rows.empty:
        return pd.DataFrame(columns=["category", "indicator", "n"])
    counts = (rows.groupby(["category", "indicator"], observed=True).size()
              .rename("n").reset_index())
    counts["category"] = counts["category"].astype(str)
    counts["indicator"] = counts["indicator"].astype(str)
    return counts.sort_values("n", ascending=False, kind="stable")


def top_regions(df: pd.DataFrame, limit: int = 50) -> list[str]:
    """Regions with the most claims, for the profile's region choice."""
    counts = df["region"].value_counts()
    return [str(r) for r, n in counts.items() if n > 0 and str(r)][:limit]


def map_counts(df: pd.DataFrame, region_table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Claims per province (for polygons) and per region with a centroid (for points).

    A claim counts for its province even when it is about a district or a
    village, so every region with claims lights up its province on the map.
    """
    per_fact = (df.groupby(["region", "region_level", "province"], observed=True).size()
                .rename("n").reset_index().astype({"region": str, "region_level": str,
                                                   "province": str}))
    per_fact = per_fact[per_fact["n"] > 0]
    own = per_fact["region_level"] == "province"
    per_fact["province"] = per_fact["province"].where(~own, per_fact["region"])
    per_province = (per_fact[per_fact["province"] != ""].groupby("province")["n"].sum()
                    .sort_values(ascending=False).reset_index())
    points = pd.DataFrame(columns=["region", "n", "lon", "lat", "province"])
    if not region_table.empty and region_table["lon"].notna().any():
        per_region = per_fact.groupby("region", as_index=False).agg(
            n=("n", "sum"), province=("province", "first"))
        located = region_table.dropna(subset=["lon", "lat"]).drop_duplicates("name")
        points = (per_region.merge(located[["name", "lon", "lat"]], left_on="region",
                                   right_on="name").drop(columns="name")
                  .sort_values("n", ascending=False)[["region", "n", "lon", "lat", "province"]])
    return per_province, points


# ---------------------------------------------------------------- drill-down


@dataclass(frozen=True)
class DrillTarget:
    """The fact a click pointed at; None fields match anything."""

    region: str | None = None
    indicator: str | None = None
    year: int | None = None
    kind: str | None = None
    province: str | None = None
    claim_id: int | None = None

    def describe(self) -> str:
        """A short heading such as '北京市 · 常住人口 · 2022'."""
        parts = [self.region or self.province or "", self.indicator or "",
                 str(self.year) if self.year is not None else "", self.kind or ""]
        return " · ".join(p for p in parts if p)


# Order of fields packed into every chart point's customdata, so one function
# can read a click on any chart.
CUSTOMDATA_FIELDS: tuple[str, ...] = ("region", "indicator", "year", "kind")


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
            indicator=values.get("indicator") or None,
            year=int(float(year)) if year not in (None, "", "nan") else None,
            kind=values.get("kind") or None,
        )
    location = point.get("location")
    if location:
        return DrillTarget(province=str(location))
    return None


def drill_claims(df: pd.DataFrame, target: DrillTarget) -> pd.DataFrame:
    """Every claim behind a clicked point, bar, map region or table row.

    A table row shows that claim first, then the other claims for the same
    region, indicator and year, so a conflicting sentence is never hidden.
    """
    if target.claim_id is not None:
        picked = df[df[CLAIM_ID] == target.claim_id]
        if picked.empty:
            return picked
        row = picked.iloc[0]
        year = None if np.isnan(row["year"]) else int(row["year"])
        same = drill_claims(df, DrillTarget(region=str(row["region"]),
                                            indicator=str(row["indicator"]), year=year))
        rest = same[same[CLAIM_ID] != target.claim_id]
        return pd.concat([picked, rest])
    mask = np.ones(len(df), dtype=bool)
    for column in ("region", "indicator", "kind", "province"):
        wanted = getattr(target, column)
        if wanted is not None:
            mask = mask & (df[column] == wanted).to_numpy()
    if target.province is not None:
        own = (df["region"] == target.province) & (df["region_level"] == "province")
        mask = mask | own.to_numpy()
    if target.year is not None:
        mask = mask & (df["year"].to_numpy() == target.year)
    return df[mask].sort_values(["year", "doc", "start"], kind="stable")


# --------------------------------------------------------------------- export


def export_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The table as the extractor wrote it: its columns, integer years, no app columns."""
    out = df[list(COLUMNS)].copy()
    out["year"] = pd.array(out["year"].to_numpy(), dtype="Float64").astype("Int64")
    return out


def _csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a BOM (Excel shows the Chinese), text cells formula-safe as the CLI's."""
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(formula_safe, na_action="ignore")
    return out.to_csv(index=False).encode("utf-8-sig")


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """The claims as the extractor writes them."""
    return _csv_bytes(export_frame(df))


def panel_csv_bytes(df: pd.DataFrame) -> bytes:
    """The indicator table of these claims (extract.panel, as the CLI's --panel)."""
    return _csv_bytes(build_panel(df))


