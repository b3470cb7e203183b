"""Regenerate tests/dashboard/fixtures/claims.csv from the fixture texts.

The rows are written by hand (what a careful extractor should output); this
script only computes the offsets and sentences from the texts, so that
`text[start:end] == quote` holds. Run: python tests/dashboard/make_fixture.py
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from extract.columns import COLUMNS

HERE = Path(__file__).resolve().parent / "fixtures"
DOCS = HERE / "docs"

# doc, quote (nth occurrence 0), value, unit, qualifier, kind, region, year, indicator,
# category, region_code, region_level, province, confidence, doc_date
ROWS: list[tuple] = [
    ("fx_beijing.txt", "2184.3万人", 2.1843e7, "人", "exact", "level", "北京市", 2022,
     "常住人口", "population", "110000", "province", "北京市", 0.95, "2023-03-21"),
    ("fx_beijing.txt", "4.3万人", -4.3e4, "人", "exact", "change", "北京市", 2022,
     "常住人口", "population", "110000", "province", "北京市", 0.9, "2023-03-21"),
    ("fx_beijing.txt", "2188.6万人", 2.1886e7, "人", "exact", "level", "北京市", 2021,
     "常住人口", "population", "110000", "province", "北京市", 0.9, "2023-03-21"),
    ("fx_beijing.txt", "41610.9亿元", 4.16109e12, "元", "exact", "level", "北京市", 2022,
     "地区生产总值", "economy", "110000", "province", "北京市", 0.95, "2023-03-21"),
    ("fx_beijing.txt", "0.7%", 0.7, "%", "exact", "change", "北京市", 2022,
     "地区生产总值", "economy", "110000", "province", "北京市", 0.9, "2023-03-21"),
    ("fx_beijing.txt", "40269.6亿元", 4.02696e12, "元", "exact", "level", "北京市", 2021,
     "地区生产总值", "economy", "110000", "province", "北京市", 0.9, "2023-03-21"),
    ("fx_beijing.txt", "2300万人", 2.3e7, "人", "at_most", "target", "北京市", 2025,
     "常住人口", "population", "110000", "province", "北京市", 0.85, "2023-03-21"),
    ("fx_news.txt", "10.4万亿元", 1.04e13, "元", "exact", "level", "京津冀", 2023,
     "地区生产总值", "economy", "", "macro_region", "", 0.9, "2024-02-26"),
    # Conflicts with 2184.3万人 above (same region, indicator, year, kind, unit).
    ("fx_news.txt", "2225万人", 2.225e7, "人", "exact", "level", "北京市", 2022,
     "常住人口", "population", "110000", "province", "北京市", 0.8, "2024-02-26"),
    ("fx_news.txt", "7393万人", 7.393e7, "人", "exact", "level", "河北省", 2023,
     "常住人口", "population", "130000", "province", "河北省", 0.5, "2024-02-26"),
    ("fx_news.txt", "50.3%", 50.3, "%", "exact", "share", "张家口市", 2023,
     "森林覆盖率", "environment", "130700", "city", "河北省", 0.85, "2024-02-26"),
    ("fx_news.txt", "32微克/立方米", 32.0, "微克/立方米", "exact", "level", "北京市", 2023,
     "PM2.5年均浓度", "environment", "110000", "province", "北京市", 0.9, "2024-02-26"),
    ("fx_news.txt", "2300万标箱", 2.3e7, "标箱", "at_least", "forecast", "天津港", 2024,
     "集装箱吞吐量", "infrastructure_transport", "", "site", "天津市", 0.7, "2024-02-26"),
    ("fx_tianjin_trad.txt", "8.2萬個", 8.2e4, "个", "exact", "level", "天津市", 2023,
     "基层党组织数量", "governance_party", "120000", "province", "天津市", 0.8, "2023-04-19"),
    ("fx_tianjin_trad.txt", "110萬名", 1.1e6, "名", "at_least", "level", "天津市", 2023,
     "党员数量", "governance_party", "120000", "province", "天津市", 0.75, "2023-04-19"),
    ("fx_tianjin_trad.txt", "12個", 12.0, "个", "exact", "level", "河北区", 2023,
     "社区党群服务中心数量", "governance_party", "120105", "county", "天津市", 0.4,
     "2023-04-19"),
    ("fx_tianjin_trad.txt", "6700億元", 6.7e11, "元", "approx", "level", "滨海新区", 2022,
     "地区生产总值", "economy", "120116", "county", "天津市", 0.85, "2023-04-19"),
    ("fx_tianjin_trad.txt", "16311.3億元", 1.63113e12, "元", "exact", "level", "天津市", 2022,
     "地区生产总值", "economy", "120000", "province", "天津市", 0.9, "2023-04-19"),
    ("fx_jiangjin.txt", "756亿元", 7.56e10, "元", "exact", "level", "江津区", 2016,
     "地区生产总值", "economy", "500116", "county", "重庆市", 0.9, "2021-12-29"),
    ("fx_jiangjin.txt", "1200亿元", 1.2e11, "元", "exact", "forecast", "江津区", 2021,
     "地区生产总值", "economy", "500116", "county", "重庆市", 0.9, "2021-12-29"),
    ("fx_jiangjin.txt", "8.2%", 8.2, "%", "exact", "change", "江津区", 2021,
     "地区生产总值", "economy", "500116", "county", "重庆市", 0.85, "2021-12-29"),
    ("fx_jiangjin.txt", "1800亿元", 1.8e11, "元", "exact", "target", "江津区", 2026,
     "地区生产总值", "economy", "500116", "county", "重庆市", 0.9, "2021-12-29"),
    ("fx_jiangjin.txt", "136万人", 1.36e6, "人", "approx", "level", "江津区", None,
     "常住人口", "population", "500116", "county", "重庆市", 0.55, "2021-12-29"),
]

SENTENCE_END = re.compile(r"[。！？；\n]")


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end], cut as the SPEC says (。！？； or line end)."""
    left = max((m.end() for m in SENTENCE_END.finditer(text, 0, start)), default=0)
    right_match = SENTENCE_END.search(text, end)
    right = right_match.end() if right_match and text[right_match.start()] != "\n" else (
        right_match.start() if right_match else len(text))
    return text[left:right]


def build() -> pd.DataFrame:
    """Rows with offsets and sentences taken from the fixture texts."""
    records = []
    for doc, quote, *rest in ROWS:
        text = (DOCS / doc).read_text(encoding="utf-8")
        # Not inside a longer number: 4.3万人 must not match the tail of 2184.3万人.
        found = re.search(r"(?<![\d.])" + re.escape(quote), text)
        assert found, (doc, quote)
        start = found.start()
        end = start + len(quote)
        (value, unit, qualifier, kind, region, year, indicator, category,
         region_code, region_level, province, confidence, doc_date) = rest
        records.append({
            "doc": doc, "start": start, "end": end, "quote": quote,
            "sentence": sentence_around(text, start, end), "value": value, "unit": unit,
            "qualifier": qualifier, "kind": kind, "region": region, "year": year,
            "indicator": indicator, "category": category, "region_code": region_code,
            "region_level": region_level, "province": province, "confidence": confidence,
            "doc_date": doc_date,
        })
    frame = pd.DataFrame(records, columns=list(COLUMNS))
    frame["year"] = frame["year"].astype("Int64")
    return frame


if __name__ == "__main__":
    build().to_csv(HERE / "claims.csv", index=False, encoding="utf-8-sig")
    print(f"wrote {HERE / 'claims.csv'}")
