"""Properties of extract_text on generated hostile Chinese text (hypothesis).

The suite runs a few hundred examples; `scripts/fuzz.sh` runs the same
properties for as long as asked (ZHIBIAO_FUZZ_EXAMPLES, default 100,000).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract import cli, extract_text
from extract.read import ReadError, decode

settings.register_profile(
    "suite", max_examples=300, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "fuzz", max_examples=int(os.environ.get("ZHIBIAO_FUZZ_EXAMPLES", "100000")), deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("ZHIBIAO_HYPOTHESIS_PROFILE", "suite"))

# The kinds of pieces web copy of Chinese statistics is made of.
_DIGITS = st.text("0123456789", min_size=1, max_size=12)
_NUMBER = st.one_of(
    _DIGITS,
    st.builds("{}.{}".format, _DIGITS, _DIGITS),
    st.builds("{:,}".format, st.integers(0, 10**12)),
    st.text("０１２３４５６７８９．", min_size=1, max_size=8),                 # full-width
    st.text("零〇一二两三四五六七八九十百千万亿点", min_size=1, max_size=12),   # Chinese
    st.text("0123456789", min_size=300, max_size=500),                      # absurdly long
)
_TAIL = st.sampled_from(["", "万", "亿", "千万", "万亿", "余", "多", "元", "亿元", "万人", "%",
                         "％", "个百分点", "吨", "平方公里", "个", "家", "倍", "万标箱", "‰"])
_WORDS = st.sampled_from([
    "2023年", "去年", "今年以来", "1-9月", "十四五", "同比增长", "下降", "达到", "比上年",
    "天津市", "滨海新区", "京津冀", "香港", "臺灣", "地區生產總值", "常住人口", "其中",
    "分别", "、", "，", "。", "；", "：", "\r\n", "\n", "\t", "  ", "（", "）", "约",
    "电话：022-23456789", "http://www.tj.gov.cn/2024/0312.html", "定价25元", "😀",
    "執(zhí)政", "许可证号", "=", "+", "-", "@", "第", "百分之", "以上", "全年",
])
_PIECE = st.one_of(st.builds(str.__add__, _NUMBER, _TAIL), _WORDS,
                   st.text(max_size=6))  # any code point at all
_TEXT = st.lists(_PIECE, max_size=40).map("".join)


@given(_TEXT)
def test_rows_point_into_the_text(text: str) -> None:
    rows = extract_text(text, "t.txt")
    for row in rows:
        assert text[row["start"]:row["end"]] == row["quote"]
        assert row["quote"] in row["sentence"]
        assert row["sentence"] in text
        assert isinstance(row["value"], float) and math.isfinite(row["value"])
        json.dumps(row, allow_nan=False)  # JSONL never holds Infinity or NaN
    assert extract_text(text, "t.txt") == rows  # deterministic


@settings(max_examples=max(60, settings().max_examples // 50))  # each runs the CLI
@given(_TEXT)
def test_a_document_alone_and_in_a_folder_gives_the_same_rows(text: str) -> None:
    data = text.encode("utf-8")
    with TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        (folder / "a.txt").write_text("全市常住人口1363万人。", encoding="utf-8")
        (folder / "t.txt").write_bytes(data)
        out = Path(tmp) / "claims.jsonl"
        status = cli.main([str(folder), "-o", str(out)])
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    in_folder = [row for row in rows if row["doc"] == "t.txt"]
    try:
        alone = extract_text(decode(data).text, "t.txt")
    except ReadError:  # binary-looking: skipped, and said so by the exit status
        assert status == 1 and not in_folder
        return
    assert status == 0
    assert in_folder == json.loads(json.dumps(alone))


@given(st.text("田庄村镇乡港区社街道家园片天,，。 a1", max_size=40))
def test_place_suffix_names_are_tried_only_where_a_suffix_can_end_them(text: str) -> None:
    from extract.regions import _local_suffix, _suffix_matches

    expected = [m.span() for m in _local_suffix().finditer(text)]
    assert [m.span() for m in _suffix_matches(text)] == expected


@given(st.text("，,；;。\n\t 天津1a", max_size=40), st.integers(0, 40), st.integers(0, 40))
def test_the_last_phrase_break_is_the_last_one_a_full_scan_finds(text: str, lo: int,
                                                                  size: int) -> None:
    import re

    from extract.numbers import _LAST_PHRASE_BREAK

    lo, start = min(lo, len(text)), min(lo + size, len(text))
    breaks = [m.end() for m in re.compile(r"[，,；;。！？!?\n]|\s{2,}|\t").finditer(text, lo,
                                                                                  start)]
    match = _LAST_PHRASE_BREAK.match(text, lo, start)
    # Inside a run of spaces the two may end one space apart; the phrase is the same.
    assert text[match.end() if match else lo:start].strip() == \
        text[breaks[-1] if breaks else lo:start].strip()
