"""Readable values: magnitude words, qualifiers, kinds, highlights."""

from __future__ import annotations

import pytest

from dashboard.formatting import (
    axis_scale,
    format_claim_value,
    format_number,
    highlight_quote,
    highlight_spans,
    sentence_offset,
)


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (1.2e11, "元", "1200亿元"),
    (2.1843e7, "人", "2184.3万人"),
    (1.04e13, "元", "10.4万亿元"),
    (4.16109e12, "元", "4.1611万亿元"),
    (2.6e7, "千瓦", "2600万千瓦"),
    (9.3, "%", "9.3%"),
    (-3.2, "%", "-3.2%"),
    (12345.0, "%", "12345%"),
    (0.5, "百分点", "0.5个百分点"),
    (1055.0, "个", "1055个"),
    (15.0, "个", "15个"),
    (-4.3e4, "人", "-4.3万人"),
    (float("nan"), "元", "—"),
])
def test_format_number(value: float, unit: str, expected: str) -> None:
    assert format_number(value, unit) == expected


@pytest.mark.parametrize(("value", "unit", "qualifier", "kind", "expected"), [
    (1.36e6, "人", "approx", "level", "约136万人"),
    (1.1e6, "名", "at_least", "level", "超110万名"),
    (2.3e7, "人", "at_most", "target", "不到2300万人（目标）"),
    (1.2e11, "元", "exact", "forecast", "1200亿元（预测）"),
    (8.2, "%", "exact", "change", "8.2%"),
])
def test_claim_value_shows_qualifier_and_kind(value, unit, qualifier, kind, expected) -> None:
    assert format_claim_value(value, unit, qualifier, kind) == expected


def test_highlight_quote_marks_the_hinted_repeat_and_escapes() -> None:
    sentence = "<b>增长5%，再增长5%"
    first = highlight_quote(sentence, "5%")
    second = highlight_quote(sentence, "5%", offset_hint=sentence.rindex("5%"))
    assert first.startswith("&lt;b&gt;增长<mark class='zb-quote'>5%</mark>")
    assert second.endswith("再增长<mark class='zb-quote'>5%</mark>")
    assert highlight_quote("没有数字", "5%") == "没有数字"


def test_highlight_spans_skips_overlaps_and_out_of_range() -> None:
    text = "常住人口2184.3万人。"
    html = highlight_spans(text, [(4, 12, "a", "zb-claim"), (6, 8, "b", "zb-claim"),
                                  (10, 99, "c", "zb-claim")])
    assert html.count("<mark") == 1
    assert "<mark class='zb-claim' title='a'>2184.3万人</mark>。" in html


def test_sentence_offset_finds_the_quote_inside_its_sentence() -> None:
    text = "标题\n全年增长5%。今年再增长5%。"
    start = text.rindex("5%")
    assert sentence_offset(text, "今年再增长5%。", start) == 5


def test_axis_scale_picks_one_magnitude_for_the_axis() -> None:
    assert axis_scale([4.16e12, 1.6e12], "元") == (1e12, "万亿元")
    assert axis_scale([7.56e10, 1.2e11], "元") == (1e8, "亿元")
    assert axis_scale([50.3], "%") == (1.0, "%")
