"""Benchmark: a generated corpus into the store, as users grow it.

Documents of 1–20 KB are assembled from the seed paragraphs (shuffled, varied
lengths, a number changed in each so no two are alike), written to a
temporary folder, then run through `python -m extract FOLDER -o corpus.duckdb`
as fresh processes:

1. with 1 process and with 2 (characters and documents per second, peak
   memory of the main process and of the largest worker, store size);
2. again with nothing changed (must be a small fraction of the first run);
3. after 1% of the documents changed.

Peak memory is each process's high-water mark (VmHWM), sampled from /proc.

    python -m benchmarks.corpus_scale [--docs 100000]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def paragraphs() -> list[str]:
    return [line.strip() for path in sorted(SEEDS.glob("*.txt"))
            for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 20]


def write_corpus(folder: Path, docs: int, pick: random.Random) -> int:
    """`docs` files of 1–20 KB under 100 subfolders; the characters written."""
    source, total = paragraphs(), 0
    for index in range(docs):
        target = pick.randint(1_000, 20_000) // 3  # characters (3 bytes each in UTF-8)
        body: list[str] = []
        while sum(map(len, body)) < target:
            body.append(pick.choice(source))
        text = f"第{index}号文档 {pick.randint(1, 10**6)}\n" + "\n".join(body)
        sub = folder / f"part{index % 100:02d}"
        sub.mkdir(exist_ok=True)
        (sub / f"doc{index:06d}.txt").write_text(text, encoding="utf-8")
        total += len(text)
    return total


def _hwm(pid: int) -> float:
    """VmHWM of a process in MiB, 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(p) for p in (task / "children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        pass
    return found


def run(folder: Path, store: Path, jobs: int) -> tuple[float, float, float]:
    """Wall seconds, peak MiB of the main process and of the largest worker."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "extract", str(folder), "-o", str(store),
                              "--jobs", str(jobs)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    peaks = {"main": 0.0, "worker": 0.0}

    def sample() -> None:
        while child.poll() is None:
            peaks["main"] = max(peaks["main"], _hwm(child.pid))
            for worker in _children(child.pid):
                peaks["worker"] = max(peaks["worker"], _hwm(worker))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = child.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"corpus_scale: the CLI failed:\n{err}")
    return seconds, peaks["main"], peaks["worker"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000, help="documents in the corpus")
    args = parser.parse_args()
    pick = random.Random(2026)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        made = time.perf_counter()
        chars = write_corpus(folder, args.docs, pick)
        print(f"corpus_scale: {args.docs} documents, {chars / 1e6:.1f} M characters "
              f"(written in {time.perf_counter() - made:.0f} s)")
        first = {}
        for jobs in (1, 2):
            store = Path(tmp) / f"jobs{jobs}.duckdb"
            seconds, main_mb, worker_mb = run(folder, store, jobs)
            first[jobs] = seconds
            print(f"corpus_scale: --jobs {jobs}: {seconds:.1f} s, {chars / seconds / 1e3:,.0f}k "
                  f"chars/s, {args.docs / seconds:,.0f} docs/s, peak main {main_mb:.0f} MiB, "
                  f"worker {worker_mb:.0f} MiB, store {store.stat().st_size / 2**20:.0f} MiB")
        store = Path(tmp) / "jobs2.duckdb"
        seconds, main_mb, _ = run(folder, store, 2)
        print(f"corpus_scale: no-change re-run: {seconds:.1f} s "
              f"({seconds / first[2]:.1%} of the first), peak main {main_mb:.0f} MiB")
        files = sorted(folder.rglob("*.txt"))
        for path in pick.sample(files, max(1, len(files) // 100)):
            path.write_text(path.read_text(encoding="utf-8") + "\n全市新增企业12家。",
                            encoding="utf-8")
        seconds, _, _ = run(folder, store, 2)
        print(f"corpus_scale: 1% changed: {seconds:.1f} s ({seconds / first[2]:.1%} of the first)")


if __name__ == "__main__":
    main()
