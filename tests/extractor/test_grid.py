"""Tables flattened into lines: each numeric cell a claim, described by its table."""

from __future__ import annotations

import datetime as dt

from extract import extract_text

COMMUNIQUE = """天津市2023年国民经济和社会发展统计公报
表1  2023年主要农产品产量
单位：万吨
指标\t产量\t比上年增长%
粮食\t256.5\t1.2
蔬菜\t282.3\t-0.8

表2 2023年各区地区生产总值
地区    绝对数(亿元)    比上年增长(%)
滨海新区    7000.5    5.1
西青区    900.2    -1.5
"""


def _cells() -> dict[tuple[int, str], dict]:
    rows = extract_text(COMMUNIQUE, "t.txt", dt.date(2024, 3, 18))
    assert all(COMMUNIQUE[r["start"]:r["end"]] == r["quote"] for r in rows)
    return {(r["start"], r["quote"]): r for r in rows}


def _row(quote: str) -> dict:
    return next(r for (_, q), r in _cells().items() if q == quote)


def test_every_numeric_cell_is_a_claim() -> None:
    assert [q for _, q in sorted(_cells())] == ["256.5", "1.2", "282.3", "-0.8",
                                                 "7000.5", "5.1", "900.2", "-1.5"]


def test_the_unit_line_and_the_row_and_column_describe_a_cell() -> None:
    row = _row("256.5")
    assert (row["value"], row["unit"], row["indicator"], row["kind"], row["year"]) == (
        2_565_000.0, "吨", "粮食产量", "level", 2023)


def test_a_growth_column_holds_changes_of_the_measure_before_it() -> None:
    row = _row("-0.8")
    assert (row["value"], row["unit"], row["indicator"], row["kind"]) == (
        -0.8, "%", "蔬菜产量增速", "change")


def test_a_table_by_district_files_each_row_under_its_place() -> None:
    level, change = _row("900.2"), _row("-1.5")
    assert (level["region"], level["indicator"], level["concept"], level["value"]) == (
        "西青区", "地区生产总值", "地区生产总值", 90_020_000_000.0)
    assert (change["region"], change["kind"], change["indicator"]) == (
        "西青区", "change", "地区生产总值增速")


def test_prose_with_wide_spaces_is_no_table() -> None:
    assert extract_text("会议于  15  召开\n会议于  16  召开\n", "t.txt") == []
    assert extract_text("全市常住人口\t1363\n", "t.txt") == []  # one line alone is no table


def test_a_unit_column_gives_each_row_its_unit() -> None:
    text = "指标\t单位\t2023年\n粮食产量\t万吨\t256.5\n常住人口\t万人\t1364\n"
    rows = {r["quote"]: r for r in extract_text(text, "t.txt")}
    assert (rows["256.5"]["unit"], rows["256.5"]["value"], rows["256.5"]["year"]) == (
        "吨", 2_565_000.0, 2023)
    assert (rows["1364"]["unit"], rows["1364"]["indicator"]) == ("人", "常住人口")


def test_a_header_of_years_gives_each_column_its_year() -> None:
    text = "单位:亿元\r\n指标  2022  2023\r\n地区生产总值  16311.3  16737.3\r\n"  # CRLF
    rows = extract_text(text, "t.txt")
    assert [(r["quote"], r["year"], r["indicator"]) for r in rows] == [
        ("16311.3", 2022, "地区生产总值"), ("16737.3", 2023, "地区生产总值")]


def test_a_column_of_falls_holds_negative_changes() -> None:
    text = "指标\t比上年下降%\n单位地区生产总值能耗\t3.1\n二氧化硫排放量\t5.2\n"
    rows = extract_text(text, "t.txt")
    assert [(r["value"], r["kind"]) for r in rows] == [(-3.1, "change"), (-5.2, "change")]


def test_a_district_tables_rows_neither_name_the_measure_nor_carry_to_the_prose_after() -> None:
    text = ("成都市2023年国民经济和社会发展统计公报\n表1  2023年各区（市）县地区生产总值\n"
            "地区    绝对数(亿元)    比上年增长(%)\n"
            "锦江区    1488.6    6.5\n武侯区    1501.9    6.2\n"
            "\n全市社会消费品零售总额10001.6亿元，增长10.0%。\n")
    rows = {r["quote"]: r for r in extract_text(text, "t.txt")}
    assert rows["1501.9"]["indicator"] == "地区生产总值"  # 各区（市）县 is no part of it
    assert (rows["10.0%"]["region"], rows["10.0%"]["indicator"]) == ("成都市",
                                                                     "社会消费品零售总额增速")


def test_a_unit_line_listing_units_by_kind_of_column_gives_the_amounts_theirs() -> None:
    text = ("单位：亿元、%\n区县\t地区生产总值\t比上年增长\n吴兴区\t718.5\t6.3\n"
            "南浔区\t552.9\t5.8\n")
    rows = {r["quote"]: r for r in extract_text(text, "t.txt")}
    assert (rows["718.5"]["value"], rows["718.5"]["unit"]) == (71_850_000_000, "元")
    assert (rows["6.3"]["unit"], rows["6.3"]["kind"]) == ("%", "change")


def test_a_compound_unit_in_a_unit_line_stays_whole() -> None:
    text = "单位：元/亩\n品种\t净收益\n小麦\t850\n玉米\t920\n"
    assert {r["unit"] for r in extract_text(text, "t.txt")} == {"元/亩"}


def test_a_unit_line_with_two_units_for_amounts_gives_neither_to_all() -> None:
    text = ("单位：亿元、万人\n区县\t地区生产总值\t常住人口\n吴兴区\t718.5\t68.2\n"
            "南浔区\t552.9\t50.1\n")
    rows = {r["quote"]: r for r in extract_text(text, "t.txt")}
    assert rows["68.2"]["value"] != 6_820_000_000  # 亿元 is not every column's unit
