"""The indicator table: claims folded into one row per region, year and measure.

An analyst wants "北京市, 2023, 地区生产总值 = 4.38万亿元" rather than the five
sentences that say so; the claims table keeps the sentences, this keeps the
answer, with how many claims back it and whether they disagree, and the ids of
those claims so every cell can be traced back.

The key is region (with its code: two 朝阳区 are two places), year, measure,
kind and unit. Kind is in the key so a target or forecast never mixes with an
actual; unit is in it so 亿元 and % for one measure never compete. Rows
without a year are kept, with an empty year, since dropping them would lose
claims silently.
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

# Values of one fact closer than this share of the larger one are the same
# figure rounded differently (2184万 vs 2184.3万), not a disagreement.
TOLERANCE = 0.01

PANEL_COLUMNS: tuple[str, ...] = (
    "region", "region_code", "region_level", "province", "year", "measure", "concept",
    "category", "kind", "unit", "value", "n_claims", "n_docs", "min", "max", "conflict",
    "claim_ids",
)
KEY: tuple[str, ...] = ("region", "region_code", "year", "measure", "kind", "unit")
# Claim columns build_panel reads; `concept` may be missing (tables made before it existed).
INPUT_COLUMNS: tuple[str, ...] = (
    "doc", "start", "sentence", "value", "unit", "kind", "region", "region_code",
    "region_level", "province", "year", "indicator", "category", "concept", "confidence",
    "doc_date",
)
_TEXT_INPUTS: tuple[str, ...] = tuple(c for c in INPUT_COLUMNS
                                      if c not in ("start", "sentence", "value", "year",
                                                   "confidence"))


def claim_id(doc: str, start: int) -> str:
    """A claim's stable id: its document and character offset, which no rerun changes."""
    return f"{doc}:{start}"


def values_differ(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True where two values are more than rounding apart (relative to the larger one)."""
    return np.abs(a - b) > TOLERANCE * np.maximum(np.abs(a), np.abs(b))


class PanelInput:
    """The few fields of each claim the panel needs, gathered while the CLI streams.

    The CLI never holds all claims, only this: strings as dictionary codes and
    the sentence as a hash (it is only compared for equality), under a hundred
    bytes a claim instead of the full row with its quote and sentence.
    """

    def __init__(self) -> None:
        self._codes: dict[str, array] = {c: array("i") for c in _TEXT_INPUTS}
        self._vocab: dict[str, dict[str, int]] = {c: {} for c in _TEXT_INPUTS}
        self._numbers: dict[str, array] = {"start": array("q"), "sentence": array("q"),
                                           "value": array("d"), "year": array("d"),
                                           "confidence": array("d")}

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        """Keep the panel's fields of each claim row."""
        for row in rows:
            for column in _TEXT_INPUTS:
                vocab = self._vocab[column]
                self._codes[column].append(vocab.setdefault(row.get(column) or "", len(vocab)))
            numbers = self._numbers
            numbers["start"].append(row["start"])
            numbers["sentence"].append(hash(row["sentence"]))
            numbers["value"].append(np.nan if row["value"] is None else row["value"])
            numbers["year"].append(np.nan if row["year"] is None else row["year"])
            confidence = row.get("confidence")
            numbers["confidence"].append(1.0 if confidence is None else confidence)

    def frame(self) -> pd.DataFrame:
        """The gathered claims as a frame build_panel accepts."""
        columns: dict[str, Any] = {
            column: pd.Categorical.from_codes(np.asarray(self._codes[column]),
                                              categories=list(self._vocab[column]))
            for column in _TEXT_INPUTS
        }
        columns.update({name: np.asarray(values) for name, values in self._numbers.items()})
        return pd.DataFrame(columns)[list(INPUT_COLUMNS)]


def empty_panel() -> pd.DataFrame:
    """A panel with every column and no rows, typed as a full one is."""
    return _typed(pd.DataFrame({c: [] for c in PANEL_COLUMNS}))


def build_panel(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per region, year, measure, kind and unit the claims support.

    `measure` is the concept, or the indicator label where no concept fits, so
    claims outside the concept list still reach the table; an empty `concept`
    says the row is keyed by an indicator label.
    `value` is what most claims agree on: claims whose values chain within
    TOLERANCE of each other form one group (single linkage, so the grouping
    does not depend on row order); the largest group wins, a tie going to the
    most recent document, then the most confident claim; within it, the most
    often stated exact value. `conflict` needs two claims from different
    sentences more than TOLERANCE apart: two values in one sentence are
    usually two measures the extractor could not tell apart, not two sources
    disagreeing. `sentence` is only compared for equality, so a hash will do.
    Claims without a value are left out: they cannot support a figure.
    """
    df = _inputs(claims)
    if df.empty:
        return empty_panel()
    df["_g"] = df.groupby(list(KEY), sort=False, dropna=False, observed=True).ngroup()
    df = df.sort_values(["_g", "value"], kind="stable").reset_index(drop=True)
    group = df["_g"].to_numpy()
    value = df["value"].to_numpy()
    starts_cluster = np.r_[True, (group[1:] != group[:-1]) | values_differ(value[1:], value[:-1])]
    df["_c"] = np.cumsum(starts_cluster)
    # Integer codes: ISO dates and file names sort as their codes, and group-bys stay fast.
    df["_date"] = pd.factorize(df["doc_date"], sort=True)[0]
    df["_doc"] = pd.factorize(df["doc"], sort=True)[0]
    df["_sentence"] = pd.factorize(df["sentence"])[0]
    df["_has_concept"] = (df["concept"] != "").to_numpy()

    out = df.groupby("_g").agg(
        region=("region", "first"), region_code=("region_code", "first"),
        region_level=("region_level", "first"), province=("province", "first"),
        year=("year", "first"), measure=("measure", "first"),
        has_concept=("_has_concept", "any"), category=("category", "first"),
        kind=("kind", "first"), unit=("unit", "first"), n_claims=("value", "size"),
        n_docs=("_doc", "nunique"), min=("value", "min"), max=("value", "max"),
    )
    # An empty concept and a concept of the same name share a measure; keep the concept.
    out["concept"] = out["measure"].astype(str).where(out["has_concept"], "")
    out["value"] = _agreed_values(df)
    out["conflict"] = _cross_sentence_conflicts(df)
    out["claim_ids"] = _claim_ids(df)
    for column in ("region", "region_code", "region_level", "province", "measure", "category",
                   "kind", "unit"):
        out[column] = out[column].astype(str)
    out = out.sort_values(["region", "measure", "kind", "unit", "year"], kind="stable",
                          na_position="last")
    return _typed(out.reset_index(drop=True)[list(PANEL_COLUMNS)])


def conflict_groups(claims: pd.DataFrame) -> np.ndarray:
    """Per claim, the number of the conflict it is part of, -1 when none (the same rule
    as the panel's `conflict` column, for the dashboard's conflict cards).

    A conflict is one fact (region, year, measure, kind, unit) stated with values
    more than TOLERANCE apart in different sentences. Values inside one
    sentence never conflict with each other: the parts of a ratio, the two ends
    of a from/to pair and the items of a breakdown (城镇、农村居民收入分别…) are
    one sentence's several facts. Claims without a year are never compared.
    """
    ids = np.full(len(claims), -1, dtype="int64")
    df = _inputs(claims)
    df = df[~np.isnan(df["year"].to_numpy())]
    if df.empty:
        return ids
    df = df.assign(_g=df.groupby(list(KEY), sort=False, dropna=False, observed=True).ngroup(),
                   _sentence=pd.factorize(df["sentence"])[0])
    conflicted = _cross_sentence_conflicts(df)
    bad = conflicted[conflicted].index.to_numpy()
    rows = np.isin(df["_g"].to_numpy(), bad)
    if rows.any():
        _, dense = np.unique(df["_g"].to_numpy()[rows], return_inverse=True)
        ids[df.index.to_numpy()[rows]] = dense
    return ids


def panel_rows(panel: pd.DataFrame) -> list[dict[str, Any]]:
    """The panel as plain Python rows with None for a missing year, as the writers take."""
    return panel.astype(object).where(panel.notna(), None).to_dict("records")


def _inputs(claims: pd.DataFrame) -> pd.DataFrame:
    """The input columns, strings as categoricals with "" for missing, with the measure added.

    Categoricals because a million claims hold a few thousand distinct strings:
    grouping by their codes is what keeps the dashboard's download quick.
    """
    df = pd.DataFrame(index=pd.RangeIndex(len(claims)))
    for column in INPUT_COLUMNS:
        if column == "concept" and column not in claims.columns:
            df[column] = pd.Categorical([""] * len(claims))
        elif column in ("value", "year", "confidence"):
            df[column] = pd.to_numeric(claims[column], errors="coerce").to_numpy(dtype="float64")
        elif column == "start":
            df[column] = pd.to_numeric(claims[column]).to_numpy(dtype="int64")
        elif column == "sentence":
            df[column] = claims[column].to_numpy()
        else:
            df[column] = _text(claims[column])
    concept = df["concept"].astype(object)
    df["measure"] = pd.Categorical(concept.where(concept != "", df["indicator"].astype(object)))
    return df[~np.isnan(df["value"].to_numpy())]


def _text(values: pd.Series) -> pd.Categorical:
    """A categorical of strings with "" for missing; cheap when it already is one."""
    if isinstance(values.dtype, pd.CategoricalDtype) and not values.isna().any():
        return values.cat.rename_categories(values.cat.categories.astype(str)).array
    return pd.Categorical(values.astype(object).where(values.notna(), "").astype(str))


def _claim_ids(df: pd.DataFrame) -> list[str]:
    """Per group (df is sorted by group), its claims' ids in document and offset order."""
    group = df["_g"].to_numpy()
    order = np.lexsort((df["start"].to_numpy(), df["_doc"].to_numpy(), group))
    docs = np.asarray(df["doc"], dtype=object)[order]
    ids = [claim_id(doc, start) for doc, start in
           zip(docs, df["start"].to_numpy()[order].tolist(), strict=True)]
    bounds = np.flatnonzero(np.r_[True, group[1:] != group[:-1], True])
    return [";".join(ids[a:b]) for a, b in itertools.pairwise(bounds)]


def _agreed_values(df: pd.DataFrame) -> pd.Series:
    """Per group, the value of the winning cluster (see build_panel)."""
    clusters = df.groupby("_c").agg(g=("_g", "first"), n=("_g", "size"), date=("_date", "max"),
                                    confidence=("confidence", "max"))
    winners = (clusters.sort_values(["g", "n", "date", "confidence"],
                                    ascending=[True, False, False, False], kind="stable")
               .drop_duplicates("g").index)
    candidates = df[df["_c"].isin(winners)].copy()
    candidates["_same"] = candidates.groupby(["_c", "value"])["value"].transform("size")
    best = candidates.sort_values(["_g", "_same", "_date", "confidence"],
                                  ascending=[True, False, False, False], kind="stable")
    return best.drop_duplicates("_g").set_index("_g")["value"]


def _cross_sentence_conflicts(df: pd.DataFrame) -> pd.Series:
    """Per group, whether two claims from different sentences are more than rounding apart.

    Per sentence only its lowest and highest value matter, and only the
    lowest and highest of the other sentences: if any cross pair differs, one
    of those extremes does (the difference grows with distance).
    """
    per_sentence = (df.groupby(["_g", "_sentence"], sort=False)["value"].agg(["min", "max"])
                    .reset_index())
    others_min = _leave_one_out(per_sentence, "min", largest=False)
    others_max = _leave_one_out(per_sentence, "max", largest=True)
    differs = (values_differ(per_sentence["min"].to_numpy(), others_max)
               | values_differ(per_sentence["max"].to_numpy(), others_min))
    return pd.Series(differs).groupby(per_sentence["_g"].to_numpy()).any()


def _leave_one_out(per_sentence: pd.DataFrame, column: str, largest: bool) -> np.ndarray:
    """For each sentence, the extreme of `column` over the other sentences of its group.

    NaN when the group has one sentence, which then compares as no conflict.
    """
    ordered = per_sentence.sort_values(["_g", column], ascending=[True, not largest],
                                       kind="stable")
    rank = ordered.groupby("_g").cumcount().to_numpy()
    best = ordered[column].groupby(ordered["_g"]).transform("first").to_numpy()
    runner_up = ordered[column].where(rank == 1).groupby(ordered["_g"]).transform("max")
    others = pd.Series(np.where(rank == 0, runner_up.to_numpy(), best), index=ordered.index)
    return others.reindex(per_sentence.index).to_numpy()


def _typed(panel: pd.DataFrame) -> pd.DataFrame:
    """Integer counts, a nullable integer year, a boolean conflict flag."""
    return panel.astype({"year": "Int64", "n_claims": "int64", "n_docs": "int64",
                         "value": "float64", "min": "float64", "max": "float64",
                         "conflict": "bool"})
