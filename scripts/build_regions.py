"""Generate ``extract/data/regions.csv``, the region table the extractor resolves names against.

The table is generated once from a maintained source and committed, so jionlp and cpca
are generation-time dependencies only (``pip install jionlp cpca``), never runtime ones.

* Hierarchy, names and codes: jionlp's ``china_location`` dictionary (five levels; we keep
  province, city and county). Its codes are the NBS statistical division codes, which equal
  GB/T 2260 for real administrative units and add ``xxxx7x`` codes for development zones.
* Centroids: cpca's ``adcodes.csv`` (one point per 2018 adcode). Units created or recoded
  since 2018 are matched on their short name within the same prefecture instead.
* Corrections: ``extract/data/region_corrections.csv``, hand-kept, applied last. It adds
  the rows no register has (中国, 京津冀, 雄安新区 ...), the province abbreviations, and fixes
  codes jionlp left stale.

Run from the repository root: ``python scripts/build_regions.py``. It prints a summary.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.metadata
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT_PATH = REPO / "extract" / "data" / "regions.csv"
CORRECTIONS_PATH = REPO / "extract" / "data" / "region_corrections.csv"

# jionlp's own data date: its division list matches the NBS codes of 2022 (错那县 and
# 米林县, made cities in April 2023, are still counties there).
SOURCE_DATA_DATE = "2022"
CENTROID_DATA_DATE = "2018"

# Rows jionlp inserts to keep five levels where the real hierarchy has fewer: a
# municipality repeats itself as its own city; counties run directly by a province sit
# under 省直辖行政区划; cities without counties (东莞, 中山, 儋州, 嘉峪关) hold one
# 市直辖行政区划. Their children are re-parented to the nearest real unit.
PLACEHOLDER_NAMES = frozenset({"省直辖行政区划", "市直辖行政区划"})

# jionlp gives the districts of 香港 and 澳门 the province's own code and Taiwan's
# townships invented or no codes (and some are misnamed), so only the three
# province-level rows are kept.
PROVINCES_WITHOUT_CHILDREN = frozenset({"810000", "820000", "710000"})

# Administrative suffixes, longest first so that 自治州 wins over 州. 林区 (only 神农架) and
# 矿区 are left out: 万柏林区 and 井陉矿区 are named after woods and mines, not suffixed.
SUFFIXES: tuple[str, ...] = (
    "特别行政区", "自治区", "自治州", "自治县", "自治旗",
    "地区", "新区", "特区",
    "省", "市", "区", "县", "旗", "盟",
)

# Ethnic names as they appear inside autonomous-area names (some without 族), stripped
# from the end of a name after its 自治 suffix: 恩施土家族苗族 -> 恩施.
ETHNIC_NAMES: tuple[str, ...] = (
    "蒙古族", "蒙古", "回族", "藏族", "维吾尔", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "哈萨克", "傣族", "黎族",
    "傈僳族", "佤族", "畲族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜",
    "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯",
    "阿昌族", "普米族", "塔吉克", "怒族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族",
    "独龙族", "鄂伦春", "赫哲族", "门巴族", "珞巴族", "基诺族", "各族",
)

MIN_SHORT_LEN = 2  # a one-character short form (云县 -> 云) matches far too much text


@dataclass
class Region:
    """One row of regions.csv; field order is the column order."""

    code: str = ""
    name: str = ""
    short: str = ""
    level: str = ""
    parent_code: str = ""
    province: str = ""
    lon: str = ""
    lat: str = ""
    aliases: str = ""


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Region))


# --- names ------------------------------------------------------------------------------


def strip_suffix(name: str) -> str:
    """Remove the longest suffix that leaves at least 2 characters (清新区 -> 清新, not 清)."""
    for suffix in SUFFIXES:
        rest = name[: -len(suffix)]
        if name.endswith(suffix) and len(rest) >= MIN_SHORT_LEN:
            return rest
    return name


def strip_ethnic(stem: str) -> str:
    """Remove trailing ethnic names (恩施土家族苗族 -> 恩施, 管城回族 -> 管城).

    A name that is itself an ethnic name keeps it minus 族 (鄂温克族 -> 鄂温克); 内蒙古 and
    鄂伦春 are place names that merely end in one, and the length guard keeps them whole.
    """
    changed = True
    while changed:
        changed = False
        for ethnic in ETHNIC_NAMES:
            rest = stem[: -len(ethnic)]
            if stem.endswith(ethnic) and len(rest) >= MIN_SHORT_LEN:
                stem, changed = rest, True
                break
    if stem.endswith("族") and len(stem) > MIN_SHORT_LEN:
        stem = stem[:-1]
    return stem


def short_name(name: str) -> str:
    """The name as commonly written without its suffix, or "" if that is under 2 characters."""
    stem = strip_ethnic(strip_suffix(name))
    return stem if len(stem) >= MIN_SHORT_LEN and stem != name else ""


def drop_shadowed_shorts(regions: list[Region]) -> None:
    """Blank a short form that, written bare, means a province or the unit's own parent.

    "河北" is the province, not 天津's 河北区; "东营" is the city, not its 东营区; "吉林" is the
    province, not 吉林市. Such units are found by full name or alias instead. Collisions
    between unrelated units of the same or lower level (鼓楼区 x4, 朝阳区 / 朝阳市) are kept:
    telling them apart needs context, which is the resolver's job.
    """
    by_code = {r.code: r for r in regions if r.code}
    province_shorts = {r.short for r in regions if r.level == "province"}
    for region in regions:
        if region.level == "province" or not region.short:
            continue
        parent = by_code.get(region.parent_code)
        if region.short in province_shorts or (parent is not None and parent.short == region.short):
            region.short = ""


def level_of(code: str, depth: int) -> str:
    """Level from depth in jionlp's tree; NBS zone codes (5th digit 7) are sites, not counties."""
    if depth == 0:
        return "province"
    if depth == 1:
        return "city"
    return "site" if code[4] == "7" else "county"


# --- source: jionlp ---------------------------------------------------------------------


def load_jionlp_tree() -> dict:
    """Province -> city -> county dict from jionlp's public loader (three levels only)."""
    import jionlp  # generation-time only; prints a banner on import

    return jionlp.china_location_loader(detail=False)


def children(node: dict) -> Iterator[tuple[str, dict]]:
    """Child units of a jionlp node; keys starting with _ are the node's own attributes."""
    for key, value in node.items():
        if not key.startswith("_"):
            yield key, value


def is_placeholder(node: dict, parent_code: str) -> bool:
    """Placeholder rows are the pseudo-levels named above or a municipality repeating itself."""
    return node["_full_name"] in PLACEHOLDER_NAMES or node["_admin_code"] == parent_code


def walk(tree: dict) -> Iterator[Region]:
    """Flatten jionlp's tree into rows, skipping placeholder levels and re-parenting below them."""
    for province_name, province in tree.items():
        province_code = province["_admin_code"]
        yield make_region(province, 0, "", province_name)
        if province_code in PROVINCES_WITHOUT_CHILDREN:
            continue
        for _, city in children(province):
            city_parent = province_code
            if not is_placeholder(city, province_code):
                yield make_region(city, 1, province_code, province_name)
                city_parent = city["_admin_code"]
            for _, county in children(city):
                if not is_placeholder(county, city["_admin_code"]):
                    yield make_region(county, 2, city_parent, province_name)


def make_region(node: dict, depth: int, parent_code: str, province: str) -> Region:
    """One jionlp node as a row; centroids are filled in later."""
    code, name = node["_admin_code"], node["_full_name"]
    level = level_of(code, depth)
    short = short_name(name) if level != "site" else ""
    return Region(
        code=code,
        name=name,
        short=short,
        level=level,
        parent_code=parent_code,
        province=province,
        aliases=jionlp_aliases(node, name, short, level),
    )


def jionlp_aliases(node: dict, name: str, short: str, level: str) -> str:
    """jionlp's abbreviations that add something: 克州, 巴州, 察右中旗, 东乡县, 海南州.

    Sites are skipped (their jionlp alias is mostly a generic 高新区 or 经开区), and so are
    forms that only cut a 2-character suffix in half (六枝特区 -> 六枝特).
    """
    if level == "site":
        return ""
    raw = node["_alias"]
    candidates = raw if isinstance(raw, list) else [raw]
    half_cut = {name[:-1] for suffix in SUFFIXES if len(suffix) == 2 and name.endswith(suffix)}
    keep = [a for a in candidates
            if len(a) >= MIN_SHORT_LEN and a not in (name, short) and a not in half_cut]
    return join_aliases(*keep)


# --- centroids: cpca --------------------------------------------------------------------


def load_cpca_points() -> list[tuple[str, str, str, str]]:
    """(6-digit code, name, lon, lat) for every adcode cpca ships with a point (a few have none)."""
    from importlib.resources import files

    text = files("cpca.resources").joinpath("adcodes.csv").read_text(encoding="utf-8")
    return [
        (row["adcode"][:6], row["name"], row["longitude"], row["latitude"])
        for row in csv.DictReader(io.StringIO(text))
        if row["longitude"] and row["latitude"]
    ]


def add_centroids(regions: Iterable[Region], points: list[tuple[str, str, str, str]]) -> None:
    """Fill lon/lat by code, else by short name within the prefecture, then the province.

    The name keys catch units recoded since cpca's 2018 data (新津县 510132 became 新津区
    510118; 钢城区 moved from 莱芜 to 济南). A name key is used only when it picks out exactly
    one point of the same tier (prefecture-level codes end in 00), so 兰州新区 never gets
    兰州市's point. Sites are never matched by name: they have no 2018 counterpart.
    """
    by_code = {code: (lon, lat) for code, _, lon, lat in points}
    by_name: dict[tuple[str, str, bool], list[tuple[str, str]]] = {}
    for code, name, lon, lat in points:
        for scope in (code[:4], code[:2]):
            key = (scope, short_name(name) or name, code.endswith("00"))
            by_name.setdefault(key, []).append((lon, lat))
    for region in regions:
        if region.lon or not region.code:
            continue
        point = by_code.get(region.code)
        if point is None and region.level != "site":
            point = match_by_name(region, by_name)
        if point is not None:
            region.lon, region.lat = (f"{float(v):.4f}" for v in point)


def match_by_name(
    region: Region, by_name: dict[tuple[str, str, bool], list[tuple[str, str]]]
) -> tuple[str, str] | None:
    """The one cpca point sharing this unit's name, searching the prefecture before the province."""
    stem = short_name(region.name) or region.name
    for scope in (region.code[:4], region.code[:2]):
        candidates = by_name.get((scope, stem, region.code.endswith("00")), [])
        if len(candidates) == 1:
            return candidates[0]
    return None


# --- corrections ------------------------------------------------------------------------


def read_commented_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV whose leading lines starting with # are documentation."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    body = [line for line in lines if not line.startswith("#")]
    return list(csv.DictReader(body))


def find_one(regions: list[Region], name: str, province: str) -> Region:
    """The single row with this name in this province; corrections must not be ambiguous."""
    hits = [r for r in regions if r.name == name and r.province == province]
    if len(hits) != 1:
        raise ValueError(f"correction for {name} ({province}) matches {len(hits)} rows")
    return hits[0]


def amend(target: Region, row: dict[str, str]) -> None:
    """Non-empty fields replace the source's value; aliases are added to, not replaced."""
    for column in COLUMNS:
        value = row.get(column, "")
        if column == "aliases":
            target.aliases = join_aliases(target.aliases, value)
        elif value:
            setattr(target, column, value)
    redundant = {target.name, target.short}
    target.aliases = "|".join(a for a in target.aliases.split("|") if a and a not in redundant)


def join_aliases(*groups: str) -> str:
    """Merge |-separated alias lists, keeping first-seen order and dropping repeats."""
    seen: dict[str, None] = {}
    for group in groups:
        for alias in group.split("|"):
            if alias:
                seen.setdefault(alias, None)
    return "|".join(seen)


def apply_corrections(regions: list[Region], rows: list[dict[str, str]]) -> Counter[str]:
    """Apply add / amend / drop rows in file order; returns how many of each were applied."""
    applied: Counter[str] = Counter()
    for row in rows:
        action = row["action"]
        if action == "add":
            regions.append(Region(**{c: row.get(c, "") for c in COLUMNS}))
        elif action in ("amend", "drop"):
            target = find_one(regions, row["name"], row["province"])
            if action == "amend":
                amend(target, row)
            else:
                regions.remove(target)
        else:
            raise ValueError(f"unknown action {action!r} in {row}")
        applied[action] += 1
    return applied


# --- checks and output ------------------------------------------------------------------


def check(regions: list[Region]) -> None:
    """Fail loudly rather than commit a table with duplicate codes or dangling parents."""
    codes = Counter(r.code for r in regions if r.code)
    duplicates = sorted(code for code, n in codes.items() if n > 1)
    if duplicates:
        raise ValueError(f"duplicate codes: {duplicates}")
    parents = {r.parent_code for r in regions if r.parent_code}
    dangling = sorted(parents - codes.keys())
    if dangling:
        raise ValueError(f"parent codes with no row: {dangling}")


LEVEL_ORDER = ("country", "macro_region", "province", "city", "county", "site")


def sort_key(region: Region) -> tuple[int, str, str]:
    """Country and macro regions first, then by code; code-less rows close their level."""
    return (LEVEL_ORDER.index(region.level) if region.level in LEVEL_ORDER[:2] else 2,
            region.code or region.parent_code + "~", region.name)


def header_lines(applied: Counter[str], today: str) -> list[str]:
    """The # comment block that says what generated the file and from what."""
    jionlp_version = importlib.metadata.version("jionlp")
    cpca_version = importlib.metadata.version("cpca")
    counts = ", ".join(f"{n} {action}" for action, n in sorted(applied.items()))
    return [
        "# GENERATED FILE - do not edit by hand; edit extract/data/region_corrections.csv and",
        "# rerun: python scripts/build_regions.py",
        f"# Source: jionlp {jionlp_version} dictionary/china_location.txt (NBS division codes,"
        f" data as of {SOURCE_DATA_DATE}); levels province, city, county, plus NBS zones as site",
        f"# Centroids: cpca {cpca_version} resources/adcodes.csv ({CENTROID_DATA_DATE} adcodes; one"
        " point per unit, matched by code, else by name within the prefecture or province)",
        f"# Corrections: extract/data/region_corrections.csv ({counts})",
        f"# Generated: {today}",
    ]


def write_table(path: Path, regions: list[Region], header: list[str]) -> None:
    """UTF-8 without BOM, Unix newlines, comment block then a normal CSV."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.writelines(line + "\n" for line in header)
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows([getattr(r, c) for c in COLUMNS] for r in regions)


def print_summary(regions: list[Region], path: Path) -> None:
    """Rows per level and centroid coverage, so a regeneration's effect is visible."""
    levels = Counter(r.level for r in regions)
    with_point = Counter(r.level for r in regions if r.lon)
    print(f"wrote {len(regions)} rows to {path}")
    for level in LEVEL_ORDER:
        print(f"  {level:<13}{levels[level]:>6} rows, {with_point[level]:>5} with centroid")
    print(f"  total with centroid: {sum(with_point.values())}")


def build(corrections_path: Path) -> tuple[list[Region], Counter[str]]:
    """Source rows, centroids, corrections, then centroids again for rows the corrections added.

    The first centroid pass runs on jionlp's own codes, so a row whose code a correction
    fixes keeps the point found under the old code (公主岭市 moved from 220381 to 220184).
    """
    points = load_cpca_points()
    regions = list(walk(load_jionlp_tree()))
    add_centroids(regions, points)
    drop_shadowed_shorts(regions)
    applied = apply_corrections(regions, read_commented_csv(corrections_path))
    add_centroids(regions, points)
    regions.sort(key=sort_key)
    check(regions)
    return regions, applied


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_PATH)
    parser.add_argument("--corrections", type=Path, default=CORRECTIONS_PATH)
    args = parser.parse_args()
    regions, applied = build(args.corrections)
    write_table(args.out, regions, header_lines(applied, dt.date.today().isoformat()))
    print_summary(regions, args.out)


if __name__ == "__main__":
    main()
