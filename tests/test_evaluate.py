"""Tests of the scorer (scripts/evaluate.py) and of the gold keys it scores against.

The scorer decides whether an extractor change is kept, so its matching rules
are pinned here on tiny hand-made tables; the gold keys are checked for the
invariants SPEC.md promises (offsets reproduce the quote, vocabularies), since
a typo in a key would silently cost recall forever.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT / "tests" / "gold"
SEEDS_DIR = ROOT / "seeds"

_spec = importlib.util.spec_from_file_location("evaluate", ROOT / "scripts" / "evaluate.py")
assert _spec is not None and _spec.loader is not None
ev = importlib.util.module_from_spec(_spec)
sys.modules["evaluate"] = ev
_spec.loader.exec_module(ev)

QUALIFIERS = {"exact", "approx", "at_least", "at_most"}
KINDS = {"level", "change", "share", "cumulative", "target", "forecast"}
CATEGORIES = {
    "economy",
    "population",
    "trade_investment",
    "industry",
    "agriculture",
    "environment",
    "infrastructure_transport",
    "innovation_talent",
    "social_livelihood",
    "governance_party",
    "culture_tourism",
    "other",
}
GOLD_COLUMNS = [
    "doc",
    "start",
    "end",
    "quote",
    "value",
    "unit",
    "qualifier",
    "kind",
    "region",
    "year",
    "indicator",
    "category",
    "note",
]


def row(start: int, end: int, value: float, doc: str = "d.txt", **kw: object) -> dict:
    """One claims row with sensible defaults, so each test states only what it varies."""
    base = {
        "doc": doc,
        "start": start,
        "end": end,
        "quote": "q",
        "value": value,
        "unit": "元",
        "qualifier": "exact",
        "kind": "level",
        "region": "江津区",
        "year": 2021,
        "indicator": "地区生产总值",
        "category": "economy",
        "sentence": "",
        "note": "",
    }
    base.update(kw)
    return base


def table(*rows: dict) -> pd.DataFrame:
    return ev.normalize_table(pd.DataFrame(list(rows)))


# --------------------------------------------------------------------------- scorer


def test_perfect_match_scores_one() -> None:
    gold = table(row(0, 5, 7.56e10), row(10, 15, 8.2, unit="%", kind="change"))
    s = ev.score(gold.copy(), gold)["ALL"]
    assert (s.value.precision, s.value.recall, s.value.f1) == (1.0, 1.0, 1.0)
    assert s.full.f1 == 1.0
    assert all(s.accuracy[f].rate == 1.0 for f in ev.ACCURACY_FIELDS)


def test_shifted_value_is_one_fp_and_one_fn() -> None:
    gold = table(row(0, 5, 100.0), row(10, 15, 200.0))
    pred = table(row(0, 5, 100.0), row(10, 15, 2000.0))
    s = ev.score(pred, gold)["ALL"]
    assert (s.value.tp, s.value.n_pred, s.value.n_gold) == (1, 2, 2)
    errors = ev.find_errors(pred, gold)
    assert list(errors.false_positives["value"]) == [2000.0]
    assert list(errors.false_negatives["value"]) == [200.0]


def test_values_equal_within_float_noise() -> None:
    gold = table(row(0, 7, 1.23e12))
    pred = table(row(0, 7, 1.23 * 1e12 * (1 + 1e-9)))
    assert ev.score(pred, gold)["ALL"].value.tp == 1


def test_wrong_region_counts_in_value_not_in_full() -> None:
    gold = table(row(0, 5, 34.0, unit="%", region="雄安新区"))
    pred = table(row(0, 5, 34.0, unit="%", region="北京市"))
    s = ev.score(pred, gold)["ALL"]
    assert s.value.f1 == 1.0
    assert s.full.tp == 0 and s.full.f1 == 0.0
    (mismatch,) = ev.find_errors(pred, gold).strict_mismatches
    assert mismatch[1]["region"] == "雄安新区"


def test_year_compared_as_int_and_empty_equals_empty() -> None:
    gold = table(row(0, 5, 1.0, year=2022), row(10, 15, 2.0, year=""))
    pred = table(row(0, 5, 1.0, year="2022.0"), row(10, 15, 2.0, year=float("nan")))
    assert ev.score(pred, gold)["ALL"].full.tp == 2


def test_wrong_unit_or_year_fails_full() -> None:
    gold = table(row(0, 5, 1.0), row(10, 15, 2.0))
    pred = table(row(0, 5, 1.0, unit="人"), row(10, 15, 2.0, year=2020))
    s = ev.score(pred, gold)["ALL"]
    assert s.value.tp == 2 and s.full.tp == 0


def test_matching_is_one_to_one() -> None:
    # Two predictions on the same gold span: only one can be a hit.
    gold = table(row(0, 4, 100.0))
    pred = table(row(0, 4, 100.0), row(1, 4, 100.0))
    s = ev.score(pred, gold)["ALL"]
    assert (s.value.tp, s.value.n_pred, s.value.n_gold) == (1, 2, 1)
    assert s.value.precision == 0.5 and s.value.recall == 1.0


def test_greedy_prefers_largest_overlap() -> None:
    # Pred A overlaps both gold rows; pred B only the second. The largest-overlap
    # pair (A, gold 0) is taken first, leaving gold 1 for B: two hits, not one.
    gold = table(row(0, 4, 100.0), row(4, 8, 100.0))
    pred = table(row(0, 5, 100.0), row(5, 8, 100.0))
    assert ev.match(pred, gold) == [(0, 0), (1, 1)]


def test_no_match_without_overlap_or_across_docs() -> None:
    gold = table(row(0, 4, 100.0))
    pred = table(row(4, 8, 100.0), row(0, 4, 100.0, doc="other.txt"))
    assert ev.match(pred, gold) == []
    # Predictions for documents without a key are not judged at all.
    s = ev.score(pred, gold)["ALL"]
    assert (s.value.n_pred, s.value.tp) == (1, 0)


def test_label_accuracy_on_matched_rows() -> None:
    gold = table(row(0, 5, 1.0, kind="target"), row(10, 15, 2.0, kind="level"))
    pred = table(
        row(0, 5, 1.0, kind="change"),
        row(10, 15, 2.0, kind="level"),
        row(20, 25, 9.0, kind="level"),
    )
    acc = ev.score(pred, gold)["ALL"].accuracy
    assert (acc["kind"].correct, acc["kind"].total) == (1, 2)


def test_per_doc_scores_sum_to_all() -> None:
    gold = table(row(0, 5, 1.0, doc="a.txt"), row(0, 5, 2.0, doc="b.txt"))
    pred = table(row(0, 5, 1.0, doc="a.txt"), row(0, 5, 3.0, doc="b.txt"))
    scores = ev.score(pred, gold)
    assert scores["a.txt"].value.f1 == 1.0 and scores["b.txt"].value.f1 == 0.0
    assert scores["ALL"].value.tp == 1 and scores["ALL"].value.n_gold == 2


def test_doc_paths_are_reduced_to_file_names() -> None:
    gold = table(row(0, 5, 1.0, doc="a.txt"))
    pred = table(row(0, 5, 1.0, doc="/some/where/a.txt"))
    assert ev.score(pred, gold)["ALL"].value.tp == 1


def test_ignore_borderline_counts_neither_hit_nor_miss() -> None:
    gold = table(
        row(0, 5, 1.0),
        row(10, 15, 46.0, note="borderline: distance"),
        row(20, 25, 24000.0, note="borderline: ship"),
    )
    pred = table(row(0, 5, 1.0), row(10, 15, 46.0))
    pred2, gold2 = ev.drop_borderline(pred, gold)
    s = ev.score(pred2, gold2)["ALL"]
    assert (s.value.tp, s.value.n_pred, s.value.n_gold) == (1, 1, 1)


def test_main_reads_bom_csv_and_prints_table(tmp_path: Path, capsys) -> None:
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    g = pd.DataFrame([row(0, 5, 1.0, doc="a.txt")])[GOLD_COLUMNS]
    g.to_csv(gold_dir / "a.csv", index=False, encoding="utf-8")
    p = pd.DataFrame([row(0, 5, 1.0, doc="a.txt"), row(9, 12, 5.0, doc="a.txt")])
    p.to_csv(tmp_path / "pred.csv", index=False, encoding="utf-8-sig")
    code = ev.main([str(tmp_path / "pred.csv"), "--gold", str(gold_dir), "--show-errors"])
    out = capsys.readouterr().out
    assert code == 0
    assert "ALL" in out and "FALSE POSITIVES (1)" in out and "FALSE NEGATIVES (0)" in out


def test_main_rejects_table_without_required_columns(tmp_path: Path) -> None:
    pd.DataFrame({"doc": ["a.txt"]}).to_csv(tmp_path / "pred.csv", index=False)
    assert ev.main([str(tmp_path / "pred.csv"), "--gold", str(GOLD_DIR)]) == 2


# --------------------------------------------------------------------------- gold keys


GOLD_FILES = sorted(GOLD_DIR.glob("*.csv"))


def _seed_text(doc: str) -> str:
    data = (SEEDS_DIR / doc).read_bytes()
    return data.decode("utf-8-sig")


def test_gold_folder_is_not_empty() -> None:
    assert GOLD_FILES, "tests/gold has no CSV"


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_file_is_consistent_with_its_seed(path: Path) -> None:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "gold CSVs are written without BOM"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(df.columns) == GOLD_COLUMNS
    assert set(df["doc"]) == {path.stem + ".txt"}, "one gold file per document, named after it"
    text = _seed_text(path.stem + ".txt")
    spans = set()
    for r in df.itertuples(index=False):
        start, end = int(r.start), int(r.end)
        assert text[start:end] == r.quote, f"offsets of {r.quote!r} at {start}"
        assert (start, end) not in spans, f"duplicate span {r.quote!r} at {start}"
        spans.add((start, end))
        value = float(r.value)
        assert math.isfinite(value), r.quote
        assert r.qualifier in QUALIFIERS, r.qualifier
        assert r.kind in KINDS, r.kind
        assert r.category in CATEGORIES, r.category
        assert r.unit and r.region and r.indicator, r.quote
        if r.year:
            assert 1949 <= int(r.year) <= 2100, r.year
    # Loading through the scorer must work too, and gold scored on itself is perfect.
    gold = ev.load_gold(path)
    assert ev.score(gold.copy(), gold)["ALL"].full.f1 == 1.0
