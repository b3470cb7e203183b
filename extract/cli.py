"""Command line.

    python -m extract PATH [PATH ...] -o OUT [--panel P] [--date D] [--jobs N] [--prune]
    python -m extract export STORE -o OUT [--table claims|indicators] [--region R] ...

OUT is a table (.csv, .parquet, .jsonl) written whole, or a store (.duckdb)
added to and updated: only new or changed documents are extracted, each
committed on its own, so a killed run keeps what it finished.

Exit status: 0 when every file was read, 1 when some were skipped (each
reported on stderr in one line), 2 when nothing could be read or the
arguments are wrong, 130 when interrupted (SIGINT or SIGTERM).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import multiprocessing
import os
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import FrameType
from typing import Any

import duckdb
from tqdm import tqdm

from .panel import PanelInput, build_panel, panel_rows
from .pipeline import extract_text
from .read import (
    PART_BYTES,
    ReadError,
    document_names,
    iter_text_files,
    load_manifests,
    parse_date,
    read_bytes,
    read_document,
    read_parts,
)
from .store import (
    FILTERS,
    STORE_SUFFIXES,
    Source,
    Store,
    StoreError,
    content_hash,
    document_key,
    folder_key,
    is_store,
    read_rows,
)
from .write import FORMATS, PANEL_SCHEMA, open_writer, write_table

_CHUNK = 8  # documents per task sent to a worker process
_IN_FLIGHT = 4  # tasks queued per worker: enough to keep it busy, never the whole list
INTERRUPTED = 130


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    outputs = ", ".join((*FORMATS, *STORE_SUFFIXES))
    parser = argparse.ArgumentParser(
        prog="python -m extract",
        description="Extract every numeric claim about a place from Chinese text files.",
        epilog="python -m extract export STORE -o OUT writes a store's table out.")
    parser.add_argument("paths", nargs="+", type=Path, help=".txt files or folders (recursive)")
    parser.add_argument("-o", "--output", required=True, type=Path,
                        help=f"output table or store: {outputs}")
    parser.add_argument("--panel", type=Path,
                        help="also write the indicator table (one row per region, year and "
                             f"measure): {', '.join(FORMATS)}")
    parser.add_argument("--date", type=parse_date,
                        help="document date (YYYY-MM-DD) for 今年/去年; "
                             "beats manifest.csv and the date in the text")
    parser.add_argument("--jobs", type=int, default=1,
                        help="worker processes (default 1; 0 = one per core)")
    parser.add_argument("--progress-every", type=float, default=5.0, metavar="SECONDS",
                        help="when stderr is not a terminal, a progress line this often "
                             "(default 5)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="with a store: run on Dask, at a scheduler (tcp://host:8786) "
                             "or 'local' for a cluster of --jobs workers on this machine")
    parser.add_argument("--prune", action="store_true",
                        help="with a store: drop documents whose files are gone")
    args = parser.parse_args(argv)
    if args.output.suffix.lower() not in (*FORMATS, *STORE_SUFFIXES):
        parser.error(f"output must end in one of {outputs}: {args.output}")
    if args.panel is not None and args.panel.suffix.lower() not in FORMATS:
        parser.error(f"--panel must end in one of {', '.join(FORMATS)}: {args.panel}")
    if args.panel is not None and args.panel.resolve() == args.output.resolve():
        parser.error(f"--panel must not overwrite the output: {args.panel}")
    for flag, given in (("--prune", args.prune), ("--scheduler", args.scheduler)):
        if given and not is_store(args.output):
            parser.error(f"{flag} needs a store output (.duckdb)")
    _check_folders(parser, args.output, args.panel)
    return args


def _check_folders(parser: argparse.ArgumentParser, *paths: Path | None) -> None:
    for path in paths:
        folder = path.parent if path is not None else None
        if folder is not None and not (folder.is_dir() and os.access(folder, os.W_OK)):
            parser.error(f"cannot write into {folder}: no such folder or not writable")


# ------------------------------------------------------------------ extraction

Task = tuple[Path, str, dt.date | None]  # file, its doc name, its date
# (path, rows or the reason it was skipped, decoder notes, encoding)
Result = tuple[str, list[dict[str, Any]] | str, tuple[str, ...], str]


def _extract_file(task: Task, data: bytes | None = None) -> Result:
    """Read (or decode `data`, its bytes) and extract one file inside its own error boundary."""
    path, name, date = task
    try:
        document = read_document(path, date, name, data)
    except ReadError as err:
        return str(path), str(err), (), ""
    notes = (*_encoding_note(document.encoding), *document.warnings)
    try:
        rows = extract_text(document.text, document.name, document.date)
    except Exception as err:  # one bad document must not cost the run
        return (str(path), f"extraction failed ({type(err).__name__}: {err})", notes,
                document.encoding)
    return str(path), rows, notes, document.encoding


def _extract_batch(batch: list[Task]) -> list[Result]:
    return [_extract_file(task) for task in batch]


Shipped = tuple[Task, bytes | str]  # a file and its bytes, or why the client could not read it


def _extract_shipped(batch: list[Shipped]) -> list[Result]:
    """On a Dask worker: files whose bytes the client read and sent (no shared disk needed)."""
    return [_extract_file(task, data) if isinstance(data, bytes) else (str(task[0]), data, (), "")
            for task, data in batch]


def _encoding_note(encoding: str) -> tuple[str, ...]:
    """Say which encoding a file was read as, unless it is plain UTF-8."""
    return () if encoding == "UTF-8" else (f"read as {encoding}",)


def _extract_large(path: Path, name: str, date: dt.date | None) -> Iterator[Result]:
    """A file above PART_BYTES, extracted part by part so memory stays bounded.

    Offsets are shifted into the whole text; the date the first part implies
    (a dateline, an issue line) holds for the rest. The file's rows come out
    as several results under the same name.
    """
    try:
        encoding, warnings, parts = read_parts(path)
        warnings[:0] = _encoding_note(encoding)
        for part in parts:
            rows = extract_text(part.text, name, date)
            for row in rows:
                row["start"] += part.offset
                row["end"] += part.offset
            if date is None and rows and rows[0]["doc_date"]:
                date = dt.date.fromisoformat(rows[0]["doc_date"])
            yield str(path), rows, tuple(warnings), encoding
            warnings.clear()
    except ReadError as err:
        yield str(path), str(err), (), ""
    except Exception as err:  # one bad document must not cost the run
        yield str(path), f"extraction failed ({type(err).__name__}: {err})", (), ""


def _is_large(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size > PART_BYTES
    except OSError:
        return False


def _worker_start() -> None:
    """A worker leaves SIGINT to the main process, ends quietly on SIGTERM, and loads
    the lexicon once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    extract_text("全市常住人口1363万人。", "warm-up.txt")


def _batches(tasks: Iterator[Task]) -> Iterator[tuple[list[Task], Task | None]]:
    """Tasks in order as (batch of up to _CHUNK small files, None) or ([], a large file):
    small files go to workers in batches, a large one is extracted here in parts."""
    batch: list[Task] = []
    for task in tasks:
        if not _is_large(task[0]):
            batch.append(task)
            if len(batch) == _CHUNK:
                yield batch, None
                batch = []
            continue
        if batch:
            yield batch, None
            batch = []
        yield [], task
    if batch:
        yield batch, None


def _results(tasks: Iterator[Task], jobs: int) -> Iterator[Result]:
    """Results in task order: small files in batches to the workers, a few batches in
    flight at a time (the task list is read lazily), a large file in parts here."""
    workers = jobs or os.cpu_count() or 1
    pool = ProcessPoolExecutor(workers, initializer=_worker_start) if workers > 1 else None
    pending: deque[Future[list[Result]]] = deque()
    try:
        for batch, large in _batches(tasks):
            if large is not None:
                while pending:
                    yield from pending.popleft().result()
                yield from _extract_large(*large)
            elif pool is None:
                yield from _extract_batch(batch)
            else:
                pending.append(pool.submit(_extract_batch, batch))
                while len(pending) >= workers * _IN_FLIGHT:
                    yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    except BaseException:
        if pool is not None:  # interrupted or failed: stop the workers now, none left behind
            pool.shutdown(wait=False, cancel_futures=True)
            for child in multiprocessing.active_children():
                child.terminate()
        raise
    if pool is not None:
        pool.shutdown()


def _dask_results(tasks: Iterator[Task], scheduler: str, jobs: int) -> Iterator[Result]:
    """Results from a Dask cluster as batches finish (any order; each document's results
    together). The client reads each file and ships its bytes, a few batches per worker
    in flight; a large file is extracted here in parts, as with local workers."""
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = (LocalCluster(n_workers=jobs or os.cpu_count() or 1, threads_per_worker=1,
                            dashboard_address=None) if scheduler == "local" else None)
    client = Client(cluster if cluster is not None else scheduler)
    try:
        workers = max(len(client.scheduler_info()["workers"]), 1)
        large: list[Task] = []
        shipped = (_shipped(batch) for batch in _small_batches(tasks, large))
        running = as_completed()
        for batch in itertools.islice(shipped, workers * _IN_FLIGHT):
            running.add(client.submit(_extract_shipped, batch, pure=False))
        for future in running:
            yield from future.result()
            future.release()
            for batch in itertools.islice(shipped, 1):
                running.add(client.submit(_extract_shipped, batch, pure=False))
        for task in large:
            yield from _extract_large(*task)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _small_batches(tasks: Iterator[Task], large: list[Task]) -> Iterator[list[Task]]:
    """The batches of _batches; the large files are put in `large`, for the client."""
    for batch, big in _batches(tasks):
        if big is not None:
            large.append(big)
        else:
            yield batch


def _shipped(batch: list[Task]) -> list[Shipped]:
    """Each file of a batch with its bytes, or the reason the client could not read it."""
    out: list[Shipped] = []
    for task in batch:
        try:
            out.append((task, read_bytes(task[0])))
        except ReadError as err:
            out.append((task, str(err)))
    return out


def _stop_on_sigterm() -> None:
    """SIGTERM (timeout, schedulers) stops the run as Ctrl-C does: cleanly."""
    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, handler)


class Progress:
    """Documents done, characters per second and time left: a tqdm bar on a terminal,
    a line every few seconds in a log (where a redrawn bar would be noise)."""

    def __init__(self, total_files: int, total_bytes: int, every: float) -> None:
        self.total_files, self.total_bytes = total_files, total_bytes
        self.files = self.bytes = self.claims = 0
        self.started = self._shown = time.monotonic()
        self.every = every
        self._bar = (tqdm(total=total_files, unit="doc", desc="extract", file=sys.stderr,
                          dynamic_ncols=True, leave=False) if sys.stderr.isatty() else None)

    def advance(self, size: int, claims: int) -> None:
        self.files, self.bytes, self.claims = self.files + 1, self.bytes + size, \
            self.claims + claims
        if self._bar is not None:
            self._bar.set_postfix_str(f"{self.claims} claims, {self._rate() / 1e3:,.0f}k chars/s",
                                      refresh=False)
            self._bar.update()
        elif time.monotonic() - self._shown >= self.every:
            self._shown = time.monotonic()
            rate = self._rate()
            left = (self.total_bytes - self.bytes) / 3 / rate if rate else 0.0
            print(f"extract: {self.files}/{self.total_files} files "
                  f"({self.files / max(self.total_files, 1):.0%}), {self.claims} claims, "
                  f"{rate / 1e3:,.0f}k chars/s, {left:,.0f} s left", file=sys.stderr, flush=True)

    def _rate(self) -> float:
        """Characters per second so far (UTF-8 bytes / 3: Chinese text is 3 bytes a character)."""
        return self.bytes / 3 / max(time.monotonic() - self.started, 1e-9)

    def say(self, line: str) -> None:
        """A message that must not break the bar."""
        if self._bar is not None:
            self._bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _report(progress: Progress, name: str, result: list[dict[str, Any]] | str,
            notes: tuple[str, ...]) -> None:
    for note in notes:
        label = "" if note.startswith("read as") else "warning: "
        progress.say(f"extract: {label}{name}: {note}")
    if isinstance(result, str):
        progress.say(f"extract: skipped {name}: {result}")


# ------------------------------------------------------------------------ runs

def main(argv: list[str] | None = None) -> int:
    # A file name in another encoding (GBK bytes) is printed escaped, never a crash.
    if hasattr(sys.stderr, "reconfigure"):
        sys.stderr.reconfigure(errors="backslashreplace")
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["export"]:
        return export(argv[1:])
    args = _parse_args(argv)
    # A file named twice (seeds and seeds/000.txt, nested folders) is read once.
    files = list({os.path.abspath(f): f for f in iter_text_files(args.paths)}.values())
    if not files:
        print("extract: no .txt files found in the given paths", file=sys.stderr)
        return 2
    try:
        manifest = load_manifests(args.paths, files)
    except ReadError as err:
        print(f"extract: cannot read the manifest {err}", file=sys.stderr)
        return 2
    names = document_names(args.paths, files)
    tasks = [(f, names[f], args.date or manifest.get(f)) for f in files]
    _stop_on_sigterm()
    try:
        if is_store(args.output):
            return _into_store(args, tasks)
        return _into_table(args, tasks)
    except KeyboardInterrupt:
        return INTERRUPTED
    except BrokenProcessPool:  # a worker killed from outside (out of memory)
        print("extract: a worker process died; the run stopped (a store keeps the "
              "documents finished before)", file=sys.stderr)
        return 2


def _into_table(args: argparse.Namespace, tasks: list[Task]) -> int:
    """Extract every file into one table file, put in place only when complete."""
    sizes = {str(t[0]): _size(t[0]) for t in tasks}
    progress = Progress(len(tasks), sum(sizes.values()), args.progress_every)
    writer, read, skipped, last = None, 0, 0, None
    # The panel needs every claim, so keep only its fields while the rows stream out.
    panel_input = PanelInput() if args.panel is not None else None
    failed = True
    try:
        for name, result, notes, _ in _results(iter(tasks), args.jobs):
            _report(progress, name, result, notes)
            if isinstance(result, str):
                skipped += 1
                progress.advance(sizes.get(name, 0), 0)
                continue
            if writer is None:
                writer = open_writer(args.output)
            writer.write(result)
            if panel_input is not None:
                panel_input.add(result)
            if name != last:  # a large file's parts count once
                read, last = read + 1, name
                progress.advance(sizes.get(name, 0), len(result))
            else:
                progress.claims += len(result)
        if writer is not None:
            writer.close()
        failed = False
    except OSError as err:  # a full disk, a folder removed mid-run: the run cannot go on
        print(f"\nextract: cannot write {args.output}: {err.strerror or err}; nothing written",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        progress.finish()
        print(f"extract: interrupted after {read} files; {args.output} not written "
              "(an earlier one is kept)", file=sys.stderr)
        raise
    finally:
        if writer is not None and failed:
            writer.abort()
    progress.finish()
    if not read:
        print("extract: nothing could be read; no output written", file=sys.stderr)
        return 2
    print(f"extract: {progress.claims} claims from {read} files -> {args.output}"
          + (f" ({skipped} skipped)" if skipped else ""), file=sys.stderr)
    if panel_input is not None:
        code = _write_panel(args.panel, build_panel(panel_input.frame()))
        if code:
            return code
    return 1 if skipped else 0


def _write_panel(path: Path, panel: Any) -> int:
    try:
        write_table(path, panel_rows(panel), PANEL_SCHEMA)
    except OSError as err:
        print(f"extract: cannot write {path}: {err.strerror or err}", file=sys.stderr)
        return 2
    print(f"extract: {len(panel)} indicator rows -> {path}", file=sys.stderr)
    return 0


def _into_store(args: argparse.Namespace, tasks: list[Task]) -> int:
    """Add new and changed files to the store; each document is committed whole."""
    try:
        store = Store(args.output)
    except StoreError as err:
        print(f"extract: {err}", file=sys.stderr)
        return 2
    roots = [p for p in args.paths if p.is_dir()]
    keys = {str(path): document_key(path, roots) for path, _, _ in tasks}
    shared = {k for k, n in Counter(keys.values()).items() if n > 1}  # 2023/txt, 2024/txt
    # A name an earlier run gave another file (a/report.txt, then b/report.txt): this
    # file goes by its key instead, so the store's `doc` names one document each.
    held = store.names_held(name for _, name, _ in tasks)
    tasks = [(path, keys[str(path)] if held.get(name, set()) - {keys[str(path)]} else name, date)
             for path, name, date in tasks]
    sources = {str(path): Source(os.path.abspath(path) if keys[str(path)] in shared
                                 else keys[str(path)], name, str(path), content_hash(path),
                                 _size(path), date)
               for path, name, date in tasks}
    known = store.known()
    todo = [t for t in tasks if not Store.holds(known, sources[str(t[0])])]
    unchanged = len(tasks) - len(todo)
    progress = Progress(len(todo), sum(sources[str(t[0])].size for t in todo),
                        args.progress_every)
    written = skipped = 0
    try:
        # A document's results arrive together (a large file's parts in a row): it is
        # committed when the next document's first result comes, or at the end.
        results = (_dask_results(iter(todo), args.scheduler, args.jobs) if args.scheduler
                   else _results(iter(todo), args.jobs))
        for name, result, notes, encoding in results:
            _report(progress, name, result, notes)
            source = sources[name]
            if isinstance(result, str):
                if store.open_key == source.key:
                    store.rollback()  # a large file failing after its first parts: nothing
                else:
                    written += store.commit()
                store.record_failure(source, result)
                skipped += 1
                progress.advance(source.size, 0)
                continue
            if store.open_key != source.key:
                written += store.commit()
                store.begin(source, encoding)
                progress.advance(source.size, len(result))
            else:
                progress.claims += len(result)
            store.add_claims(result)
        written += store.commit()
        gone = store.gone({s.key for s in sources.values()}, [folder_key(r) for r in roots])
        if gone:
            if args.prune:
                store.prune(gone)
            print(f"extract: {len(gone)} documents in the store are gone from the folders"
                  + (" and were dropped" if args.prune else " (--prune drops them)"),
                  file=sys.stderr)
        changed = written or skipped or (gone and args.prune)
        n_indicators = store.rebuild_indicators() if changed else store.indicator_count()
        n_docs, n_claims = store.counts()
    except (KeyboardInterrupt, RuntimeError) as err:
        # DuckDB reports a signal that lands inside a query as RuntimeError.
        if not isinstance(err, KeyboardInterrupt) and "interrupted" not in str(err).lower():
            raise
        with contextlib.suppress(KeyboardInterrupt, RuntimeError, duckdb.Error):
            store.close()  # what was finished is committed
        progress.finish()
        print(f"extract: interrupted; {store.committed} documents written to {args.output}, "
              "the next run goes on from there", file=sys.stderr)
        raise KeyboardInterrupt from None
    except (OSError, duckdb.Error) as err:
        print(f"\nextract: cannot write {args.output}: {err}", file=sys.stderr)
        return 2
    finally:
        with contextlib.suppress(duckdb.Error):
            store.close()
    progress.finish()
    print(f"extract: {written} documents extracted, {unchanged} unchanged, "
          f"{skipped} skipped -> {args.output} ({n_docs} documents, {n_claims} claims, "
          f"{n_indicators} indicator rows)", file=sys.stderr)
    if args.panel is not None:
        code = _export_table(args.output, "indicators", args.panel, {}, None)
        if code:
            return code
    if skipped and not written and not unchanged:
        return 2  # nothing could be read
    return 1 if skipped else 0


# ---------------------------------------------------------------------- export

def export(argv: list[str]) -> int:
    """`python -m extract export STORE -o OUT`: a store's table as CSV, Parquet or JSONL."""
    parser = argparse.ArgumentParser(prog="python -m extract export",
                                     description="Write a table of a Zhibiao store out.")
    parser.add_argument("store", type=Path, help="a store made by python -m extract … -o X.duckdb")
    parser.add_argument("-o", "--output", required=True, type=Path,
                        help=f"output table: {', '.join(FORMATS)}")
    parser.add_argument("--table", choices=("claims", "indicators"), default="claims")
    for column in FILTERS:
        parser.add_argument(f"--{column}", help=f"only rows whose {column} is this")
    parser.add_argument("--year", help="a year or a range: 2023 or 2020-2023")
    args = parser.parse_args(argv)
    if args.output.suffix.lower() not in FORMATS:
        parser.error(f"output must end in one of {', '.join(FORMATS)}: {args.output}")
    if not args.store.is_file():
        parser.error(f"no store at {args.store}")
    _check_folders(parser, args.output)
    years = None
    if args.year:
        first, _, last = args.year.partition("-")
        if not (first.isdigit() and (not last or last.isdigit())):
            parser.error(f"--year must be YYYY or YYYY-YYYY: {args.year}")
        years = (int(first), int(last or first))
    filters = {c: getattr(args, c) for c in FILTERS if getattr(args, c)}
    _stop_on_sigterm()
    try:
        return _export_table(args.store, args.table, args.output, filters, years)
    except KeyboardInterrupt:
        return INTERRUPTED


def _export_table(store: Path, table: str, output: Path, filters: dict[str, str],
                  years: tuple[int, int] | None) -> int:
    schema = PANEL_SCHEMA if table == "indicators" else None
    try:
        writer = open_writer(output, schema) if schema is not None else open_writer(output)
    except OSError as err:
        print(f"extract: cannot write {output}: {err.strerror or err}", file=sys.stderr)
        return 2
    total = 0
    try:
        for batch in read_rows(store, table, filters, years):
            writer.write(batch)
            total += len(batch)
        writer.close()
    except StoreError as err:
        writer.abort()
        print(f"extract: {err}", file=sys.stderr)
        return 2
    except BaseException:
        writer.abort()
        raise
    print(f"extract: {total} {table} rows -> {output}", file=sys.stderr)
    return 0
