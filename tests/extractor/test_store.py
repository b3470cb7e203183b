"""The DuckDB store: same claims as a table run, incremental, whole documents after a kill."""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from extract import cli

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"


def _rows(path: Path) -> list[tuple]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sorted(tuple(row) for row in csv.reader(handle))


def _export(store: Path, out: Path, *options: str) -> list[tuple]:
    assert cli.main(["export", str(store), "-o", str(out), *options]) == 0
    return _rows(out)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Documents of 30 seed paragraphs each: enough for a run that lasts several seconds."""
    paragraphs = [line for path in sorted(SEEDS.glob("*.txt"))
                  for line in path.read_text(encoding="utf-8").splitlines() if len(line) > 30]
    pick = random.Random(5)
    folder = tmp_path_factory.mktemp("corpus") / "corpus"
    folder.mkdir()
    for index in range(1500):
        (folder / f"d{index:04d}.txt").write_text("\n".join(pick.sample(paragraphs, 30)),
                                                  encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    out = tmp_path_factory.mktemp("reference") / "claims.csv"
    assert cli.main([str(corpus), "-o", str(out), "--jobs", "2"]) == 0
    return _rows(out)


def test_a_store_holds_what_a_table_run_writes(tmp_path: Path) -> None:
    store = tmp_path / "corpus.duckdb"
    assert cli.main([str(SEEDS), "-o", str(store), "--panel", str(tmp_path / "p.csv")]) == 0
    assert cli.main([str(SEEDS), "-o", str(tmp_path / "c.csv"),
                     "--panel", str(tmp_path / "panel.csv")]) == 0
    assert _export(store, tmp_path / "e.csv") == _rows(tmp_path / "c.csv")
    assert _rows(tmp_path / "p.csv") == _rows(tmp_path / "panel.csv")
    assert _export(store, tmp_path / "i.csv", "--table", "indicators") == _rows(
        tmp_path / "panel.csv")
    tianjin = _export(store, tmp_path / "t.csv", "--region", "天津市", "--year", "2020-2023")
    assert len(tianjin) > 5 and all(row[9] == "天津市" for row in tianjin[:-1])


def test_only_new_and_changed_documents_are_extracted(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.txt").write_text(f"2023年{name}县常住人口12万人。", encoding="utf-8")
    store = tmp_path / "s.duckdb"
    assert cli.main([str(folder), "-o", str(store)]) == 0
    (folder / "b.txt").write_text("2023年b县常住人口15万人,地区生产总值100亿元。", encoding="utf-8")
    (folder / "c.txt").unlink()
    (folder / "d.txt").write_text("2023年d县常住人口9万人。", encoding="utf-8")
    capsys.readouterr()
    assert cli.main([str(folder), "-o", str(store)]) == 0
    err = capsys.readouterr().err
    assert "2 documents extracted, 1 unchanged" in err
    assert "1 documents in the store are gone" in err
    claims = _export(store, tmp_path / "e.csv")
    assert sorted((row[0], row[3]) for row in claims[:-1]) == [
        ("a.txt", "12万人"), ("b.txt", "100亿元"), ("b.txt", "15万人"), ("c.txt", "12万人"),
        ("d.txt", "9万人")]
    assert cli.main([str(folder), "-o", str(store), "--prune"]) == 0
    assert "c.txt" not in {row[0] for row in _export(store, tmp_path / "e.csv")}
    assert "0 documents extracted, 3 unchanged" in capsys.readouterr().err


def _start(corpus: Path, store: Path, jobs: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "extract", str(corpus), "-o", str(store),
                             "--jobs", jobs, "--progress-every", "0.5"],
                            cwd=ROOT, stderr=subprocess.PIPE, text=True)


def _wait_for_progress(run: subprocess.Popen) -> None:
    """Block until the run has worked for two seconds (a batch is committed each second)."""
    assert run.stderr is not None
    for _ in range(4):
        line = run.stderr.readline()
        assert "files (" in line, line


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _whole_documents(store: Path, reference: list[tuple]) -> int:
    """Every document in the store has exactly the claims a clean run gives it."""
    with duckdb.connect(str(store), read_only=True) as db:
        docs = db.execute("SELECT name, n_claims FROM documents WHERE status = 'ok'").fetchall()
        held = db.execute("SELECT doc, count(*) FROM claims GROUP BY doc").fetchall()
    expected: dict[str, int] = {}
    for row in reference[:-1]:  # the header sorts last
        expected[row[0]] = expected.get(row[0], 0) + 1
    assert dict(held) == {name: n for name, n in docs if n}
    assert all(expected.get(name, 0) == n for name, n in docs)
    return len(docs)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_sigterm_stops_cleanly_and_sigkill_keeps_whole_documents(
        corpus: Path, reference: list[tuple], tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    run = _start(corpus, store, "2")
    _wait_for_progress(run)
    workers = _children(run.pid)
    assert len(workers) >= 2
    run.send_signal(signal.SIGTERM)
    assert run.wait(timeout=60) == cli.INTERRUPTED
    err = run.stderr.read() if run.stderr else ""
    assert "interrupted;" in err and "Traceback" not in err
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers), "workers were left running"
    after_term = _whole_documents(store, reference)
    assert 0 < after_term < 1500

    run = _start(corpus, store, "1")
    _wait_for_progress(run)
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=60)
    after_kill = _whole_documents(store, reference)
    assert after_term < after_kill < 1500

    assert cli.main([str(corpus), "-o", str(store), "--jobs", "2"]) == 0  # resumes
    assert _whole_documents(store, reference) == 1500
    assert _export(store, tmp_path / "all.csv") == reference


def test_a_new_extractor_version_extracts_everything_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    from extract import store as stores

    store = tmp_path / "s.duckdb"
    assert cli.main([str(SEEDS), "-o", str(store)]) == 0
    before = _export(store, tmp_path / "before.csv")
    monkeypatch.setattr(stores, "extractor_version", lambda: "a-newer-lexicon")
    capsys.readouterr()
    assert cli.main([str(SEEDS), "-o", str(store)]) == 0
    assert "5 documents extracted, 0 unchanged" in capsys.readouterr().err
    assert _export(store, tmp_path / "after.csv") == before  # replaced, not added twice


def test_bad_files_are_recorded_with_their_reason(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.txt").write_text("2023年全市常住人口1363万人。", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 100)
    os.mkfifo(folder / "fifo.txt")  # hashing it must not block
    store = tmp_path / "s.duckdb"
    assert cli.main([str(folder), "-o", str(store)]) == 1
    with duckdb.connect(str(store), read_only=True) as db:
        rows = db.execute("SELECT name, status, error, n_claims FROM documents "
                          "ORDER BY name").fetchall()
    assert [(n, s, c) for n, s, _, c in rows] == [
        ("binary.txt", "skipped", 0), ("fifo.txt", "skipped", 0), ("good.txt", "ok", 1)]
    assert "FIFO" in rows[1][2] and rows[0][2].startswith("not text")


def test_dask_local_cluster_gives_the_same_store(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    one, dask = tmp_path / "one.duckdb", tmp_path / "dask.duckdb"
    assert cli.main([str(SEEDS), "-o", str(one), "--jobs", "1"]) == 0
    assert cli.main([str(SEEDS), "-o", str(dask), "--scheduler", "local", "--jobs", "2"]) == 0
    assert _export(dask, tmp_path / "d.csv") == _export(one, tmp_path / "o.csv")
    assert (_export(dask, tmp_path / "di.csv", "--table", "indicators")
            == _export(one, tmp_path / "oi.csv", "--table", "indicators"))


def test_folders_of_one_name_and_files_named_twice(tmp_path: Path) -> None:
    for year in ("2023", "2024"):
        (tmp_path / year / "txt").mkdir(parents=True)
        (tmp_path / year / "txt" / "a.txt").write_text(f"{year}年全市常住人口1363万人。",
                                                       encoding="utf-8")
    store = tmp_path / "s.duckdb"
    folders = [str(tmp_path / "2023" / "txt"), str(tmp_path / "2024" / "txt")]
    for _ in range(2):  # the second run must keep both, not swap one for the other
        assert cli.main([*folders, folders[0] + "/a.txt", "-o", str(store)]) == 0
    with duckdb.connect(str(store), read_only=True) as db:
        assert db.execute("SELECT count(*) FROM documents").fetchone() == (2,)
        assert db.execute("SELECT count(*) FROM claims").fetchone() == (2,)


def test_a_skipped_file_is_reported_again_and_nothing_readable_is_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 100)
    store = tmp_path / "s.duckdb"
    assert cli.main([str(folder), "-o", str(store)]) == 2
    capsys.readouterr()
    assert cli.main([str(folder), "-o", str(store)]) == 2
    assert "skipped" in capsys.readouterr().err


def test_files_of_one_name_from_separate_runs_stay_apart(tmp_path: Path) -> None:
    for folder, people in (("a", 12), ("b", 15)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text(f"2023年某县常住人口{people}万人。",
                                                      encoding="utf-8")
    store = tmp_path / "s.duckdb"
    assert cli.main([str(tmp_path / "a"), "-o", str(store)]) == 0
    assert cli.main([str(tmp_path / "b"), "-o", str(store)]) == 0
    with duckdb.connect(str(store), read_only=True) as db:
        docs = dict(db.execute("SELECT doc, max(value) FROM claims GROUP BY doc").fetchall())
    # The first keeps its name; the second, whose name was taken, goes by its key.
    assert docs == {"report.txt": 120000.0, "b/report.txt": 150000.0}
    # Run again: nothing changes, each keeps the name it has.
    assert cli.main([str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(store)]) == 0
    with duckdb.connect(str(store), read_only=True) as db:
        names = sorted(r[0] for r in db.execute("SELECT name FROM documents").fetchall())
    assert names == ["b/report.txt", "report.txt"]


def test_a_store_made_before_a_column_existed_takes_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    from extract import store as stores

    store = tmp_path / "s.duckdb"
    assert cli.main([str(SEEDS), "-o", str(store)]) == 0
    with duckdb.connect(str(store)) as db:  # as an older extractor left it
        db.execute('ALTER TABLE claims DROP COLUMN "parent_code"')
    monkeypatch.setattr(stores, "extractor_version", lambda: "a-newer-lexicon")
    assert cli.main([str(SEEDS), "-o", str(store)]) == 0
    with duckdb.connect(str(store)) as db:
        villages = db.execute("SELECT DISTINCT parent_code FROM claims "
                              "WHERE region = '田庄村'").fetchall()
    assert villages == [("120113",)]  # 北辰区
