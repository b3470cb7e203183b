"""Read documents: find the files, decode their bytes, load a date manifest.

Decoding is the one place where bytes become text; every offset in the claims
table is an index into the string returned here.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class ReadError(Exception):
    """A file that cannot be turned into text; the message is one line for the user."""


@dataclass(frozen=True)
class Document:
    """One decoded document, with the date a user gave for it (if any)."""

    name: str
    text: str
    date: dt.date | None = None


def iter_text_files(paths: list[Path]) -> Iterator[Path]:
    """Yield the `.txt` files named or found (recursively, sorted) under folders.

    A path that does not exist is yielded as is, so the caller reports it with
    the other unreadable files instead of aborting the whole run.
    """
    for path in paths:
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.suffix.lower() == ".txt" and p.is_file())
            yield from sorted(found)
        else:
            yield path


def decode(data: bytes) -> str:
    """Decode UTF-8 (BOM stripped) or, failing that, GB18030; reject binary and empty input."""
    if not data.strip():
        raise ReadError("empty file")
    if b"\x00" in data[:4096]:
        raise ReadError("binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as err:
            raise ReadError(f"not UTF-8 or GB18030 text (bad byte at {err.start})") from None
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > 8:
        raise ReadError("binary file (control characters), not text")
    return text


def read_document(path: Path, date: dt.date | None = None) -> Document:
    """Read one file into a Document; raise ReadError with the reason on failure."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReadError("no such file") from None
    except IsADirectoryError:
        raise ReadError("is a directory") from None
    except OSError as err:
        raise ReadError(err.strerror or str(err)) from None
    return Document(name=path.name, text=decode(data), date=date)


def parse_date(value: str) -> dt.date:
    """Parse YYYY-MM-DD, YYYY-MM or YYYY (the first of the month or year is assumed)."""
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y-%m", "%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {value!r} (expected YYYY-MM-DD)")


def load_manifests(files: list[Path]) -> dict[str, dt.date]:
    """Dates from every `manifest.csv` (columns doc,date) beside the given files."""
    dates: dict[str, dt.date] = {}
    for folder in sorted({f.parent for f in files}):
        manifest = folder / "manifest.csv"
        if not manifest.is_file():
            continue
        with manifest.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                doc, date = (row.get("doc") or "").strip(), (row.get("date") or "").strip()
                if doc and date:
                    try:
                        dates[doc] = parse_date(date)
                    except ValueError:
                        continue
    return dates
