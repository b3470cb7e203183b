"""Statistical tables that reached the text as lines: one claim per numeric cell.

A communique's table arrives as a title (表1 2023年主要农产品产量), perhaps a
unit line (单位：万吨), a header line of column names and one line per row,
cells apart by a tab or a run of spaces. A cell's number has no unit of its
own, so the sentence reader passes it by; here the table gives it all: the
row label and the column's measure make the indicator, the header or unit
line the unit, a 比上年增长% column the kind, a year in the header the year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .numbers import NumberSpan, find_numbers
from .regions import region_by_name
from .tables import load_table

_CELL = re.compile(r"[^\t \r]+(?: [^\t \r]+)*")  # apart by a tab or two or more spaces
_NUMBER_CELL = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?")
_EMPTY_CELL = ("-", "—", "--", "…", "...", "/")
_UNIT_LINE = re.compile(r"单位[:：]\s*([^\s)）]+)")
_UNIT_SEPARATORS = re.compile(r"[、,，;；]")  # not /: 元/亩 is one unit
_BRACKET_UNIT = re.compile(r"[(（]([^()（）]{1,6})[)）]$")
_YEAR = re.compile(r"((?:19|20)\d{2}) ?年?")
_ROW_MARK = re.compile(r"^(?:[#＃*]+|其中[:：]?|[一二三四五六七八九十]+、|\d+[.、．])\s*")
_TITLE = re.compile(r"^(?:附?表 ?\d+[:：.、 ]*)")
_TITLE_WORDS = re.compile(r"(?:19|20)\d{2} ?年|各[区县市省州](?:[(（][区县市州][)）])?[区县市州]?"
                          r"|全[市区省]|主要|分[地区行业]+|情况")
_LOOK_BACK = 3  # lines above the header that may hold the title and unit line


@dataclass(frozen=True)
class TableCell:
    """A numeric cell and what its table says about it."""

    number: NumberSpan
    label: str            # the indicator the row and column name
    kind: str             # level, change or share, from the column header
    sign: int             # -1 in a column of falls (比上年下降%)
    year: int | None      # from the column header; None: the document's year
    row_label: str        # the row's own name (a region in a table by district)


@cache
def _header_roles() -> dict[str, str]:
    return {row["word"]: row["role"] for row in load_table("table_headers")}


def _role(header: str) -> str:
    """change, fall, share, unit, generic or measure: what a column header says its cells
    are."""
    roles = _header_roles()
    name = _BRACKET_UNIT.sub("", header).rstrip("%").strip()
    if roles.get(name) in ("unit", "generic") or _YEAR.fullmatch(name):
        return roles.get(name, "generic")
    for word, role in roles.items():
        if role in ("change", "fall", "share") and word in header:
            return role
    return "measure"


def _cells(line: str, offset: int) -> list[tuple[int, int, str]]:
    return [(offset + m.start(), offset + m.end(), m.group()) for m in _CELL.finditer(line)]


def _is_number(cell: str) -> bool:
    return bool(_NUMBER_CELL.fullmatch(cell))


def _is_row(cells: list[tuple[int, int, str]]) -> bool:
    """A label cell, then cells that are all numbers or blanks, at least one a number."""
    if len(cells) < 2 or _is_number(cells[0][2]) or not re.search(r"[\u4e00-\u9fff]", cells[0][2]):
        return False
    rest = [c[2] for c in cells[1:]]
    if all(_YEAR.fullmatch(c) for c in rest):
        return False  # 指标  2022  2023: a header of years, not a row
    values = [c for c in rest if _is_number(c)]
    others = [c for c in rest if not _is_number(c) and c not in _EMPTY_CELL]
    # One text cell may be the row's unit (粮食  万吨  256.5), nothing else.
    return bool(values) and (not others or (len(others) == 1 and bool(_unit_of(others[0])[1])))


@cache
def _unit_of(unit: str) -> tuple[float, str, str]:
    """(factor, base unit, unit kind) of a unit written alone: 万吨 → (1e4, 吨, measure)."""
    unit = unit.strip().replace("％", "%")
    if not unit:
        return 1.0, "", ""
    found = find_numbers("1" + unit)
    if found and found[0].end == len(unit) + 1:
        return found[0].value, found[0].unit, found[0].unit_kind
    return 1.0, "", ""


def _level_unit(unit_line: str) -> str:
    """The unit of a table's amounts from a unit line that may list one per kind of column
    (单位：亿元、%: amounts in 亿元, rates in %, which their headers already tell)."""
    units = [u for u in _UNIT_SEPARATORS.split(unit_line) if u]
    amounts = [u for u in units if u.strip("%％")]
    # with two units for amounts (亿元、万人) the line cannot tell which column has which
    return amounts[0] if len(amounts) == 1 else unit_line


def _title_measure(lines: list[str]) -> str:
    """The measure a table's title names: 表2 2023年各区地区生产总值 → 地区生产总值."""
    for line in reversed(lines):
        if line.strip().startswith(("表", "附表")):
            measure = _TITLE_WORDS.sub("", _TITLE.sub("", line.strip()))
            return _BRACKET_UNIT.sub("", measure).strip()
    return ""


def table_cells(text: str) -> list[TableCell]:
    """Every numeric cell of every table flattened into lines of `text`."""
    lines, offsets, pos = text.split("\n"), [], 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    rows = [_cells(line, at) for line, at in zip(lines, offsets, strict=True)]
    found: list[TableCell] = []
    i = 0
    while i < len(lines):
        if not _is_row(rows[i]):
            i += 1
            continue
        first = i
        while i < len(lines) and _is_row(rows[i]):
            i += 1
        header_at = first - 1
        header = rows[header_at] if header_at >= 0 and len(rows[header_at]) >= 2 and all(
            not _is_number(c[2]) or _YEAR.fullmatch(c[2]) for c in rows[header_at]) else []
        if not header and i - first < 2:
            continue  # one label-and-number line alone is prose, not a table
        above = lines[max(0, first - 1 - _LOOK_BACK):max(0, first - (1 if header else 0))]
        found.extend(_block_cells(rows[first:i], [c[2] for c in header], above))
    return found


def _block_cells(rows: list[list[tuple[int, int, str]]], header: list[str],
                 above: list[str]) -> list[TableCell]:
    """The cells of one table: rows below a header, with the title and unit line above."""
    unit_line = _level_unit(next((m.group(1) for line in above
                                  if (m := _UNIT_LINE.search(line))), ""))
    measure = _title_measure(above)
    out: list[TableCell] = []
    for row in rows:
        width = len(row)
        # The header names every column, or every column but the label column.
        if len(header) == width:
            names = header
        else:
            names = ["", *header] if len(header) == width - 1 else [""] * width
        roles = [_role(name) if name else "measure" for name in names]
        row_unit = next((c[2] for c, r in zip(row, roles, strict=True) if r == "unit"), "")
        label = _ROW_MARK.sub("", row[0][2]).strip()
        last_measure = ""
        for (start, end, cell), name, role in zip(row[1:], names[1:], roles[1:], strict=True):
            if role == "measure" and name:
                last_measure = _BRACKET_UNIT.sub("", name).strip()
            if not _is_number(cell) or role == "unit":
                continue
            header_unit = m.group(1) if (m := _BRACKET_UNIT.search(name)) else ""
            percent = cell.endswith("%") or name.endswith("%") or header_unit == "%"
            unit = "%" if percent or role in ("change", "fall", "share") else (
                header_unit or row_unit or unit_line)
            factor, base, unit_kind = _unit_of(unit)
            value = float(cell.rstrip("%").replace(",", "")) * factor
            year = _YEAR.search(name)
            kind = {"change": "change", "fall": "change", "share": "share"}.get(role, "level")
            own = last_measure if role != "generic" else ""
            if region_by_name(label):  # a table by district: the row names the place
                indicator = own or measure
            else:
                indicator = label + (own if not label.endswith(own) else "")
            out.append(TableCell(NumberSpan(start, end, value, base, unit_kind, "", end),
                                 indicator, kind, -1 if role == "fall" else 1,
                                 int(year.group(1)) if year else None, label))
    return out
