"""The whole pipeline on small texts written for one rule each, and on the seeds."""

import datetime as dt
from pathlib import Path

import pytest

from extract import COLUMNS, extract_text
from extract.read import decode

SEEDS = sorted((Path(__file__).parents[2] / "seeds").glob("*.txt"))


def claims(text: str, date: dt.date | None = None) -> list[dict]:
    return extract_text(text, "t.txt", date)


def one(text: str, quote: str, date: dt.date | None = None) -> dict:
    rows = [r for r in claims(text, date) if r["quote"] == quote]
    assert len(rows) == 1, [r["quote"] for r in claims(text, date)]
    return rows[0]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_offsets_are_exact_on_every_seed(path: Path) -> None:
    text = decode(path.read_bytes()).text
    rows = extract_text(text, path.name)
    assert rows
    for row in rows:
        assert text[row["start"]:row["end"]] == row["quote"]
        assert row["quote"] in row["sentence"]
        assert set(row) == set(COLUMNS)


def test_traditional_text_gives_simplified_labels_and_original_quotes() -> None:
    text = "天津市委黨校每年舉辦培訓班。全市森林覆蓋率達到35.2%,執(zhí)政能力提升。"
    row = one(text, "35.2%")
    assert row["indicator"] == "森林覆盖率"
    assert row["region"] == "天津市"
    assert row["kind"] == "share"
    assert "覆蓋" in row["sentence"]


def test_pinyin_gloss_does_not_shift_offsets() -> None:
    text = "黨的執(zhí)政基礎更牢,全區發(fā)展黨員1200名。"
    row = one(text, "1200名")
    assert text[row["start"]:row["end"]] == "1200名"


def test_fall_is_negative_change() -> None:
    row = one("2022年北京市PM2.5年均浓度同比下降3.2%。", "3.2%")
    found = (row["value"], row["kind"], row["year"], row["region"])
    assert found == (-3.2, "change", 2022, "北京市")


def test_level_reached_is_not_a_change() -> None:
    row = one("城镇建成区面积增加到126.79平方公里。", "126.79平方公里", dt.date(2021, 12, 29))
    assert (row["kind"], row["indicator"], row["year"]) == ("level", "城镇建成区面积", 2021)


def test_forecast_and_base_year_and_growth_rate_split() -> None:
    text = "江津区地区生产总值从2016年的756亿元预计增长到2021年的1200亿元,年均增长8.2%。"
    rows = {r["quote"]: r for r in claims(text, dt.date(2021, 12, 29))}
    assert (rows["756亿元"]["year"], rows["756亿元"]["kind"]) == (2016, "level")
    assert (rows["1200亿元"]["year"], rows["1200亿元"]["kind"]) == (2021, "forecast")
    assert rows["8.2%"]["kind"] == "change"
    assert rows["1200亿元"]["value"] == 1.2e11


def test_target_takes_target_year() -> None:
    row = one("到2026年,江津区地区生产总值达1800亿元左右。", "1800亿元", dt.date(2021, 12, 29))
    assert (row["kind"], row["year"], row["qualifier"]) == ("target", 2026, "approx")


def test_each_listed_value_gets_its_own_indicator() -> None:
    rows = claims("江津区高速公路、铁路通车里程分别达191公里、182公里。")
    labels = [r["indicator"] for r in rows]
    assert [r["value"] for r in rows] == [191, 182]
    assert labels[0] != labels[1] and labels[0].startswith("高速公路")


def test_before_and_after_are_two_claims() -> None:
    rows = claims("海韵家园试点小区物业服务满意度由45%上升到93%。")
    assert [(r["value"], r["kind"]) for r in rows] == [(45, "share"), (93, "share")]


@pytest.mark.parametrize(("text", "year"), [
    ("今年,天津市引进人才3000人。", 2023),
    ("去年,天津市引进人才3000人。", 2022),
    ("“十三五”期间,天津市引进人才3000人。", 2020),
    ("2014年以来,天津市引进人才3000人。", 2023),
    ("与2013年相比,天津市人口增加3000人。", 2023),
    ("目前天津市有党组织3000个。", 2023),
])
def test_year_rules(text: str, year: int) -> None:
    assert claims(text, dt.date(2023, 5, 12))[0]["year"] == year


def test_no_date_keeps_explicit_years_only() -> None:
    assert claims("天津市有党组织3000个。")[0]["year"] is None
    assert claims("2020年天津市有党组织3000个。")[0]["year"] == 2020


def test_whole_city_word_means_the_article_city() -> None:
    text = "北京市推进非首都功能疏解。\n2022年全市常住人口降至2184.3万人。"
    assert one(text, "2184.3万人")["region"] == "北京市"


def test_abbreviation_read_in_context() -> None:
    text = "重庆市江津区第十五次党代会报告。江津区扎实推进开放。在津世界500强企业达23家。"
    row = one(text, "23家")
    assert (row["region"], row["province"]) == ("江津区", "重庆市")


def test_district_sharing_a_province_name() -> None:
    text = "天津市河北区推进治理。河北区472个基层党支部与社区开展共建。"
    row = one(text, "472个")
    assert (row["region"], row["region_code"], row["province"]) == ("河北区", "120105", "天津市")


def test_village_as_region() -> None:
    text = "天津市北辰区大张庄镇田庄村打造农文旅项目。2023年,田庄村累计接待游客9万余人。"
    row = one(text, "9万余人")
    assert (row["region"], row["region_level"], row["kind"]) == ("田庄村", "village", "cumulative")
    assert row["qualifier"] == "at_least"


def test_confidence_is_lower_for_guesses() -> None:
    explicit = one("2022年天津市森林覆盖率达35%。", "35%")
    guessed = one("森林覆盖率达35%。", "35%")
    assert 0 < guessed["confidence"] < explicit["confidence"] <= 1


def test_number_own_words_beat_an_earlier_clause_term() -> None:
    rows = claims("苏州市拥有高新技术企业1.57万家,累计建成5G基站6.1万个。")
    assert [r["indicator"] for r in rows] == ["高新技术企业数量", "5G基站数量"]
    assert [r["concept"] for r in rows] == ["高新技术企业数", ""]
    assert rows[1]["kind"] == "cumulative"
