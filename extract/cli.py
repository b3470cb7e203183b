"""Command line: python -m extract PATH [PATH ...] -o OUT [--panel P] [--date D] [--jobs N].

Exit status: 0 when every file was read, 1 when some were skipped (each
reported on stderr in one line), 2 when nothing could be read or the
arguments are wrong. A document that cannot be read or extracted is skipped,
never the end of the run; outputs appear only when complete.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from .panel import PanelInput, build_panel, panel_rows
from .pipeline import extract_text
from .read import (
    PART_BYTES,
    ReadError,
    document_names,
    iter_text_files,
    load_manifests,
    parse_date,
    read_document,
    read_parts,
)
from .write import FORMATS, PANEL_SCHEMA, open_writer, write_table

_CHUNK = 8  # documents per task sent to a worker process


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m extract",
        description="Extract every numeric claim about a place from Chinese text files.")
    parser.add_argument("paths", nargs="+", type=Path, help=".txt files or folders (recursive)")
    parser.add_argument("-o", "--output", required=True, type=Path,
                        help=f"output table: {', '.join(FORMATS)}")
    parser.add_argument("--panel", type=Path,
                        help="also write the indicator table (one row per region, year and "
                             f"measure): {', '.join(FORMATS)}")
    parser.add_argument("--date", type=parse_date,
                        help="document date (YYYY-MM-DD) for 今年/去年; "
                             "beats manifest.csv and the date in the text")
    parser.add_argument("--jobs", type=int, default=1,
                        help="worker processes (default 1; 0 = one per core)")
    args = parser.parse_args(argv)
    for flag, path in (("output", args.output), ("--panel", args.panel)):
        if path is not None and path.suffix.lower() not in FORMATS:
            parser.error(f"{flag} must end in one of {', '.join(FORMATS)}: {path}")
    if args.panel is not None and args.panel.resolve() == args.output.resolve():
        parser.error(f"--panel must not overwrite the output: {args.panel}")
    for path in (args.output, args.panel):
        folder = path.parent if path is not None else None
        if folder is not None and not (folder.is_dir() and os.access(folder, os.W_OK)):
            parser.error(f"cannot write into {folder}: no such folder or not writable")
    return args


Task = tuple[Path, str, dt.date | None]  # file, its doc name, its date
Result = tuple[str, list[dict[str, Any]] | str, tuple[str, ...]]


def _extract_file(task: Task) -> Result:
    """Read and extract one file: (path, rows or the reason it was skipped, decoder notes)."""
    path, name, date = task
    try:
        document = read_document(path, date, name)
    except ReadError as err:
        return str(path), str(err), ()
    notes = (*_encoding_note(document.encoding), *document.warnings)
    try:
        rows = extract_text(document.text, document.name, document.date)
    except Exception as err:  # one bad document must not cost the run
        return str(path), f"extraction failed ({type(err).__name__}: {err})", notes
    return str(path), rows, notes


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
            yield str(path), rows, tuple(warnings)
            warnings.clear()
    except ReadError as err:
        yield str(path), str(err), ()
    except Exception as err:  # one bad document must not cost the run
        yield str(path), f"extraction failed ({type(err).__name__}: {err})", ()


def _is_large(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size > PART_BYTES
    except OSError:
        return False


def _results(tasks: list[Task], jobs: int) -> Iterator[Result]:
    """Results in task order: small files in the pool, a large one in parts in this process."""
    pool = ProcessPoolExecutor(max_workers=jobs or None) if jobs != 1 and len(tasks) > 1 else None
    try:
        batch: list[Task] = []
        for task in [*tasks, None]:
            if task is not None and not _is_large(task[0]):
                batch.append(task)
                continue
            if batch:
                yield from (pool.map(_extract_file, batch, chunksize=_CHUNK) if pool
                            else map(_extract_file, batch))
                batch = []
            if task is not None:
                yield from _extract_large(*task)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def main(argv: list[str] | None = None) -> int:
    # A file name in another encoding (GBK bytes) is printed escaped, never a crash.
    if hasattr(sys.stderr, "reconfigure"):
        sys.stderr.reconfigure(errors="backslashreplace")
    args = _parse_args(argv)
    files = list(iter_text_files(args.paths))
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
    show_progress = sys.stderr.isatty()
    writer, read, skipped, claims = None, 0, 0, 0
    # The panel needs every claim, so keep only its fields while the rows stream out.
    panel_input = PanelInput() if args.panel is not None else None
    failed = True
    try:
        done, last = 0, None
        for name, result, warnings in _results(tasks, args.jobs):
            for warning in warnings:
                label = "" if warning.startswith("read as") else "warning: "
                print(f"extract: {label}{name}: {warning}", file=sys.stderr)
            if isinstance(result, str):
                skipped += 1
                print(f"extract: skipped {name}: {result}", file=sys.stderr)
                continue
            if name != last:  # a large file's parts count once
                read, done, last = read + 1, done + 1, name
            if writer is None:
                writer = open_writer(args.output)
            writer.write(result)
            if panel_input is not None:
                panel_input.add(result)
            claims += len(result)
            if show_progress:
                print(f"\rextract: {done}/{len(tasks)} files, {claims} claims",
                      end="", file=sys.stderr, flush=True)
        if writer is not None:
            writer.close()
        failed = False
    except OSError as err:  # a full disk, a folder removed mid-run: the run cannot go on
        print(f"\nextract: cannot write {args.output}: {err.strerror or err}; nothing written",
              file=sys.stderr)
        return 2
    finally:
        if writer is not None and failed:
            writer.abort()
    if show_progress:
        print(file=sys.stderr)
    if not read:
        print("extract: nothing could be read; no output written", file=sys.stderr)
        return 2
    print(f"extract: {claims} claims from {read} files -> {args.output}"
          + (f" ({skipped} skipped)" if skipped else ""), file=sys.stderr)
    if panel_input is not None:
        panel = build_panel(panel_input.frame())
        try:
            write_table(args.panel, panel_rows(panel), PANEL_SCHEMA)
        except OSError as err:
            print(f"extract: cannot write {args.panel}: {err.strerror or err}", file=sys.stderr)
            return 2
        print(f"extract: {len(panel)} indicator rows -> {args.panel}", file=sys.stderr)
    return 1 if skipped else 0

