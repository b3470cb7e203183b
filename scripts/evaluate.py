"""Score a predicted claims table against the hand-checked gold keys in ``tests/gold``.

Usage::

    python scripts/evaluate.py PRED.csv [--gold tests/gold] [--show-errors] [--ignore-borderline]

The hidden answer keys that judge the extractor are not in the repository, so
the only honest way to know whether a change helps is to score it against keys
written independently by the same rules (SPEC.md). This script does that.

Two levels are reported, because they fail for different reasons:

(a) *value*: did we find the number at the right place in the text?  A miss
    here is a detection problem (tokenising, magnitudes, what counts as a claim).
(b) *value+unit+region+year*: did we also attach it to the right place and time?
    A drop from (a) to (b) points at unit normalisation or document-level
    region/year resolution instead.

Qualifier, kind and indicator are reported as accuracy on the rows matched in
(a), since they are labels on a found claim rather than a reason to miss it.

Matching is one-to-one and greedy by largest span overlap: a predicted row
matches a gold row of the same document when their ``[start, end)`` spans
overlap and the values are equal (relative tolerance 1e-6, absolute 1e-9).
Overlap rather than exact offsets is used so a quote that is one character
longer or shorter than the gold quote (``约3000家`` vs ``3000家``) still counts.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

REQUIRED_COLUMNS = ("doc", "start", "end", "quote", "value")
LABEL_COLUMNS = ("unit", "qualifier", "kind", "region", "year", "indicator", "category")
STRICT_FIELDS = ("unit", "region", "year")
ACCURACY_FIELDS = ("qualifier", "kind", "indicator")
REL_TOL = 1e-6
ABS_TOL = 1e-9

Pair = tuple[int, int]  # (index into pred, index into gold)


# --------------------------------------------------------------------------- loading


def _parse_year(raw: object) -> int | None:
    """Year as int or None; tolerate ``2022.0`` because pandas writes int columns with NaN so."""
    if raw is None:
        return None
    text = str(raw).strip()
    if text == "" or text.lower() in {"nan", "none", "<na>"}:
        return None
    return int(float(text))


def normalize_table(df: pd.DataFrame) -> pd.DataFrame:
    """Give a claims table the types the matcher relies on.

    Predicted and gold tables come from different writers (pandas with BOM,
    hand-made CSV), so everything is read as text and converted here once:
    offsets to int, value to float, year to int-or-None, labels to stripped
    strings, and ``doc`` to a bare file name (a path in ``doc`` must not make a
    correct row unmatched).
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"missing column(s): {', '.join(missing)}")
    out = df.copy()
    for col in (*LABEL_COLUMNS, "sentence", "note"):
        if col not in out.columns:
            out[col] = ""
    out["doc"] = out["doc"].astype(str).str.strip().map(lambda s: Path(s.replace("\\", "/")).name)
    out["start"] = pd.to_numeric(out["start"]).astype(int)
    out["end"] = pd.to_numeric(out["end"]).astype(int)
    out["value"] = pd.to_numeric(out["value"]).astype(float)
    out["year"] = pd.Series([_parse_year(y) for y in out["year"]], index=out.index, dtype=object)
    for col in (
        "quote",
        "unit",
        "qualifier",
        "kind",
        "region",
        "indicator",
        "category",
        "sentence",
        "note",
    ):
        out[col] = out[col].fillna("").astype(str).str.strip()
    return out.reset_index(drop=True)


def read_claims_csv(path: Path) -> pd.DataFrame:
    """Read a claims CSV written by the extractor (BOM) or by hand (no BOM)."""
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return normalize_table(raw)


def load_gold(gold: Path) -> pd.DataFrame:
    """Load one gold CSV or every ``*.csv`` in a folder into one table."""
    files = [gold] if gold.is_file() else sorted(gold.glob("*.csv"))
    if not files:
        raise FileNotFoundError(f"no gold CSV under {gold}")
    return normalize_table(pd.concat([read_claims_csv(f) for f in files], ignore_index=True))


def restrict_to_gold_docs(pred: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Keep only predictions for documents that have a key; others cannot be judged."""
    return pred[pred["doc"].isin(set(gold["doc"]))].reset_index(drop=True)


# --------------------------------------------------------------------------- matching


def values_equal(a: float, b: float) -> bool:
    """Values equal up to float noise from magnitude arithmetic (1.23 * 1e12)."""
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def _same_year(a: int | None, b: int | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and int(a) == int(b))


def strict_fields_equal(p: pd.Series, g: pd.Series) -> bool:
    """Unit, region and year all agree (year as int, empty == empty)."""
    return (
        p["unit"] == g["unit"] and p["region"] == g["region"] and _same_year(p["year"], g["year"])
    )


def match(
    pred: pd.DataFrame,
    gold: pd.DataFrame,
    extra: Callable[[pd.Series, pd.Series], bool] | None = None,
) -> list[Pair]:
    """One-to-one greedy matching of predicted to gold rows.

    Candidates are pairs in the same doc whose spans overlap and whose values
    are equal (and, if given, for which ``extra`` holds). They are taken in
    order of largest overlap, then smallest offset difference, so that two
    identical numbers in one sentence (``100%`` ... ``100%``) each pair with
    their own gold row instead of both claiming the first.
    """
    candidates: list[tuple[int, int, int, int]] = []
    gold_by_doc = {doc: grp for doc, grp in gold.groupby("doc", sort=False)}
    for doc, pgrp in pred.groupby("doc", sort=False):
        ggrp = gold_by_doc.get(doc)
        if ggrp is None:
            continue
        for pi, p in pgrp.iterrows():
            for gi, g in ggrp.iterrows():
                overlap = min(p["end"], g["end"]) - max(p["start"], g["start"])
                if overlap <= 0 or not values_equal(p["value"], g["value"]):
                    continue
                if extra is not None and not extra(p, g):
                    continue
                offset = abs(p["start"] - g["start"]) + abs(p["end"] - g["end"])
                candidates.append((-overlap, offset, int(pi), int(gi)))
    candidates.sort()
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs: list[Pair] = []
    for _, _, pi, gi in candidates:
        if pi in used_p or gi in used_g:
            continue
        used_p.add(pi)
        used_g.add(gi)
        pairs.append((pi, gi))
    return sorted(pairs)


# --------------------------------------------------------------------------- scoring


@dataclass
class PRF:
    """Counts behind precision/recall/F1, kept so per-doc scores can be summed."""

    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else (1.0 if self.n_gold == 0 else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else (1.0 if self.n_pred == 0 else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.n_pred + other.n_pred, self.n_gold + other.n_gold)


@dataclass
class Accuracy:
    """Label agreement on matched rows; counts so they can be summed across docs."""

    correct: int = 0
    total: int = 0

    @property
    def rate(self) -> float:
        return self.correct / self.total if self.total else float("nan")

    def __add__(self, other: Accuracy) -> Accuracy:
        return Accuracy(self.correct + other.correct, self.total + other.total)


@dataclass
class DocScore:
    """Everything reported for one document (or the sum over documents)."""

    value: PRF = field(default_factory=PRF)
    full: PRF = field(default_factory=PRF)
    accuracy: dict[str, Accuracy] = field(
        default_factory=lambda: {f: Accuracy() for f in ACCURACY_FIELDS}
    )

    def __add__(self, other: DocScore) -> DocScore:
        return DocScore(
            self.value + other.value,
            self.full + other.full,
            {f: self.accuracy[f] + other.accuracy[f] for f in ACCURACY_FIELDS},
        )


def score_doc(pred: pd.DataFrame, gold: pd.DataFrame) -> DocScore:
    """Score one document's (or any set of documents') predictions against its gold rows."""
    value_pairs = match(pred, gold)
    full_pairs = match(pred, gold, extra=strict_fields_equal)
    accuracy = {}
    for f in ACCURACY_FIELDS:
        correct = sum(pred.at[pi, f] == gold.at[gi, f] for pi, gi in value_pairs)
        accuracy[f] = Accuracy(int(correct), len(value_pairs))
    return DocScore(
        value=PRF(len(value_pairs), len(pred), len(gold)),
        full=PRF(len(full_pairs), len(pred), len(gold)),
        accuracy=accuracy,
    )


def score(pred: pd.DataFrame, gold: pd.DataFrame) -> dict[str, DocScore]:
    """Per-document scores plus an ``ALL`` entry that micro-averages them.

    Micro-averaging (summing counts) keeps a short document from weighing as
    much as a long one, which matches how the hidden keys count rows.
    """
    pred = restrict_to_gold_docs(pred, gold)
    result: dict[str, DocScore] = {}
    for doc in sorted(set(gold["doc"])):
        p = pred[pred["doc"] == doc].reset_index(drop=True)
        g = gold[gold["doc"] == doc].reset_index(drop=True)
        result[doc] = score_doc(p, g)
    total = DocScore()
    for s in result.values():
        total = total + s
    result["ALL"] = total
    return result


def is_borderline(note: str) -> bool:
    """Gold rows the annotator flagged as debatable (note starts with ``borderline``)."""
    return note.strip().lower().startswith("borderline")


def drop_borderline(pred: pd.DataFrame, gold: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Treat borderline gold rows as "don't care".

    Neither finding nor missing them should move the score when one only wants
    the undisputed claims: the borderline gold rows are removed, and so are the
    predictions that match them on value.
    """
    flagged = gold["note"].map(is_borderline)
    if not flagged.any():
        return pred, gold
    pred = restrict_to_gold_docs(pred, gold)
    pairs = match(pred, gold[flagged])
    drop_p = {pi for pi, _ in pairs}
    keep = [i for i in pred.index if i not in drop_p]
    return pred.loc[keep].reset_index(drop=True), gold[~flagged].reset_index(drop=True)


@dataclass
class Errors:
    """What a developer needs to fix: unmatched rows and label disagreements."""

    false_positives: pd.DataFrame
    false_negatives: pd.DataFrame
    strict_mismatches: list[tuple[pd.Series, pd.Series]]


def find_errors(pred: pd.DataFrame, gold: pd.DataFrame) -> Errors:
    """False positives/negatives at the value level, and value-matched pairs failing (b)."""
    pred = restrict_to_gold_docs(pred, gold)
    pairs = match(pred, gold)
    matched_p = {pi for pi, _ in pairs}
    matched_g = {gi for _, gi in pairs}
    fp = pred.loc[[i for i in pred.index if i not in matched_p]]
    fn = gold.loc[[i for i in gold.index if i not in matched_g]]
    mismatches = [
        (pred.loc[pi], gold.loc[gi])
        for pi, gi in pairs
        if not strict_fields_equal(pred.loc[pi], gold.loc[gi])
    ]
    return Errors(fp, fn, mismatches)


# --------------------------------------------------------------------------- reporting


def format_scores(scores: dict[str, DocScore]) -> str:
    """A fixed-width table, one line per document and one for the total."""
    head = (
        f"{'doc':<28} {'pred':>5} {'gold':>5} | {'(a) value P/R/F1':^20} | "
        f"{'(b) +unit+region+year':^22} | {'qual':>5} {'kind':>5} {'ind':>5}"
    )
    lines = [head, "-" * len(head)]
    for doc, s in scores.items():
        acc = " ".join(f"{s.accuracy[f].rate:5.2f}" for f in ACCURACY_FIELDS)
        lines.append(
            f"{doc:<28} {s.value.n_pred:>5} {s.value.n_gold:>5} | "
            f"{s.value.precision:6.3f}{s.value.recall:7.3f}{s.value.f1:7.3f} | "
            f"{s.full.precision:7.3f}{s.full.recall:7.3f}{s.full.f1:7.3f}  | {acc}"
        )
    return "\n".join(lines)


def _context(row: pd.Series, width: int = 60) -> str:
    text = row.get("sentence", "") or ""
    return text if len(text) <= width else text[: width - 1] + "…"


def _label(row: pd.Series) -> str:
    year = "" if row["year"] is None else row["year"]
    return f"{row['value']:g} {row['unit']} | {row['region']} {year} | {row['indicator']}"


def format_errors(errors: Errors) -> Iterable[str]:
    """Human-readable lines for ``--show-errors``."""
    yield f"\nFALSE POSITIVES ({len(errors.false_positives)}): predicted, not in gold"
    for _, r in errors.false_positives.sort_values(["doc", "start"]).iterrows():
        yield f"  {r['doc']} @{r['start']} {r['quote']!r}: {_label(r)}  «{_context(r)}»"
    yield f"\nFALSE NEGATIVES ({len(errors.false_negatives)}): in gold, not predicted"
    for _, r in errors.false_negatives.sort_values(["doc", "start"]).iterrows():
        note = f"  [{r['note']}]" if r["note"] else ""
        yield f"  {r['doc']} @{r['start']} {r['quote']!r}: {_label(r)}{note}"
    yield f"\nUNIT/REGION/YEAR MISMATCHES ({len(errors.strict_mismatches)}): value found, (b) fails"
    for p, g in errors.strict_mismatches:
        diffs = [
            f"{f}: {p[f]!r} != gold {g[f]!r}"
            for f in STRICT_FIELDS
            if (f == "year" and not _same_year(p[f], g[f])) or (f != "year" and p[f] != g[f])
        ]
        note = f"  [{g['note']}]" if g["note"] else ""
        yield f"  {g['doc']} @{g['start']} {g['quote']!r}: {'; '.join(diffs)}{note}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pred", type=Path, help="claims CSV written by the extractor")
    parser.add_argument(
        "--gold",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "tests" / "gold",
        help="gold CSV or folder of them (default tests/gold)",
    )
    parser.add_argument(
        "--show-errors",
        action="store_true",
        help="list false positives, false negatives and (b) mismatches",
    )
    parser.add_argument(
        "--ignore-borderline",
        action="store_true",
        help="gold rows noted 'borderline' count neither as hit nor miss",
    )
    args = parser.parse_args(argv)
    try:
        gold = load_gold(args.gold)
        pred = restrict_to_gold_docs(read_claims_csv(args.pred), gold)
    except (OSError, ValueError) as exc:
        print(f"evaluate: {exc}", file=sys.stderr)
        return 2
    if args.ignore_borderline:
        pred, gold = drop_borderline(pred, gold)
    print(format_scores(score(pred, gold)))
    if args.show_errors:
        for line in format_errors(find_errors(pred, gold)):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
