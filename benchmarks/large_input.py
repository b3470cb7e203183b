"""Benchmark: one large file and one long unpunctuated line, through the CLI as users run it.

Each case is a fresh `python -m extract FILE -o OUT.jsonl` process; its CPU
time and peak memory are the operating system's accounting of that child.
The rate subtracts the start-up of a run on a one-line file, so sizes compare
fairly. Files are the seed documents repeated to the size (large inputs split
into parts at line ends, read.PART_BYTES); the line is the seeds with every
mark and line break removed. A rate within a factor of two of the smallest
file's, with memory that does not grow with the size, is the goal.

    python -m benchmarks.large_input [--sizes 1,20,200] [--line 100000]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from extract.read import decode

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
_MARKS = re.compile(r"[，,。！？；;：:、\s“”\"（）()]")


def seed_text() -> str:
    return "\n\n".join(decode(p.read_bytes()).text for p in sorted(SEEDS.glob("*.txt")))


def run(path: Path) -> tuple[float, float]:
    """CPU seconds and peak RSS (MiB) of one CLI run on `path`."""
    out = path.with_suffix(".jsonl")
    child = subprocess.Popen([sys.executable, "-m", "extract", str(path), "-o", str(out)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"large_input: the CLI failed on {path}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,20,200", help="file sizes in MB, comma-separated")
    parser.add_argument("--line", type=int, default=100_000,
                        help="characters in the unpunctuated line")
    args = parser.parse_args()
    text = seed_text()
    with tempfile.TemporaryDirectory() as folder:
        tiny = Path(folder) / "tiny.txt"
        tiny.write_text("2022年天津市常住人口1363万人。", encoding="utf-8")
        startup, startup_rss = run(tiny)
        print(f"large_input: start-up {startup:.2f} s CPU, {startup_rss:.0f} MiB")
        cases = []
        for size in (float(s) for s in args.sizes.split(",")):
            body = text * (int(size * 2**20) // len(text.encode()) + 1)
            cases.append((f"{size:g} MB file", body))
        line = _MARKS.sub("", text)
        cases.append((f"{args.line:,}-character line", (line * (args.line // len(line) + 1))
                      [:args.line]))
        for label, body in cases:
            path = Path(folder) / "case.txt"
            path.write_text(body, encoding="utf-8")
            seconds, rss = run(path)
            work = max(seconds - startup, 1e-6)
            print(f"large_input: {label}: {len(body):,} characters, {seconds:.2f} s CPU, "
                  f"{len(body) / work:,.0f} characters/s after start-up, peak RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
