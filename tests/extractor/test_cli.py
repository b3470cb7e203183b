"""The command line as other tools call it: python -m extract PATH ... -o OUT."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

GOOD = "2022年天津市常住人口1363万人,森林覆盖率达12.6%。"


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "extract", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    (folder / "sub" / "bom.txt").write_bytes("\ufeff".encode() + GOOD.encode())
    (folder / "gbk.txt").write_bytes("今年江津区地区生产总值达1200亿元。".encode("gbk"))
    return folder


def test_folder_recursive_with_bom_and_gbk(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "claims.csv"
    result = run(corpus, "-o", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert set(table["doc"]) == {"a.txt", "bom.txt", "gbk.txt"}
    bom = table[table["doc"] == "bom.txt"]
    assert bom["start"].min() == GOOD.index("1363万人")  # BOM stripped before offsets
    assert 1.2e11 in set(table["value"])


def test_bad_files_are_reported_and_skipped(corpus: Path, tmp_path: Path) -> None:
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 4)
    out = tmp_path / "claims.jsonl"
    result = run(corpus, tmp_path / "missing.txt", "-o", out, cwd=tmp_path)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("extract: skipped")]
    assert len(errors) == 3
    assert any("empty.txt: empty file" in e for e in errors)
    assert any("binary.txt" in e and "binary" in e for e in errors)
    assert any("missing.txt: no such file" in e for e in errors)
    docs = {json.loads(line)["doc"] for line in out.read_text(encoding="utf-8").splitlines()}
    assert docs == {"a.txt", "bom.txt", "gbk.txt"}


def test_nothing_readable_exits_2(tmp_path: Path) -> None:
    result = run(tmp_path / "nope.txt", "-o", tmp_path / "o.csv", cwd=tmp_path)
    assert result.returncode == 2
    assert not (tmp_path / "o.csv").exists()


def test_bad_arguments_exit_2(tmp_path: Path, corpus: Path) -> None:
    assert run(corpus, "-o", tmp_path / "o.xlsx", cwd=tmp_path).returncode == 2
    assert run(corpus, cwd=tmp_path).returncode == 2
    bad_date = run(corpus, "-o", tmp_path / "o.csv", "--date", "yesterday", cwd=tmp_path)
    assert bad_date.returncode == 2


def test_parquet_and_date_sources(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "x.txt").write_text("今年天津市引进人才3000人。", encoding="utf-8")
    (folder / "manifest.csv").write_text("doc,date\nx.txt,2021-12-29\n", encoding="utf-8")
    out = tmp_path / "c.parquet"
    assert run(folder, "-o", out, cwd=tmp_path).returncode == 0
    assert pd.read_parquet(out)["year"].tolist() == [2021]
    assert run(folder, "-o", out, "--date", "2019-05-01", cwd=tmp_path).returncode == 0
    assert pd.read_parquet(out)["year"].tolist() == [2019]


def test_parallel_jobs_give_the_same_rows(corpus: Path, tmp_path: Path) -> None:
    for i in range(12):
        (corpus / f"copy{i}.txt").write_text(GOOD, encoding="utf-8")
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert run(corpus, "-o", one, cwd=tmp_path).returncode == 0
    assert run(corpus, "-o", two, "--jobs", "2", cwd=tmp_path).returncode == 0
    assert one.read_bytes() == two.read_bytes()
