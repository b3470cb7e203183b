"""How fast the dashboard is on a 1,000,000-claim table, from a store and from a CSV.

    python -m benchmarks.dashboard_speed [--rows N]

Builds a synthetic table with the real columns (regions, indicators, units and
kinds drawn from realistic lists) and writes it twice, as the extractor would:
a store (`-o corpus.duckdb`) and a CSV. For each, a fresh Python process
opens the app with Streamlit's AppTest and reports:

- first render, cold: the first session of a fresh process (opening the table,
  finding its conflicts, drawing the page);
- first render, new session: once the table is open;
- filter change: one sidebar filter changed, server time of the rerun
  (median and max over a dozen changes);
- RSS: the process's memory after all of it, and at its peak.

Prints figures, asserts nothing. Targets from the issues: first render under
3 s, filter change under 400 ms, RSS under 600 MB at a million claims.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from extract.columns import COLUMNS

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"

# (region, code, level, province, parent code)
REGIONS: list[tuple[str, str, str, str, str]] = [
    ("中国", "", "country", "", ""), ("京津冀", "", "macro_region", "", ""),
    ("北京市", "110000", "province", "北京市", ""), ("天津市", "120000", "province", "天津市", ""),
    ("河北省", "130000", "province", "河北省", ""), ("重庆市", "500000", "province", "重庆市", ""),
    ("上海市", "310000", "province", "上海市", ""), ("广东省", "440000", "province", "广东省", ""),
    ("江津区", "500116", "county", "重庆市", "500100"),
    ("北辰区", "120113", "county", "天津市", "120100"),
    ("河北区", "120105", "county", "天津市", "120100"),
    ("滨海新区", "120116", "county", "天津市", "120100"),
    ("张家口市", "130700", "city", "河北省", "130000"), ("雄安新区", "", "site", "河北省", ""),
    ("朝阳区", "110105", "county", "北京市", "110100"),
    ("海淀区", "110108", "county", "北京市", "110100"),
    ("深圳市", "440300", "city", "广东省", "440000"),
    ("浦东新区", "310115", "county", "上海市", "310100"),
    ("田庄村", "", "village", "天津市", "120113"), ("天津港", "", "site", "天津市", "120116"),
]
# (indicator, unit, category, typical magnitude)
INDICATORS: list[tuple[str, str, str, float]] = [
    ("地区生产总值", "元", "economy", 1e12), ("常住人口", "人", "population", 1e7),
    ("进出口总额", "元", "trade_investment", 1e11),
    ("集装箱吞吐量", "标箱", "infrastructure_transport", 1e7),
    ("PM2.5年均浓度", "微克/立方米", "environment", 40), ("森林覆盖率", "%", "environment", 30),
    ("引进人才数量", "人", "innovation_talent", 1e4), ("高新技术企业数", "家", "industry", 1e3),
    ("耕地面积", "亩", "agriculture", 1e6), ("基层党组织数量", "个", "governance_party", 1e4),
    ("接待游客", "人次", "culture_tourism", 1e7), ("一般公共预算收入", "元", "economy", 1e10),
    ("地区生产总值增速", "%", "economy", 6), ("城镇新增就业", "人", "social_livelihood", 1e5),
    ("高速公路里程", "公里", "infrastructure_transport", 1e3),
]
KINDS = np.array(["level", "change", "share", "cumulative", "target", "forecast"])
KIND_P = [0.55, 0.2, 0.08, 0.07, 0.06, 0.04]
QUALIFIERS = np.array(["exact", "approx", "at_least", "at_most"])
QUALIFIER_P = [0.7, 0.12, 0.15, 0.03]


def synthetic_claims(rows: int, seed: int = 7) -> pd.DataFrame:
    """A claims table of `rows` rows with the real columns and plausible values."""
    rng = np.random.default_rng(seed)
    region = rng.integers(0, len(REGIONS), rows)
    indicator = rng.integers(0, len(INDICATORS), rows)
    year = rng.integers(2000, 2027, rows).astype(float)
    year[rng.random(rows) < 0.05] = np.nan
    scale = np.array([i[3] for i in INDICATORS])[indicator]
    value = np.round(scale * rng.lognormal(0, 0.5, rows), 1)
    doc_no = rng.integers(0, 20000, rows)
    sentences = np.array([f"第{i}句：据统计，该地指标达到{i % 997}万。" for i in range(5000)],
                         dtype=object)
    pick = rng.integers(0, len(sentences), rows)
    start = rng.integers(0, 20000, rows)
    region_table = pd.DataFrame(REGIONS, columns=["region", "region_code", "region_level",
                                                  "province", "parent_code"])
    indicator_table = pd.DataFrame(INDICATORS, columns=["indicator", "unit", "category", "_m"])
    frame = pd.DataFrame({
        "doc": pd.Series([f"{n:05d}_synthetic.txt" for n in range(20000)], dtype=object)[doc_no]
        .to_numpy(),
        "start": start, "end": start + 6,
        "quote": [f"{v:g}" for v in value[:1]] * rows,
        "sentence": sentences[pick],
        "value": value,
        "unit": indicator_table["unit"].to_numpy()[indicator],
        "qualifier": rng.choice(QUALIFIERS, rows, p=QUALIFIER_P),
        "kind": rng.choice(KINDS, rows, p=KIND_P),
        "region": region_table["region"].to_numpy()[region],
        "year": pd.array(year, dtype="Float64").astype("Int64"),
        "indicator": indicator_table["indicator"].to_numpy()[indicator],
        "category": indicator_table["category"].to_numpy()[indicator],
        "concept": indicator_table["indicator"].to_numpy()[indicator],
        "region_code": region_table["region_code"].to_numpy()[region],
        "region_level": region_table["region_level"].to_numpy()[region],
        "province": region_table["province"].to_numpy()[region],
        "parent_code": region_table["parent_code"].to_numpy()[region],
        "confidence": np.round(rng.uniform(0.3, 1.0, rows), 2),
        "doc_date": "2024-01-01",
    })
    return frame[list(COLUMNS)]


def write_store(claims: pd.DataFrame, path: Path) -> None:
    """The table as the CLI leaves a store: its claims and the indicator table built."""
    from extract.store import Store

    store = Store(path)
    try:
        store.add_table(claims)
        store.rebuild_indicators()
    finally:
        store.close()


CHANGES: tuple[tuple[str, list[str]], ...] = (
    ("region", ["天津市"]), ("region", ["北京市", "重庆市"]), ("kind", ["target"]),
    ("region", []), ("indicator", ["常住人口"]), ("kind", []), ("category", ["economy"]),
    ("region", ["江津区"]), ("category", []), ("indicator", []), ("region", ["广东省"]),
    ("region", []),
)


def rss_mb(field: str = "VmRSS") -> float:
    """Resident memory of this process in MB: now (VmRSS) or at its peak (VmHWM).

    From /proc, not getrusage: a child's ru_maxrss starts from the parent's
    peak at fork, which here is the synthetic table being built.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(path: Path) -> dict[str, float]:
    """In this (fresh) process: the figures above for the app opened on `path`."""
    import os

    from streamlit.testing.v1 import AppTest

    from dashboard import data

    os.environ[data.CLAIMS_ENV] = str(path)
    os.environ[data.DOCS_ENV] = str(path.parent)

    def first_render() -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=300)
        at.run()
        assert not at.exception, at.exception
        return at

    start = time.perf_counter()
    first_render()
    cold = time.perf_counter() - start
    warm = []
    for _ in range(3):
        start = time.perf_counter()
        at = first_render()
        warm.append(time.perf_counter() - start)
    changes = []
    for key, value in CHANGES:
        widget = at.multiselect(key=key).set_value(value)
        start = time.perf_counter()
        widget.run()
        changes.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return {"cold_s": cold, "session_s": statistics.median(warm),
            "filter_median_ms": statistics.median(changes) * 1000,
            "filter_max_ms": max(changes) * 1000, "rss_mb": rss_mb(),
            "peak_rss_mb": rss_mb("VmHWM")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        claims = synthetic_claims(args.rows)
        csv_path, store_path = Path(tmp) / "claims.csv", Path(tmp) / "corpus.duckdb"
        claims.to_csv(csv_path, index=False, encoding="utf-8-sig")
        write_store(claims, store_path)
        del claims
        print(f"synthetic table: {args.rows:,} rows; CSV {csv_path.stat().st_size / 1e6:.0f} MB, "
              f"store {store_path.stat().st_size / 1e6:.0f} MB; built in "
              f"{time.perf_counter() - t0:.1f} s")
        results = {}
        for name, path in (("store", store_path), ("csv", csv_path)):
            out = subprocess.run([sys.executable, "-m", "benchmarks.dashboard_speed",
                                  "--measure", str(path)], capture_output=True, text=True,
                                 check=True, cwd=ROOT)
            results[name] = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{'':28}{'store':>10}{'CSV':>10}")
        for key, title, unit in (
                ("cold_s", "first render, cold process", "s"),
                ("session_s", "first render, new session", "s"),
                ("filter_median_ms", f"filter change, median of {len(CHANGES)}", "ms"),
                ("filter_max_ms", "filter change, max", "ms"),
                ("rss_mb", "server RSS after", "MB"), ("peak_rss_mb", "server RSS peak", "MB")):
            print(f"{title + ' (' + unit + ')':28}" + "".join(
                f"{results[n][key]:10.2f}" if unit == "s" else f"{results[n][key]:10.0f}"
                for n in ("store", "csv")))


if __name__ == "__main__":
    main()
