"""Benchmark: extraction speed on one core and memory over a growing corpus.

The corpus is the seed documents repeated (each copy a separate document),
streamed one at a time as the CLI does. Startup (tables, tagger, automaton)
is excluded by a warm-up document. Peak memory is read after the first
tenth of the corpus and at the end: flat means rows and texts are not held.

    python -m benchmarks.extract_speed [--docs 500]
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Iterator
from pathlib import Path

from extract import extract_text
from extract.read import decode

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def corpus(count: int) -> Iterator[tuple[str, str]]:
    """`count` documents cycling through the seeds, produced lazily."""
    texts = [(p.name, decode(p.read_bytes()).text) for p in sorted(SEEDS.glob("*.txt"))]
    for i in range(count):
        name, text = texts[i % len(texts)]
        yield f"{i:06d}_{name}", text


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=500)
    args = parser.parse_args()

    # The warm-up loads every table, the tagger and the automatons.
    extract_text("2022年天津市常住人口1363万人，田庄村新建3个党支部。", "warm-up")
    chars = claims = 0
    early_rss = 0.0
    started = time.process_time()
    for index, (name, text) in enumerate(corpus(args.docs)):
        claims += len(extract_text(text, name))
        chars += len(text)
        if index + 1 == max(1, args.docs // 10):
            early_rss = peak_rss_mib()
    seconds = time.process_time() - started
    print(f"extract_speed: {args.docs} documents, {chars:,} characters, {claims:,} claims")
    print(f"extract_speed: {seconds:.2f} s CPU on one core = {chars / seconds:,.0f} characters/s "
          f"({args.docs / seconds:,.1f} documents/s)")
    print(f"extract_speed: peak RSS {early_rss:.1f} MiB after {max(1, args.docs // 10)} documents, "
          f"{peak_rss_mib():.1f} MiB after {args.docs}")


if __name__ == "__main__":
    main()
