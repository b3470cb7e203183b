"""Cut a document into stories: the unit a topic place and a year are carried through.

A magazine issue, a newspaper page or a broadcast round-up holds many stories,
each about its own village, district or port. A story opens at a dateline
(新华社北京5月14日电, 本报讯), at the title lines above a byline (文 / 记者)
or a ——subtitle, or after a credit line that closes the one before
((…供稿)). The lines opening a story up to its first long line are its title
block, which counts for more when the story's topic is voted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .tables import load_table

_TITLE_MAX = 40  # a title line is short and has no sentence mark
_TITLE_LINES = 3  # at most this many title lines above a byline belong to the story
# a comma between thousands (2,821) is part of a number, not a clause mark
_SENTENCE_MARKS = re.compile(r"[。！？；，]|(?<!\d),|,(?!\d{3}(?!\d))")


@dataclass(frozen=True)
class Story:
    """A story's span in the clean text and where its title block ends."""

    start: int
    end: int
    title_end: int


@cache
def _marks() -> dict[str, re.Pattern[str]]:
    by_role: dict[str, list[str]] = {}
    for row in load_table("story_marks"):
        by_role.setdefault(row["role"], []).append(f"(?:{row['pattern']})")
    return {role: re.compile("|".join(parts)) for role, parts in by_role.items()}


def _is_title(line: str) -> bool:
    stripped = line.strip()
    return 0 < len(stripped) <= _TITLE_MAX and not _SENTENCE_MARKS.search(stripped)


def split_stories(text: str) -> list[Story]:
    """The stories of `text` in order; a text with no marks is one story."""
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    marks = _marks()
    starts = {0}
    for index, (start, line) in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if marks["dateline"].match(stripped):
            starts.add(start)
            continue
        if marks["closing"].match(stripped):
            starts.add(start + len(line) + 1)
            continue
        role = ("byline" if marks["byline"].match(stripped)
                else "subtitle" if marks["subtitle"].match(stripped) and _is_title(stripped)
                else None)
        if role is None:
            continue
        opening, seen = None, 0
        for back in range(index - 1, -1, -1):
            earlier_start, earlier = lines[back]
            if not earlier.strip():
                continue
            if not _is_title(earlier) or seen == _TITLE_LINES:
                break
            opening, seen = earlier_start, seen + 1
            if role == "subtitle":
                break
        if opening is not None:
            starts.add(opening)
    ordered = sorted(s for s in starts if s < len(text))
    ends = [*ordered[1:], len(text)]
    return [Story(lo, hi, _title_end(text, lo, hi))
            for lo, hi in zip(ordered, ends, strict=True) if lo < hi]


def _title_end(text: str, lo: int, hi: int) -> int:
    """End of the story's title block: its short lines before the first long one."""
    pos = lo
    while pos < hi:
        nl = text.find("\n", pos, hi)
        line_end = hi if nl < 0 else nl
        if text[pos:line_end].strip() and not _is_title(text[pos:line_end]):
            return pos
        pos = line_end + 1
    return hi
