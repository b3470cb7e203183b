"""Read documents: find the files, decode their bytes, load a date manifest.

Decoding is the one place where bytes become text; every offset in the claims
table is an index into the string returned here.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import stat
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .normalise import to_simplified
from .segment import word_frequency


class ReadError(Exception):
    """A file that cannot be turned into text; the message is one line for the user."""


@dataclass(frozen=True)
class Document:
    """One decoded document, with the date a user gave for it (if any)."""

    name: str
    text: str
    date: dt.date | None = None
    encoding: str = "UTF-8"
    warnings: tuple[str, ...] = ()


def iter_text_files(paths: list[Path]) -> Iterator[Path]:
    """Yield the `.txt` files named or found (recursively, sorted) under folders.

    A path that does not exist is yielded as is, so the caller reports it with
    the other unreadable files instead of aborting the whole run.
    """
    for path in paths:
        if path.is_dir():
            # Everything named .txt but a folder: a FIFO or a dangling link is then
            # reported as skipped rather than dropped in silence.
            found = (p for p in path.rglob("*") if p.suffix.lower() == ".txt" and not p.is_dir())
            yield from sorted(found)
        else:
            yield path


_BOMS = (  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_CHINESE_CODECS = ("gb18030", "big5")
_PLAUSIBLE = 0.9  # share of Han characters that must be dictionary characters
_TRUNCATED_TAIL = 3  # bytes: a UTF-8 character cut at the end of a file
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]+")
_BINARY_CONTROLS = 0.01  # share of control characters that makes a file binary


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, the encoding it was read as, and what had to be repaired."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def decode(data: bytes) -> Decoded:
    """Decode a document's bytes; raise ReadError rather than return mojibake.

    A byte-order mark decides first (UTF-8, UTF-16, UTF-32: what Windows
    Notepad writes), then strict UTF-8, then GB18030 or Big5 only when the
    result reads as Chinese. A UTF-8 character cut at the very end is
    replaced with a warning; control characters (NUL among them) are removed
    and reported, and a file full of them is refused as binary.
    """
    if not data.strip():
        raise ReadError("empty file")
    warnings: list[str] = []
    text, encoding = _decode_bom(data) or _decode_utf8(data, warnings) or _decode_chinese(data)
    text = _without_controls(text, 0, warnings)
    if not text.strip():
        raise ReadError("empty file")
    return Decoded(text, encoding, tuple(warnings))


def _without_controls(text: str, offset: int, warnings: list[str]) -> str:
    """`text` with control characters removed, reported in `warnings`; binary is refused."""
    controls = sum(len(run) for run in _CONTROL.findall(text))
    if not controls:
        return text
    if controls > _BINARY_CONTROLS * len(text):
        raise ReadError(f"binary file ({controls} control characters), not text")
    first = _CONTROL.search(text)
    assert first is not None
    plural = "s" if controls > 1 else ""
    warnings.append(f"removed {controls} control character{plural} (NUL or similar), "
                    f"the first at character {offset + first.start()}")
    return _CONTROL.sub("", text)


def _decode_bom(data: bytes) -> tuple[str, str] | None:
    for mark, codec, name in _BOMS:
        if data.startswith(mark):
            try:
                return data[len(mark):].decode(codec), name
            except UnicodeDecodeError as err:
                raise ReadError(f"{name} byte-order mark but bad {name} at byte "
                                f"{err.start + len(mark)}") from None
    return None


def _decode_utf8(data: bytes, warnings: list[str]) -> tuple[str, str] | None:
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as err:
        if err.start < len(data) - _TRUNCATED_TAIL or err.reason != "unexpected end of data":
            return None
        warnings.append(f"the file ends inside a UTF-8 character (byte {err.start}); "
                        "the cut character was replaced")
        return data.decode("utf-8", errors="replace"), "UTF-8"


def _decode_chinese(data: bytes) -> tuple[str, str]:
    """GB18030 or Big5, whichever reads as Chinese; neither is a refusal."""
    best: tuple[float, str, str] | None = None
    for codec in _CHINESE_CODECS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _chinese_score(text)
        if score >= _PLAUSIBLE and (best is None or score > best[0]):
            best = (score, text, codec.upper())
    if best is None:
        raise ReadError("not text in UTF-8, UTF-16, GB18030 or Big5 (no decoding reads as "
                        "Chinese)")
    return best[1], best[2]


def _chinese_score(text: str) -> float:
    """Share of the Han characters that jieba's dictionary knows as words of their own.

    Mojibake (Big5 read as GB18030, random bytes) is mostly rare characters. The
    text is made simplified first: the dictionary is simplified, and a Taiwan
    report in Big5 is as much Chinese as a mainland one in GB18030.
    """
    han = [ch for ch in to_simplified(text) if "\u4e00" <= ch <= "\u9fff"]
    if not han:
        return 0.0
    known = sum(1 for ch in set(han) if word_frequency(ch) > 0)
    return known / len(set(han))


_CODECS = {"UTF-8": "utf-8-sig", "UTF-16": "utf-16", "UTF-32": "utf-32",
           "GB18030": "gb18030", "BIG5": "big5"}
PART_BYTES = 4 << 20  # a file larger than this is read and extracted in parts
_PART_CHARS = 1 << 20  # characters per part, cut at a line end
_SNIFF_BYTES = 1 << 16


@dataclass(frozen=True)
class Part:
    """A piece of a large document, cut at a line end, and where it starts in the whole text."""

    offset: int
    text: str


def read_parts(path: Path) -> tuple[str, list[str], Iterator[Part]]:
    """A large file as (encoding, warnings, parts): decoded as it streams, memory bounded.

    The encoding is settled on the first 64 KiB; each part ends at a line end
    (a paragraph end where one is near), so a sentence is never cut. The
    warnings list fills as the parts are read.
    """
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    sniffed = None
    for cut in range(_TRUNCATED_TAIL + 1):  # the sample may end inside a character
        try:
            sniffed = decode(head[:len(head) - cut] if cut else head)
            break
        except ReadError:
            continue
    if sniffed is None:
        decode(head)  # raises the reason
        raise AssertionError("unreachable")
    warnings: list[str] = []
    return sniffed.encoding, warnings, _stream_parts(path, _CODECS[sniffed.encoding], warnings)


def _stream_parts(path: Path, codec: str, warnings: list[str]) -> Iterator[Part]:
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    buffer, offset = "", 0
    with path.open("rb") as handle:
        while block := handle.read(_PART_CHARS):
            buffer += decoder.decode(block)
            while len(buffer) >= _PART_CHARS:
                cut = buffer.rfind("\n\n", 0, _PART_CHARS)
                cut = cut + 2 if cut > _PART_CHARS // 2 else buffer.rfind("\n", 0, _PART_CHARS) + 1
                cut = cut or _PART_CHARS  # one huge line: cut it at the part size
                text = _clean_part(buffer[:cut], offset, warnings)
                yield Part(offset, text)
                offset += len(text)
                buffer = buffer[cut:]
        buffer += decoder.decode(b"", final=True)
    if buffer:
        yield Part(offset, _clean_part(buffer, offset, warnings))


def _clean_part(text: str, offset: int, warnings: list[str]) -> str:
    bad = text.count("\ufffd")
    if bad:
        warnings.append(f"{bad} undecodable bytes replaced, the first at character "
                        f"{offset + text.index(chr(0xFFFD))}")
    return _without_controls(text, offset, warnings)


def read_bytes(path: Path) -> bytes:
    """A file's bytes; ReadError with the reason for anything but a readable regular file
    (a FIFO is never opened: that would block for ever)."""
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise ReadError("is a directory" if stat.S_ISDIR(mode) else
                            "not a regular file (a FIFO, socket or device)")
        return path.read_bytes()
    except FileNotFoundError:
        raise ReadError("no such file" + (" (a dangling link)" if path.is_symlink() else ""))\
            from None
    except IsADirectoryError:
        raise ReadError("is a directory") from None
    except OSError as err:
        raise ReadError(err.strerror or str(err)) from None


def read_document(path: Path, date: dt.date | None = None, name: str | None = None,
                  data: bytes | None = None) -> Document:
    """One file as a Document named `name` (its file name by default), from `data` when
    its bytes were read already (shipped to a cluster worker); ReadError on failure."""
    decoded = decode(read_bytes(path) if data is None else data)
    return Document(name or document_name(path), decoded.text, date, decoded.encoding,
                    decoded.warnings)


def document_name(path: Path) -> str:
    """The file name as text: a name in GBK bytes (an archive from a Chinese Windows) is
    read as GB18030, so the `doc` column can always be written."""
    name = path.name
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("gb18030", errors="replace")
    return name


def parse_date(value: str) -> dt.date:
    """Parse YYYY-MM-DD, YYYY-MM or YYYY (the first of the month or year is assumed)."""
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y-%m", "%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {value!r} (expected YYYY-MM-DD)")


def read_manifest(path: Path) -> dict[str, dt.date]:
    """doc -> date from one manifest.csv (columns doc,date), in any encoding the decoder reads.

    Rows with no doc or an unreadable date are left out; a manifest that is
    not text at all raises ReadError, which the CLI reports before any work.
    """
    try:
        text = decode(path.read_bytes()).text
    except OSError as err:
        raise ReadError(f"{path}: {err.strerror or err}") from None
    except ReadError as err:
        raise ReadError(f"{path}: {err}") from None
    dates: dict[str, dt.date] = {}
    for row in csv.DictReader(io.StringIO(text)):
        doc, date = (row.get("doc") or "").strip(), (row.get("date") or "").strip()
        if doc and date:
            try:
                dates[doc] = parse_date(date)
            except ValueError:
                continue
    return dates


def root_of(path: Path, roots: list[Path]) -> Path | None:
    """The folder given on the command line that holds `path`, None for a file given alone."""
    return next((r for r in roots if path.is_relative_to(r)), None)


def document_names(paths: list[Path], files: list[Path]) -> dict[Path, str]:
    """Each file's `doc`: its file name, or, when two files share a name
    (a/report.txt, b/report.txt), its path relative to the folder given on the
    command line - with that folder's own name in front when two folders were
    given that both hold it, and the whole path when even that collides."""
    roots = [p for p in paths if p.is_dir()]

    def spelled(f: Path, base: Path | None) -> str:
        relative = f.relative_to(base) if base is not None else f
        return (relative.parent / document_name(f)).as_posix()

    ways = (lambda f: document_name(f),
            lambda f: spelled(f, root_of(f, roots)),
            lambda f: spelled(f, (root_of(f, roots) or f).parent),
            lambda f: spelled(f, None))
    names = {f: ways[0](f) for f in files}
    for way in ways[1:]:
        counts = Counter(names.values())
        names = {f: way(f) if counts[name] > 1 else name for f, name in names.items()}
    return names


def load_manifests(paths: list[Path], files: list[Path]) -> dict[Path, dt.date]:
    """Each file's date from the nearest `manifest.csv` that names it.

    The manifest in a file's own folder names it by file name; one further up,
    to the folder given on the command line, by the path relative to that
    manifest's folder (2023/report.txt). So two folders may both hold a
    report.txt, and each takes its own date.
    """
    roots = [p for p in paths if p.is_dir()]
    manifests: dict[Path, dict[str, dt.date]] = {}
    dates: dict[Path, dt.date] = {}
    for f in files:
        root = root_of(f, roots) or f.parent
        for folder in [f.parent, *(p for p in f.parent.parents if p.is_relative_to(root))]:
            if folder not in manifests:
                manifest = folder / "manifest.csv"
                manifests[folder] = read_manifest(manifest) if manifest.is_file() else {}
            key = f.relative_to(folder).as_posix()
            if key in manifests[folder]:
                dates[f] = manifests[folder][key]
                break
    return dates
