"""Score the extractor on the seed key and show how far its confidence column can be trusted.

Usage::

    python scripts/evaluate.py [PRED.csv|PRED.jsonl] [--key 'tests/gold/seed_key/*.jsonl']
                               [--docs seeds] [--show N]

Without a claims file it extracts the seeds first. The figures come from the
team's shared scorer (``../shared/eval/score.py``), so they are the ones the
issue tracker quotes; this script adds the calibration table: for each band
of ``confidence``, how many rows fall in it and what share of them have unit,
region and year right. A row that matches no key row counts as wrong there,
as it would for a user who trusted it. Rows matching an ``ambiguous`` key row
are left out, as the scorer leaves them out.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
KEY = ROOT / "tests" / "gold" / "seed_key" / "*.jsonl"
BAND_EDGES = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)
TRUSTED = 0.8  # rows at or above this confidence must be right 90% of the time


@dataclass(frozen=True)
class Band:
    """Rows with confidence in [low, high) and how many of them are right."""

    low: float
    high: float
    rows: int
    right: int

    @property
    def share(self) -> float:
        return self.right / self.rows if self.rows else 0.0


def load_scorer(path: Path = SCORER) -> ModuleType:
    """The shared scorer as a module: one matching rule for every figure we quote."""
    if not path.is_file():
        raise SystemExit(f"evaluate: the shared scorer is not at {path}")
    spec = importlib.util.spec_from_file_location("shared_score", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def extract_seeds(docs: Path) -> Path:
    """Run the CLI as other tools do and return the claims file it wrote."""
    out = Path(tempfile.mkdtemp()) / "claims.csv"
    subprocess.run([sys.executable, "-m", "extract", str(docs), "-o", str(out)],
                   cwd=ROOT, check=True, capture_output=True)
    return out


Verdict = tuple[float, bool]  # (confidence, unit+region+year right)


def row_verdicts(scorer: ModuleType, gold: list[dict], preds: list[dict]) -> list[Verdict]:
    """(confidence, unit+region+year right) for every predicted row the key judges.

    Each row is scored on its own against the key, so a row is right exactly
    when the scorer would count it in strict F1.
    """
    judged = [g for g in gold if g["tier"] != "ambiguous"]
    ambiguous = [dict(g, tier="core") for g in gold if g["tier"] == "ambiguous"]
    verdicts = []
    for pred in preds:
        result, *_ = scorer.score(judged, [pred])
        if not result["tp"] and ambiguous and scorer.score(ambiguous, [pred])[0]["tp"]:
            continue  # readers differ on this number: neither right nor wrong
        verdicts.append((float(pred.get("confidence") or 0.0), result["strict_f1"] > 0))
    return verdicts


def calibration(verdicts: list[Verdict],
                edges: tuple[float, ...] = BAND_EDGES) -> list[Band]:
    """Confidence bands from `edges` (the last one open above) with their share right."""
    bands = []
    for low, high in zip(edges, (*edges[1:], float("inf")), strict=True):
        inside = [right for confidence, right in verdicts if low <= confidence < high]
        bands.append(Band(low, high, len(inside), sum(inside)))
    return bands


def trusted_share(verdicts: list[Verdict], threshold: float = TRUSTED) -> float:
    """Share right among rows at or above `threshold`: the promise the column makes."""
    inside = [right for confidence, right in verdicts if confidence >= threshold]
    return sum(inside) / len(inside) if inside else 0.0


def format_table(bands: list[Band]) -> str:
    lines = ["confidence   rows  unit+region+year right"]
    for band in bands:
        high = "1.0" if band.high == float("inf") else f"{band.high:.1f}"
        lines.append(f"{band.low:.1f}–{high:<7}{band.rows:>5}  {band.share:6.1%}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pred", nargs="?", type=Path,
                        help="claims CSV or JSONL (default: extract the seeds)")
    parser.add_argument("--key", default=str(KEY), help="glob of the answer key's JSONL files")
    parser.add_argument("--docs", type=Path, default=ROOT / "seeds",
                        help="folder of the key's documents")
    parser.add_argument("--show", type=int, default=0,
                        help="print N wrong values of each attribute")
    args = parser.parse_args()

    scorer = load_scorer()
    gold, _ = scorer.load_gold(args.key, str(args.docs))
    preds = scorer.load_pred(str(args.pred or extract_seeds(args.docs)))
    result, missed, spurious, wrong = scorer.score(gold, preds)
    print(json.dumps({k: result[k] for k in ("f1", "strict_f1", "full_f1", "precision", "recall",
                                              "attr_acc")}, ensure_ascii=False))
    for doc in sorted({g["doc"] for g in gold}):
        per_doc, *_ = scorer.score(gold, preds, {doc})
        print(f"{doc[:3]}  f1 {per_doc['f1']:.3f}  strict {per_doc['strict_f1']:.3f}  "
              f"full {per_doc['full_f1']:.3f}")
    if args.show:
        print(f"missed {len(missed)}, spurious {len(spurious)}")
        for attribute, rows in sorted(wrong.items()):
            print(f"-- wrong {attribute} ({len(rows)})")
            for doc, quote, got, expected in rows[:args.show]:
                print(f"   {doc} {quote}: {got!r} (key: {expected!r})")
    verdicts = row_verdicts(scorer, gold, preds)
    print(format_table(calibration(verdicts)))
    print(f"confidence ≥ {TRUSTED}: {trusted_share(verdicts):.1%} right")


if __name__ == "__main__":
    main()
