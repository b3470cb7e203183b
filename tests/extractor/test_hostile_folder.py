"""A folder of hostile files mixed with good ones, through the CLI with one and two workers.

Each bad file is named with its reason, the good ones give exactly the claims
of a clean run, another encoding of a seed gives the seed's claims, and no
cell of the output is a formula or a non-finite number.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import random
from pathlib import Path

import opencc
import pytest

from extract import cli

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED = (SEEDS / "000_726998463828dfee.txt").read_text(encoding="utf-8")
# Big5 has no simplified characters: a Taiwan-standard copy of a seed that Big5 can hold.
TAIWAN = opencc.OpenCC("s2tw").convert((SEEDS / "004_458c67497d154d73.txt").read_text("utf-8"))
FORMULA_CELL = "=+-@\t\r"


def _hostile_folder(root: Path) -> Path:
    folder = root / "hostile"
    folder.mkdir()
    (folder / "seed.txt").write_text(SEED, encoding="utf-8")
    (folder / "seed_utf16.txt").write_bytes(SEED.encode("utf-16"))  # Notepad's "Unicode"
    (folder / "seed_gb18030.txt").write_bytes(SEED.encode("gb18030"))
    (folder / "taiwan.txt").write_text(TAIWAN, encoding="utf-8")
    (folder / "taiwan_big5.txt").write_bytes(TAIWAN.encode("big5"))
    (folder / "binary.txt").write_bytes(random.Random(7).randbytes(60_000))
    os.mkfifo(folder / "fifo.txt")
    (folder / "dangling.txt").symlink_to(folder / "gone.txt")
    (folder / "=cmd.txt").write_text("=HYPERLINK(\"http://x\")天津市地区生产总值1.6万亿元。",
                                     encoding="utf-8")
    (folder / "huge_numbers.txt").write_text(
        "共有" + "1" * 400 + "个企业," + "九" * 400 + "家,1" + "0" * 305 + "万元。"
        "全市常住人口1363万人。", encoding="utf-8")
    (folder / "nul.txt").write_bytes(b"x" * 5000 + "\x00全市地区生产总值1300亿元。".encode())
    (folder / "cut_tail.txt").write_bytes("全市常住人口1363万人。完".encode()[:-1])
    return folder


def _claims(out: Path) -> list[dict]:
    return [json.loads(line, parse_constant=_refuse)
            for line in out.read_text(encoding="utf-8").splitlines()]


def _refuse(constant: str) -> None:
    raise AssertionError(f"{constant} is not JSON")


def _without_doc(rows: list[dict]) -> list[tuple]:
    return [tuple(v for k, v in row.items() if k != "doc") for row in rows]


def _clean_run(tmp_path: Path, name: str, text: str) -> list[dict]:
    folder = tmp_path / f"clean_{name}"
    folder.mkdir()
    (folder / "doc.txt").write_text(text, encoding="utf-8")
    out = tmp_path / f"clean_{name}.jsonl"
    assert cli.main([str(folder), "-o", str(out)]) == 0
    return _claims(out)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_hostile_folder(tmp_path: Path, jobs: str, capsys: pytest.CaptureFixture) -> None:
    folder = _hostile_folder(tmp_path)
    seed_rows, taiwan_rows = _clean_run(tmp_path, "seed", SEED), _clean_run(tmp_path, "tw", TAIWAN)
    capsys.readouterr()
    out, table = tmp_path / "claims.jsonl", tmp_path / "claims.csv"
    assert cli.main([str(folder), "-o", str(out), "--jobs", jobs]) == 1  # some skipped
    assert cli.main([str(folder), "-o", str(table), "--jobs", jobs]) == 1
    err = capsys.readouterr().err

    skipped = {line.split(": ")[1].split("/")[-1] for line in err.splitlines()
               if line.startswith("extract: skipped")}
    assert skipped == {"binary.txt", "fifo.txt", "dangling.txt"}
    assert "FIFO" in err and "dangling link" in err
    assert "seed_gb18030.txt: read as GB18030" in err and "taiwan_big5.txt: read as BIG5" in err
    assert "nul.txt: removed 1 control character (NUL or similar)" in err
    assert "cut_tail.txt: the file ends inside a UTF-8 character" in err

    rows = _claims(out)
    by_doc: dict[str, list[dict]] = {}
    for row in rows:
        by_doc.setdefault(row["doc"], []).append(row)
    for copy in ("seed.txt", "seed_utf16.txt", "seed_gb18030.txt"):
        assert _without_doc(by_doc[copy]) == _without_doc(seed_rows), copy
    for copy in ("taiwan.txt", "taiwan_big5.txt"):
        assert _without_doc(by_doc[copy]) == _without_doc(taiwan_rows), copy
    assert [r["quote"] for r in by_doc["huge_numbers.txt"]] == ["1363万人"]
    assert [r["quote"] for r in by_doc["nul.txt"]] == ["1300亿元"]
    assert [r["quote"] for r in by_doc["cut_tail.txt"]] == ["1363万人"]

    with table.open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for line in csv.reader(handle) for cell in line]
    assert len(cells) > 1000
    for cell in cells:
        if cell[:1] in tuple(FORMULA_CELL):
            float(cell)  # only a plain number may start so
        assert cell.lower() not in {"inf", "-inf", "nan", "infinity"}
    assert "'=cmd.txt" in cells


def test_the_encoding_is_only_mentioned_when_not_utf8(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(SEED, encoding="utf-8")
    (folder / "b.txt").write_bytes(codecs.BOM_UTF16_BE + SEED.encode("utf-16-be"))
    assert cli.main([str(folder), "-o", str(tmp_path / "out.csv")]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if "read as" in line]
    assert len(notes) == 1 and notes[0].endswith("b.txt: read as UTF-16")
