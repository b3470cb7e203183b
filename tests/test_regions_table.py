"""Facts the committed region table must keep, whatever regenerates it.

The table is generated (scripts/build_regions.py) and committed; these tests read only the
CSV, so they run without jionlp or cpca installed and catch a bad regeneration or hand edit.
"""

from __future__ import annotations

import csv
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

TABLE = Path(__file__).resolve().parents[1] / "extract" / "data" / "regions.csv"
COLUMNS = ["code", "name", "short", "level", "parent_code", "province", "lon", "lat", "aliases"]
LEVELS = {"country", "macro_region", "province", "city", "county", "site"}


@cache
def rows() -> tuple[dict[str, str], ...]:
    """The table's rows, skipping the # header that says how it was generated."""
    with TABLE.open(encoding="utf-8") as handle:
        body = [line for line in handle if not line.startswith("#")]
    return tuple(csv.DictReader(body))


def by_code() -> dict[str, dict[str, str]]:
    return {r["code"]: r for r in rows() if r["code"]}


def named(name: str) -> list[dict[str, str]]:
    return [r for r in rows() if r["name"] == name]


def test_header_says_generated_and_from_what() -> None:
    head = TABLE.read_text(encoding="utf-8").splitlines()[:8]
    comments = "\n".join(line for line in head if line.startswith("#"))
    assert "GENERATED" in comments
    assert "scripts/build_regions.py" in comments
    assert "jionlp" in comments and "cpca" in comments
    assert "Generated: 20" in comments


def test_file_is_utf8_without_bom() -> None:
    assert not TABLE.read_bytes().startswith(b"\xef\xbb\xbf")


def test_columns() -> None:
    assert list(rows()[0].keys()) == COLUMNS


def test_levels_are_known() -> None:
    assert {r["level"] for r in rows()} <= LEVELS


def test_codes_are_unique_six_digit_strings() -> None:
    codes = [r["code"] for r in rows() if r["code"]]
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert [c for c, n in Counter(codes).items() if n > 1] == []


def test_every_parent_exists() -> None:
    codes = by_code()
    assert [r["name"] for r in rows() if r["parent_code"] and r["parent_code"] not in codes] == []


def test_every_row_names_an_existing_province() -> None:
    provinces = {r["name"] for r in rows() if r["level"] == "province"}
    missing = [r["name"] for r in rows() if r["level"] not in ("country", "macro_region")
               and r["province"] not in provinces]
    assert missing == []


@pytest.mark.parametrize(
    ("level", "low", "high"),
    [("country", 1, 1), ("province", 34, 34), ("city", 300, 350), ("county", 2800, 3000)],
)
def test_row_counts_per_level(level: str, low: int, high: int) -> None:
    count = sum(r["level"] == level for r in rows())
    assert low <= count <= high


@pytest.mark.parametrize(
    ("name", "code", "parent"),
    [
        ("河北区", "120105", "120000"),  # a district of 天津, not the province 河北
        ("北辰区", "120113", "120000"),
        ("滨海新区", "120116", "120000"),
        ("江津区", "500116", "500000"),
        ("浦东新区", "310115", "310000"),
        ("东城区", "110101", "110000"),
        ("张家口市", "130700", "130000"),
        ("济源市", "419001", "410000"),  # 省直辖县级行政区划 -> the province
        ("仙桃市", "429004", "420000"),
        ("石河子市", "659001", "650000"),
        ("新津区", "510118", "510100"),  # code fixed by the corrections file
        ("公主岭市", "220184", "220100"),
    ],
)
def test_known_units(name: str, code: str, parent: str) -> None:
    row = by_code()[code]
    assert (row["name"], row["parent_code"]) == (name, parent)


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("北京市", "北京"), ("河北省", "河北"), ("江津区", "江津"), ("张家口市", "张家口"),
        ("滨海新区", "滨海"), ("内蒙古自治区", "内蒙古"), ("广西壮族自治区", "广西"),
        ("恩施土家族苗族自治州", "恩施"), ("香港特别行政区", "香港"),
        ("河北区", ""),  # bare 河北 is the province
        ("吉林市", ""),  # bare 吉林 is the province
    ],
)
def test_short_forms(name: str, short: str) -> None:
    assert {r["short"] for r in named(name)} == {short}


def test_no_placeholder_levels() -> None:
    assert [r for r in rows() if "直辖" in r["name"] or r["name"] == "市辖区"] == []


def test_municipality_districts_hang_off_the_municipality() -> None:
    for code in ("110000", "120000", "310000", "500000"):
        districts = [r for r in rows() if r["parent_code"] == code and r["level"] == "county"]
        assert len(districts) >= 10
    assert not [r for r in rows() if r["level"] == "city" and r["province"] == "重庆市"]


def test_ambiguous_names_stay_separate_rows() -> None:
    gulou = named("鼓楼区")
    assert len(gulou) >= 3
    assert len({r["parent_code"] for r in gulou}) == len(gulou)


@pytest.mark.parametrize(
    ("name", "alias"),
    [("北京市", "京"), ("天津市", "津"), ("河北省", "冀"), ("重庆市", "渝"), ("上海市", "沪"),
     ("四川省", "蜀"), ("香港特别行政区", "港"), ("巴音郭楞蒙古自治州", "巴州")],
)
def test_aliases(name: str, alias: str) -> None:
    (row,) = named(name)
    assert alias in row["aliases"].split("|")


def test_every_province_has_an_abbreviation() -> None:
    provinces = [r for r in rows() if r["level"] == "province"]
    lacking = [
        r["name"] for r in provinces if not any(len(a) == 1 for a in r["aliases"].split("|"))
    ]
    assert lacking == []


def test_corrections_rows_present() -> None:
    assert named("中国")[0]["level"] == "country"
    macro = {r["name"] for r in rows() if r["level"] == "macro_region"}
    assert {"京津冀", "长江三角洲", "粤港澳大湾区", "成渝地区双城经济圈"} <= macro
    (xiongan,) = named("雄安新区")
    assert (xiongan["province"], xiongan["parent_code"]) == ("河北省", "130000")
    assert xiongan["short"] == "雄安" and xiongan["code"] == ""
    (subcentre,) = named("北京城市副中心")
    assert subcentre["parent_code"] == "110000" and "副中心" in subcentre["aliases"].split("|")


def test_coordinates_inside_china() -> None:
    points = [(float(r["lon"]), float(r["lat"])) for r in rows() if r["lon"]]
    assert len(points) > 3000
    assert all(73.0 <= lon <= 135.5 and 3.0 <= lat <= 53.6 for lon, lat in points)
    assert all(bool(r["lon"]) == bool(r["lat"]) for r in rows())


def test_coordinates_have_four_decimals() -> None:
    assert all(len(r["lon"].split(".")[1]) == 4 for r in rows() if r["lon"])
