"""Accuracy on the hand-checked seeds, scored against tests/gold by scripts/evaluate.py.

A regression guard with the brief's first bar: F1 of at least 0.90 on values
and 0.80 with unit, region and year also right.
"""

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pandas as pd

from extract import COLUMNS, extract_text
from extract.read import decode, load_manifests

ROOT = Path(__file__).parents[2]


def _evaluate_module():
    spec = importlib.util.spec_from_file_location("evaluate", ROOT / "scripts" / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["evaluate"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def test_gold_seeds_meet_the_first_bar() -> None:
    evaluate = _evaluate_module()
    gold = evaluate.load_gold(ROOT / "tests" / "gold")
    docs = sorted(set(gold["doc"]))
    dates: dict[str, dt.date] = load_manifests([ROOT / "seeds" / d for d in docs])
    rows = []
    for doc in docs:
        text = decode((ROOT / "seeds" / doc).read_bytes())
        rows.extend(extract_text(text, doc, dates.get(doc)))
    pred = evaluate.normalize_table(pd.DataFrame(rows, columns=COLUMNS))
    overall = evaluate.score(pred, gold)["ALL"]
    print(f"value F1 {overall.value.f1:.3f}; value+unit+region+year F1 {overall.full.f1:.3f}")
    assert overall.value.f1 >= 0.90
    assert overall.full.f1 >= 0.80
