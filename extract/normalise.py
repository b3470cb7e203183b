"""Normalise text for matching while keeping a map back to the original offsets.

Matching runs on a cleaned copy: traditional characters made simplified,
full-width digits and signs made ASCII, and web debris (pinyin glosses such as
執(zhí)政, the braces of PM_{2.5}) removed. Only removals change the length, so the
map back is a short list of breakpoints rather than one entry per character.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

import opencc

# A pinyin gloss right after a Han character: 執(zhí)政, 發(fā)展, 現(xiàn). The lookahead
# lets the scan skip, in C, every character that opens no bracket.
_GLOSS = re.compile(r"(?=[(（])(?<=[\u4e00-\u9fff])"
                    r"[(（][a-zǜ-ͯāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ]{1,7}[)）]")

# A subscript written as TeX in copied PDFs and web pages: PM_{2.5}, CO_{2}.
_SUBSCRIPT = re.compile(r"(?=_)(?<=[A-Za-z])_\{([0-9.]{1,6})\}")

# Full-width ASCII to ASCII, odd spaces to space, the small percent sign to %.
# All one character for one.
# ！？； stay full-width: SPEC.md ends a sentence at them, not at their ASCII twins.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if chr(code) not in "！？；"}
_WIDTH.update({0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20,
               0xFE6A: 0x25})
# str.translate looks every character up; the runs to change are few, so they are found
# by a character class (scanned in C) and only they are translated.
_WIDE_RUN = re.compile("[" + re.escape("".join(map(chr, _WIDTH))) + "]+")


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@dataclass(frozen=True)
class Normalised:
    """The cleaned text and where each of its runs starts in the original."""

    clean: str
    # Parallel lists: clean offset where a run starts, original offset of that start.
    _clean_starts: tuple[int, ...]
    _orig_starts: tuple[int, ...]

    def to_original(self, index: int) -> int:
        """Map an offset in the clean text to the same position in the original."""
        run = bisect.bisect_right(self._clean_starts, index) - 1
        return self._orig_starts[run] + index - self._clean_starts[run]


def to_simplified(text: str) -> str:
    """Traditional to simplified, character for character (length is kept)."""
    converted = _converter().convert(text)
    if len(converted) != len(text):  # never seen with t2s; keep offsets exact regardless
        converted = "".join(c if len(c) == 1 else ch
                            for ch, c in zip(text, map(_converter().convert, text), strict=True))
    return converted


def _removed_spans(text: str) -> list[tuple[int, int]]:
    """What cleaning cuts out, in order: glosses, and the braces of a subscript written
    as markup (PM_{2.5} → PM2.5)."""
    spans = [gloss.span() for gloss in _GLOSS.finditer(text)]
    for sub in _SUBSCRIPT.finditer(text):
        spans += [(sub.start(), sub.start(1)), (sub.end(1), sub.end())]
    return sorted(spans)


def normalise(text: str) -> Normalised:
    """Clean `text` for matching; see the module docstring for what changes."""
    clean_starts, orig_starts, pieces = [0], [0], []
    last, removed = 0, 0
    for lo, hi in _removed_spans(text):
        pieces.append(text[last:lo])
        removed += hi - lo
        last = hi
        clean_starts.append(hi - removed)
        orig_starts.append(hi)
    pieces.append(text[last:])
    stripped = _WIDE_RUN.sub(lambda run: run.group().translate(_WIDTH), "".join(pieces))
    return Normalised(to_simplified(stripped), tuple(clean_starts), tuple(orig_starts))
