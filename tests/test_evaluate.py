"""Tests of scripts/evaluate.py (calibration of the confidence column) and of the seed key.

The matching rules belong to the shared scorer and are not restated here;
what this project adds is the calibration table, pinned on hand-made rows,
and the promise that the key itself is sound: a typo in a key row would
silently cost recall forever.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KEY_DIR = ROOT / "tests" / "gold" / "seed_key"
KEY_FILES = sorted(KEY_DIR.glob("*.jsonl"))

_spec = importlib.util.spec_from_file_location("evaluate", ROOT / "scripts" / "evaluate.py")
assert _spec is not None and _spec.loader is not None
ev = importlib.util.module_from_spec(_spec)
sys.modules["evaluate"] = ev
_spec.loader.exec_module(ev)

KINDS = {"level", "change", "share", "cumulative", "target", "forecast"}
QUALIFIERS = {"exact", "approx", "at_least", "at_most"}
TIERS = {"core", "extra", "ambiguous"}


def key_row(quote: str, value: float, **kw: object) -> dict:
    row = {"doc": "d.txt", "quote": quote, "value": value, "unit": "元", "qualifier": "exact",
           "kind": "level", "region": "天津市", "year": 2022, "indicator": "地区生产总值",
           "category": "economy", "tier": "core", "_spans": [(0, len(quote))]}
    row.update(kw)
    return row


def pred_row(start: int, end: int, value: float, confidence: float, **kw: object) -> dict:
    row = {"doc": "d.txt", "start": start, "end": end, "value": value, "unit": "元",
           "region": "天津市", "year": 2022, "confidence": confidence}
    row.update(kw)
    return row


@pytest.fixture(scope="module")
def scorer():
    if not ev.SCORER.is_file():
        pytest.skip("../shared/eval/score.py is not beside the project")
    return ev.load_scorer()


def test_bands_count_rows_and_share_right() -> None:
    verdicts = [(0.85, True), (0.82, False), (0.95, True), (0.4, False), (1.0, True)]
    bands = {band.low: band for band in ev.calibration(verdicts, (0.0, 0.5, 0.8, 0.9))}
    assert (bands[0.8].rows, bands[0.8].right) == (2, 1)
    assert (bands[0.9].rows, bands[0.9].right) == (2, 2)  # the last band includes 1.0
    assert (bands[0.5].rows, bands[0.5].share) == (0, 0.0)
    assert ev.trusted_share(verdicts, 0.8) == pytest.approx(3 / 4)


def test_verdicts_follow_the_scorer(scorer) -> None:
    gold = [key_row("1300亿元", 1.3e11), key_row("5.2%", 5.2, unit="%", _spans=[(10, 14)]),
            key_row("两倍", 2.0, unit="倍", tier="ambiguous", _spans=[(20, 22)])]
    preds = [pred_row(0, 7, 1.3e11, 0.9),                   # right
             pred_row(10, 14, 5.2, 0.85, unit="%", region="北京市"),  # wrong region
             pred_row(30, 33, 7.0, 0.8),                    # no key row: wrong
             pred_row(20, 22, 2.0, 0.7, unit="倍")]          # ambiguous: not judged
    assert ev.row_verdicts(scorer, gold, preds) == [(0.9, True), (0.85, False), (0.8, False)]


def test_table_prints_every_band() -> None:
    text = ev.format_table(ev.calibration([(0.9, True)]))
    assert len(text.splitlines()) == 1 + len(ev.BAND_EDGES)
    assert "100.0%" in text


def test_key_is_not_empty() -> None:
    assert KEY_FILES and sum(1 for p in KEY_FILES for _ in p.open(encoding="utf-8")) >= 400


@pytest.mark.parametrize("path", KEY_FILES, ids=lambda p: p.stem)
def test_key_rows_are_found_in_their_seed(path: Path) -> None:
    for number, raw in enumerate(path.open(encoding="utf-8"), 1):
        row = json.loads(raw)
        where = f"{path.name}:{number}"
        text = (ROOT / "seeds" / row["doc"]).read_text(encoding="utf-8")
        line = text.split("\n")[row["line"] - 1]
        assert row["quote"] in line, where
        assert row["kind"] in KINDS and row["qualifier"] in QUALIFIERS, where
        assert row["tier"] in TIERS, where
        assert row["region"] in (row.get("region_ok") or [row["region"]]), where
