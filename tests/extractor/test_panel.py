"""The indicator table (extract/panel.py) and the CLI's --panel flag.

Hand-made claims keep each rule visible: every case below fails when the rule
it names is removed.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from extract.cli import main
from extract.panel import PANEL_COLUMNS, PanelInput, build_panel, panel_rows

BASE: dict[str, Any] = {
    "doc": "a.txt", "start": 0, "sentence": "s1", "value": 100.0, "unit": "元",
    "kind": "level", "region": "北京市", "region_code": "110000", "region_level": "province",
    "province": "北京市", "year": 2023, "indicator": "地区生产总值", "category": "economy",
    "concept": "地区生产总值", "confidence": 0.9, "doc_date": "2024-01-01",
}


_OFFSETS = itertools.count(1)


def claim(**fields: Any) -> dict[str, Any]:
    """A claim row: BASE with the given fields changed, at a fresh offset unless given."""
    return {**BASE, "start": next(_OFFSETS), **fields}


def panel_of(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return build_panel(pd.DataFrame(rows))


# (case, claims, expected fields of the single panel row)
SINGLE_ROW_CASES: list[tuple[str, list[dict[str, Any]], dict[str, Any]]] = [
    ("majority beats a newer, more confident source",
     [claim(doc="a.txt", sentence="s1", value=100.0, doc_date="2023-01-01"),
      claim(doc="b.txt", sentence="s2", value=100.0, doc_date="2023-01-01"),
      claim(doc="c.txt", sentence="s3", value=200.0, doc_date="2024-06-01", confidence=1.0)],
     {"value": 100.0, "n_claims": 3, "conflict": True, "min": 100.0, "max": 200.0}),
    ("values within 1% are one group: together they outvote a newer value",
     [claim(doc="a.txt", sentence="s1", value=100.0, doc_date="2023-01-01"),
      claim(doc="b.txt", sentence="s2", value=100.5, doc_date="2023-01-01"),
      claim(doc="c.txt", sentence="s3", value=200.0, doc_date="2024-06-01")],
     {"value": 100.0, "n_claims": 3, "conflict": True}),
    ("values within 1% are no conflict",
     [claim(doc="a.txt", sentence="s1", value=2184e4),
      claim(doc="b.txt", sentence="s2", value=2184.3e4)],
     {"n_claims": 2, "conflict": False, "min": 2184e4, "max": 2184.3e4}),
    ("the exact value stated most often wins within a group",
     [claim(doc="a.txt", sentence="s1", value=2184e4, confidence=1.0),
      claim(doc="b.txt", sentence="s2", value=2184.3e4),
      claim(doc="c.txt", sentence="s3", value=2184.3e4)],
     {"value": 2184.3e4, "conflict": False}),
    ("a tie goes to the most recent document",
     [claim(doc="a.txt", sentence="s1", value=100.0, doc_date="2023-01-01", confidence=1.0),
      claim(doc="b.txt", sentence="s2", value=200.0, doc_date="2024-01-01", confidence=0.5)],
     {"value": 200.0, "conflict": True}),
    ("a tie on date goes to the more confident claim",
     [claim(doc="a.txt", sentence="s1", value=100.0, confidence=0.5),
      claim(doc="b.txt", sentence="s2", value=200.0, confidence=0.95)],
     {"value": 200.0}),
    ("different values from different sentences of one document conflict",
     [claim(sentence="s1", value=100.0), claim(sentence="s2", value=150.0)],
     {"conflict": True, "n_docs": 1}),
    ("different values in one sentence are no conflict",
     [claim(sentence="s1", value=100.0), claim(sentence="s1", value=150.0)],
     {"conflict": False, "min": 100.0, "max": 150.0}),
    ("the same sentence reprinted in another document is still one statement",
     [claim(doc=doc, sentence="s1", value=value)
      for doc in ("a.txt", "b.txt") for value in (100.0, 150.0)],
     {"conflict": False, "n_docs": 2}),
    ("a sentence's spread is no conflict when the other sentence is within 1% of all of it",
     [claim(sentence="s1", value=100.0), claim(sentence="s1", value=101.5),
      claim(sentence="s2", value=100.8)],
     {"conflict": False}),
    ("a value in one sentence against another sentence's value conflicts",
     [claim(sentence="s1", value=100.0), claim(sentence="s1", value=200.0),
      claim(sentence="s2", value=100.0)],
     {"conflict": True, "value": 100.0}),
    ("an empty concept falls back to the indicator",
     [claim(concept="", indicator="高新技术企业数量", unit="家", value=35.0)],
     {"measure": "高新技术企业数量", "concept": ""}),
    ("a concept names the measure",
     [claim(concept="地区生产总值", indicator="GDP总量")],
     {"measure": "地区生产总值", "concept": "地区生产总值"}),
    ("a label equal to a concept joins that concept's row",
     [claim(concept="地区生产总值"), claim(concept="", indicator="地区生产总值")],
     {"measure": "地区生产总值", "concept": "地区生产总值", "n_claims": 2}),
    ("n_docs counts distinct documents",
     [claim(doc="a.txt", sentence="s1"), claim(doc="a.txt", sentence="s2"),
      claim(doc="b.txt", sentence="s3")],
     {"n_claims": 3, "n_docs": 2}),
    ("claim_ids lists doc:start of every claim, in document order",
     [claim(doc="b.txt", start=7), claim(doc="a.txt", start=40), claim(doc="a.txt", start=5)],
     {"claim_ids": "a.txt:5;a.txt:40;b.txt:7"}),
    ("a claim without a year is kept, with an empty year",
     [claim(year=None)],
     {"year": pd.NA, "n_claims": 1}),
]


@pytest.mark.parametrize(("rows", "expected"), [c[1:] for c in SINGLE_ROW_CASES],
                         ids=[c[0] for c in SINGLE_ROW_CASES])
def test_one_panel_row(rows: list[dict[str, Any]], expected: dict[str, Any]) -> None:
    panel = panel_of(rows)
    assert list(panel.columns) == list(PANEL_COLUMNS)
    assert len(panel) == 1
    row = panel.iloc[0]
    for column, value in expected.items():
        if value is pd.NA:
            assert pd.isna(row[column]), column
        else:
            assert row[column] == value, column


# (case, claims, number of panel rows)
KEY_CASES: list[tuple[str, list[dict[str, Any]], int]] = [
    ("a target never mixes with the actual", [claim(), claim(kind="target")], 2),
    ("a forecast never mixes with the actual", [claim(), claim(kind="forecast")], 2),
    ("units never compete", [claim(), claim(unit="%", value=5.0)], 2),
    ("years are separate rows", [claim(), claim(year=2022), claim(year=None)], 3),
    ("regions are separate rows", [claim(), claim(region="天津市", region_code="120000")], 2),
    ("two places with one name are separate rows",
     [claim(region="朝阳区", region_code="110105"), claim(region="朝阳区", region_code="220104")],
     2),
    ("measures are separate rows", [claim(), claim(concept="", indicator="常住人口")], 2),
    ("a claim without a value supports nothing", [claim(), claim(value=None)], 1),
]


@pytest.mark.parametrize(("rows", "n_rows"), [c[1:] for c in KEY_CASES],
                         ids=[c[0] for c in KEY_CASES])
def test_panel_key(rows: list[dict[str, Any]], n_rows: int) -> None:
    assert len(panel_of(rows)) == n_rows


def test_a_table_without_the_concept_column_uses_the_indicator() -> None:
    rows = [{k: v for k, v in claim(indicator="常住人口").items() if k != "concept"}]
    panel = panel_of(rows)
    assert panel[["measure", "concept"]].values.tolist() == [["常住人口", ""]]


def test_no_claims_give_an_empty_panel_with_every_column() -> None:
    panel = build_panel(pd.DataFrame(columns=list(BASE)))
    assert panel.empty and list(panel.columns) == list(PANEL_COLUMNS)


def test_streamed_input_gives_the_same_panel_as_the_full_table() -> None:
    # The CLI keeps only PanelInput while streaming; the dashboard passes its whole frame.
    rows = [row for _, rows, _ in SINGLE_ROW_CASES for row in rows]
    gathered = PanelInput()
    gathered.add(rows[:10])
    gathered.add(rows[10:])
    pd.testing.assert_frame_equal(build_panel(gathered.frame()), panel_of(rows))


def test_panel_rows_are_plain_values_with_none_for_no_year() -> None:
    rows = panel_rows(panel_of([claim(year=None)]))
    assert rows[0]["year"] is None and type(rows[0]["n_claims"]) is int


# ------------------------------------------------------------------------- CLI

SENTENCE = "2023年，北京市地区生产总值达到43760.7亿元。"


@pytest.fixture
def two_docs(tmp_path: Path) -> list[Path]:
    """Two documents stating the same figure, in different words."""
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(SENTENCE, encoding="utf-8")
    second.write_text("据统计，" + SENTENCE, encoding="utf-8")
    return [first, second]


def read_panel(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.DataFrame([json.loads(line) for line in path.read_text("utf-8").splitlines()])


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_cli_writes_the_panel(two_docs: list[Path], tmp_path: Path, suffix: str) -> None:
    out, panel_path = tmp_path / "claims.csv", tmp_path / f"panel{suffix}"
    assert main([*map(str, two_docs), "-o", str(out), "--panel", str(panel_path)]) == 0
    panel = read_panel(panel_path)
    assert list(panel.columns) == list(PANEL_COLUMNS)
    claims = pd.read_csv(out, encoding="utf-8-sig")
    assert panel["n_claims"].sum() == len(claims)
    shared = panel[(panel["value"] - 4.37607e12).abs() < 1]
    assert len(shared) == 1
    row = shared.iloc[0]
    assert (row["region"], int(row["year"])) == ("北京市", 2023)
    assert (row["n_claims"], row["n_docs"]) == (2, 2)
    assert not row["conflict"]
    assert sorted(i.split(":")[0] for i in row["claim_ids"].split(";")) == ["a.txt", "b.txt"]


def test_cli_rejects_a_bad_panel_extension_before_reading(two_docs: list[Path], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "claims.csv"
    with pytest.raises(SystemExit) as exit_info:
        main([*map(str, two_docs), "-o", str(out), "--panel", str(tmp_path / "panel.xlsx")])
    assert exit_info.value.code == 2
    assert "--panel must end in one of" in capsys.readouterr().err
    assert not out.exists()
