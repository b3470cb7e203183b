"""Accuracy on the hand-checked seed key (tests/gold/seed_key, copied from ../shared/eval).

Scored by the shared scorer's own matching rules, so the figures here are the
ones the issue tracker quotes. The floors sit just under what the extractor
reaches today: raise them as it improves, never lower them to pass.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
KEY = ROOT / "tests" / "gold" / "seed_key"

FLOORS = {"f1": 0.95, "strict_f1": 0.81, "full_f1": 0.46}  # measured: 0.958, 0.821, 0.474


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, float]:
    if not SCORER.is_file():
        pytest.skip("../shared/eval/score.py is not beside the project")
    out = tmp_path_factory.mktemp("pred") / "seeds.csv"
    subprocess.run([sys.executable, "-m", "extract", str(ROOT / "seeds"), "-o", str(out)],
                   cwd=ROOT, check=True, capture_output=True)
    spec = importlib.util.spec_from_file_location("seed_scorer", SCORER)
    assert spec and spec.loader
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    gold, _ = scorer.load_gold(str(KEY / "*.jsonl"), str(ROOT / "seeds"))
    result, *_ = scorer.score(gold, scorer.load_pred(str(out)))
    print({k: result[k] for k in ("f1", "strict_f1", "full_f1", "attr_acc")})
    return result


@pytest.mark.parametrize("measure", sorted(FLOORS))
def test_seed_key_floor(figures: dict[str, float], measure: str) -> None:
    assert figures[measure] >= FLOORS[measure]


def test_key_is_the_shared_key() -> None:
    shared = ROOT.parent / "shared" / "eval" / "gold"
    if not shared.is_dir():
        pytest.skip("../shared/eval/gold is not beside the project")
    for path in shared.glob("*.jsonl"):
        assert (KEY / path.name).read_bytes() == path.read_bytes()
