"""One bad document never costs the run; outputs are whole or absent; files are safe to open."""

from __future__ import annotations

import codecs
import csv
import json
import os
from pathlib import Path

import opencc
import pandas as pd
import pytest

from dashboard import data
from extract import COLUMNS, cli, extract_text
from extract import read as reader
from extract import write as writers
from extract.read import ReadError, decode
from extract.segment import MAX_SENTENCE, split_sentences
from extract.write import CLAIMS_SCHEMA, formula_safe, open_writer


def to_traditional(text: str) -> str:
    return opencc.OpenCC("s2t").convert(text)

GOOD = "2022年天津市常住人口1363万人。"


def _folder(tmp_path: Path, *texts: str) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for index, text in enumerate(texts):
        (folder / f"{index}.txt").write_text(text, encoding="utf-8")
    return folder


def test_numbers_beyond_a_float_are_no_claims() -> None:
    text = "共有" + "1" * 400 + "个企业," + "一" * 400 + "家,1" + "0" * 305 + "万元。"
    assert extract_text(text, "t.txt") == []


def test_a_failing_document_is_skipped_and_the_rest_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    folder = _folder(tmp_path, GOOD, "坏文档 2022年产值100亿元。", GOOD)
    real = cli.extract_text

    def flaky(text: str, name: str, date=None):
        if text.startswith("坏文档"):
            raise RuntimeError("boom")
        return real(text, name, date)

    monkeypatch.setattr(cli, "extract_text", flaky)
    out = tmp_path / "claims.jsonl"
    assert cli.main([str(folder), "-o", str(out)]) == 1
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted({r["doc"] for r in rows}) == ["0.txt", "2.txt"]
    err = capsys.readouterr().err
    assert "skipped" in err and "1.txt" in err and "boom" in err


def test_an_interrupted_run_keeps_the_old_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path, GOOD, GOOD)
    out = tmp_path / "claims.csv"
    out.write_text("old table\n", encoding="utf-8")
    calls = iter([None, KeyboardInterrupt()])

    def interrupted(text: str, name: str, date=None):
        if (error := next(calls)) is not None:
            raise error
        return extract_text(text, name, date)

    monkeypatch.setattr(cli, "extract_text", interrupted)
    assert cli.main([str(folder), "-o", str(out)]) == cli.INTERRUPTED  # no traceback
    assert out.read_text(encoding="utf-8") == "old table\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv", "docs"]


def test_output_into_a_missing_folder_fails_before_work(tmp_path: Path) -> None:
    folder = _folder(tmp_path, GOOD)
    with pytest.raises(SystemExit) as exit_info:
        cli.main([str(folder), "-o", str(tmp_path / "missing" / "claims.csv")])
    assert exit_info.value.code == 2


def test_formula_cells_are_made_inert() -> None:
    assert formula_safe("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert formula_safe("-据统计") == "'-据统计"
    assert formula_safe(-3.2) == -3.2 and formula_safe("地区生产总值") == "地区生产总值"


def test_cli_csv_and_dashboard_download_neutralise_formulas(tmp_path: Path) -> None:
    rows = extract_text("=据统计,天津市地区生产总值达1.6万亿元,下降2.5%。", "@x.txt")
    assert rows
    out = tmp_path / "claims.csv"
    writer = open_writer(out, CLAIMS_SCHEMA)
    writer.write(rows)
    writer.close()
    written = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert {r["doc"] for r in written} == {"'@x.txt"}
    assert all(r["sentence"].startswith("'=") for r in written)
    # The dashboard on a table holding the raw values (Parquet keeps them as they are).
    pd.DataFrame(rows, columns=list(COLUMNS)).to_parquet(tmp_path / "rows.parquet")
    table = data.with_facts(data.Scope(data.load_source(tmp_path / "rows.parquet")))
    assert set(table.select("doc")["doc"]) == {"@x.txt"}
    downloaded = data.to_csv_bytes(table).decode("utf-8-sig")
    assert "'@x.txt" in downloaded and "\n@x.txt" not in downloaded


@pytest.mark.parametrize("text", [
    "全市地区生产总值1300亿元,同比增长5.2%。详见http://example.com/2024/0312.html",
    "电话:022-23456789,全市地区生产总值1300亿元,同比增长5.2%",  # one line, no full stop
    "地址:天津市河西区友谊路27号  全市地区生产总值1300亿元,同比增长5.2%",  # a column gap
    "http://example.com/2024/0312.html全市地区生产总值1300亿元,同比增长5.2%",  # address ends
])
def test_a_metadata_field_drops_only_its_own_numbers(text: str) -> None:
    rows = extract_text(text, "t.txt")
    assert [r["quote"] for r in rows] == ["1300亿元", "5.2%"]


def test_numbers_inside_a_metadata_field_are_no_claims() -> None:
    assert extract_text("本刊定价:25.00元 出版许可证号:京字123号", "t.txt") == []


def test_a_window_cut_inside_a_number_keeps_the_quote_in_its_sentence() -> None:
    text = "10,000千万" + "0" * 1200  # found by tests/extractor/test_properties.py
    rows = extract_text(text, "t.txt")
    assert rows and all(r["quote"] in r["sentence"] for r in rows)


def test_a_jsonl_row_stays_one_line_whatever_its_text(tmp_path: Path) -> None:
    rows = extract_text("0万\x85全市常住人口1363万人\u2028。", "t.txt")  # NEL, LINE SEPARATOR
    out = tmp_path / "claims.jsonl"
    writer = open_writer(out, CLAIMS_SCHEMA)
    writer.write(rows)
    writer.close()
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == rows


CHINESE = "2022年天津市常住人口1363万人,地区生产总值达到一万六千亿元,同比增长百分之一。"


@pytest.mark.parametrize(("data", "encoding"), [
    (CHINESE.encode("utf-16"), "UTF-16"),                      # Windows Notepad
    (codecs.BOM_UTF16_BE + CHINESE.encode("utf-16-be"), "UTF-16"),
    (CHINESE.encode("utf-32"), "UTF-32"),
    (codecs.BOM_UTF8 + CHINESE.encode("utf-8"), "UTF-8"),
    (CHINESE.encode("gb18030"), "GB18030"),
    (to_traditional(CHINESE).encode("big5"), "BIG5"),          # never read as GB18030 mojibake
])
def test_every_encoding_a_user_brings(data: bytes, encoding: str) -> None:
    decoded = decode(data)
    assert decoded.encoding == encoding
    assert "1363" in decoded.text and decoded.warnings == ()


def test_a_cut_utf8_tail_is_replaced_with_a_warning() -> None:
    decoded = decode(CHINESE.encode("utf-8")[:-2])
    assert decoded.text.startswith(CHINESE[:-1]) and decoded.text.endswith("\ufffd")
    assert "ends inside a UTF-8 character" in decoded.warnings[0]


def test_nul_bytes_are_removed_and_reported() -> None:
    data = ("说明。" * 2000 + "全市产值1300亿元。").encode("utf-8").replace(b"13", b"1\x003")
    decoded = decode(data)
    assert "1300亿元" in decoded.text and "NUL" in decoded.warnings[0]


@pytest.mark.parametrize("data", [
    bytes(range(128, 256)) * 40,                               # random high bytes
    b"\x00\x01\x02\x03" * 500 + "中文".encode(),                 # binary
])
def test_no_plausible_decoding_is_refused(data: bytes) -> None:
    with pytest.raises(ReadError):
        decode(data)


def test_fifos_and_dangling_links_are_skipped_with_a_message(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    folder = _folder(tmp_path, GOOD)
    os.mkfifo(folder / "pipe.txt")
    (folder / "link.txt").symlink_to(folder / "gone.txt")
    assert cli.main([str(folder), "-o", str(tmp_path / "out.csv")]) == 1  # never blocks
    err = capsys.readouterr().err
    assert "pipe.txt: not a regular file" in err and "link.txt: no such file" in err


def test_a_gbk_manifest_gives_its_dates(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "今年全市常住人口1363万人。")
    (folder / "manifest.csv").write_bytes("doc,date,标题\n0.txt,2021-06-01,天津统计公报\n"
                                          .encode("gbk"))
    out = tmp_path / "out.jsonl"
    assert cli.main([str(folder), "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["year"] == 2021


def test_an_unreadable_manifest_stops_the_run_before_work(tmp_path: Path) -> None:
    folder = _folder(tmp_path, GOOD)
    (folder / "manifest.csv").write_bytes(bytes(range(128, 256)) * 20)
    assert cli.main([str(folder), "-o", str(tmp_path / "out.csv")]) == 2
    assert not (tmp_path / "out.csv").exists()


def test_a_line_without_marks_is_read_in_bounded_windows() -> None:
    line = "天津市北辰区田庄村产值12亿元增长5% " * 400
    sentences = split_sentences(line)
    assert max(e - s for s, e in zip(sentences.starts, sentences.ends, strict=True)) <= \
        MAX_SENTENCE
    assert sentences.starts[0] == 0 and sentences.ends[-1] == len(line)
    assert len(extract_text(line, "long.txt")) == 800


def test_a_large_file_is_extracted_in_parts_with_whole_text_offsets(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paragraph = "2022年天津市常住人口1363万人,地区生产总值1.6万亿元,同比增长1%。\n\n"
    path = tmp_path / "big.txt"
    path.write_text(paragraph * 300, encoding="utf-8")
    monkeypatch.setattr(cli, "PART_BYTES", 1000)
    monkeypatch.setattr(reader, "_PART_CHARS", 2000)
    out = tmp_path / "big.jsonl"
    assert cli.main([str(path), "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    text = path.read_text(encoding="utf-8")
    assert len(rows) == 900
    assert all(text[r["start"]:r["end"]] == r["quote"] for r in rows)
    assert len(list(reader.read_parts(path)[2])) > 5  # it really was read in parts


def test_the_same_file_name_in_two_folders_takes_its_own_folders_date(tmp_path: Path) -> None:
    for folder, date in (("a", "2020-05-01"), ("b", "2023-05-01")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text("今年全市常住人口1363万人。",
                                                      encoding="utf-8")
        (tmp_path / folder / "manifest.csv").write_text(f"doc,date\nreport.txt,{date}\n",
                                                        encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert cli.main([str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["doc"], r["year"]) for r in rows] == [("a/report.txt", 2020), ("b/report.txt", 2023)]


def test_colliding_names_are_paths_relative_to_the_folder_given(tmp_path: Path) -> None:
    for folder in ("2020", "2023", "2023/county"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text("今年全市常住人口1363万人。",
                                                      encoding="utf-8")
    (tmp_path / "2023" / "unique.txt").write_text("全市常住人口1363万人。", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("doc,date\n2020/report.txt,2020-05-01\n"
                                           "2023/county/report.txt,2023-05-01\n",
                                           encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert cli.main([str(tmp_path), "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["doc"]: r["doc_date"] for r in rows} == {
        "2020/report.txt": "2020-05-01", "2023/county/report.txt": "2023-05-01",
        "2023/report.txt": "", "unique.txt": ""}
    dates, files = data.document_files([tmp_path])  # the dashboard names them alike
    assert set(files) == {r["doc"] for r in rows}
    assert dates == {"2020/report.txt": "2020-05-01", "2023/county/report.txt": "2023-05-01"}


def test_a_gbk_file_name_is_read_and_written(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/" + "天津统计公报.txt".encode("gbk")
    with open(raw, "wb") as handle:
        handle.write(GOOD.encode("utf-8"))
    out = tmp_path / "out.jsonl"
    assert cli.main([str(tmp_path), "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["doc"] == "天津统计公报.txt"


def test_a_full_disk_stops_the_run_and_keeps_the_old_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    folder = _folder(tmp_path, GOOD, GOOD)
    out = tmp_path / "claims.csv"
    out.write_text("old table\n", encoding="utf-8")

    def no_space(self, rows):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writers._CsvWriter, "write", no_space)
    assert cli.main([str(folder), "-o", str(out)]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "old table\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv", "docs"]
