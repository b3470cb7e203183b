"""Number finding, one language example per line: (text, quote, value, unit, qualifier)."""

import pytest

from extract.normalise import normalise
from extract.numbers import find_numbers, parse_chinese_number


def spans(text: str) -> list[tuple[str, float, str, str]]:
    clean = normalise(text).clean
    return [(text[n.start:n.end], n.value, n.unit, n.qualifier) for n in find_numbers(clean)]


@pytest.mark.parametrize(("text", "quote", "value", "unit", "qualifier"), [
    ("常住人口降至2184.3万人。", "2184.3万人", 21_843_000, "人", ""),
    ("经济总量突破10万亿元", "10万亿元", 1e13, "元", ""),
    ("实现进出口1.23万亿元", "1.23万亿元", 1.23e12, "元", ""),
    ("发挥 1055 个网格党支部作用", "1055 个", 1055, "个", ""),
    ("两千余人参加", "两千余人", 2000, "人", "at_least"),
    ("十五个村", "十五个", 15, "个", ""),
    ("装机规模突破2600万千瓦", "2600万千瓦", 26_000_000, "千瓦", ""),
    ("带动增收30余万元", "30余万元", 300_000, "元", "at_least"),
    ("同比增长９．３％", "９．３％", 9.3, "%", ""),
    ("增长百分之十二", "百分之十二", 12, "%", ""),
    ("占比超四成", "四成", 40, "%", ""),  # a share in 成 is tens of percent
    ("提高2.5个百分点", "2.5个百分点", 2.5, "百分点", ""),
    ("降至37微克/立方米", "37微克/立方米", 37, "微克/立方米", ""),
    ("运量超100万标准箱", "100万标准箱", 1_000_000, "标箱", ""),
    ("收入六十八点七亿元", "六十八点七亿元", 6.87e9, "元", ""),
    ("共1,234家企业", "1,234家", 1234, "家", ""),
    ("约350人左右参加", "350人", 350, "人", "approx"),
    ("空气优良天数达300天以上", "300天", 300, "天", "at_least"),
    ("形成1—2个优势产业", "1—2个", 2, "个", "at_most"),
    ("投资3-5万元", "3-5万元", 50_000, "元", "at_most"),
    ("常住人口2184.3万", "2184.3万", 21_843_000, "", ""),
    # a number written in two magnitudes is one number
    ("全市人口1亿2000万人", "1亿2000万人", 120_000_000, "人", ""),
    ("人口249萬4,850人", "249萬4,850人", 2_494_850, "人", ""),
    ("旅客7億2,000萬人次", "7億2,000萬人次", 720_000_000, "人次", ""),
    # a digit after 成 adds its tenths; 一 before 成 is a numeral there
    ("占总值约一成四", "一成四", 14, "%", ""),
    ("五成五的受访者满意", "五成五", 55, "%", ""),
    ("约一成旅客首次来访", "一成", 10, "%", ""),
    ("每亩年认领费用1200元", "1200元", 1200, "元", ""),  # 费用 is no 用 (用3天时间)
    ("平均房租为每晚1,485港元", "1,485港元", 1485, "港元", ""),  # a currency's own unit
    ("货物吞吐量连续13年位居全球第一", "13年", 13, "年", ""),  # a streak's length is a claim
    ("居民消费价格连续3个月下降", "3个月", 3, "月", ""),
    ("约四成一线城市房价下跌", "四成", 40, "%", ""),  # 一线 is a word, not a tenth
    ("总投资5亿10个项目开工", "10个", 10, "个", ""),  # a second number, not 5亿's tail
])
def test_numbers_with_units(text: str, quote: str, value: float, unit: str, qualifier: str) -> None:
    assert (quote, pytest.approx(value), unit, qualifier) in spans(text)


@pytest.mark.parametrize("text", [
    "2013年5月,总书记在天津调研", "3月19日5:00驶入", "轨道交通5号线", "华鑫878轮",
    "“十三五”期间", "“3+2”模式", "党的二十大", "提出7点要求", "增强“四个意识”",
    "以八大抓手为载体", "做到三个必须", "一成不变的做法", "每一成员", "连续5小时作业",
    "用3天时间深入考察", "15名35岁左右的干部",
    "上接第1版",
    "2024年第12期·总第1150期", "编辑部电话 022-23020102", "定价 8.00元", "邮政编码 300210",
    "ISSN 0412-0892", "PM2.5浓度", "一亩三分地", "千年大计", "二十届三中全会",
    "行政办公区二期", "近1个半小时的考察", "十项行动", "居全市第一",
])
def test_not_claims(text: str) -> None:
    assert [s for s in spans(text) if s[0] != "15名"] == []


def test_ratio_gives_one_share_per_part() -> None:
    found = spans("三次产业比由11.1:57.9:31.0调整为10.5:56.0:33.5")
    assert [v for _, v, _, _ in found] == [11.1, 57.9, 31.0, 10.5, 56.0, 33.5]
    assert {u for _, _, u, _ in found} == {"%"}


@pytest.mark.parametrize(("text", "value"), [
    ("十五", 15), ("两千", 2000), ("一千二百", 1200), ("六十八点七", 68.7),
    ("一", None), ("千", None),
])
def test_parse_chinese_number(text: str, value: float | None) -> None:
    assert parse_chinese_number(text) == value
