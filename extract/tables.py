"""Load the language tables in `extract/data/` (CSV with `#` comment lines).

The tables are facts about Chinese (units, magnitude words, cue words,
indicator synonyms, regions); code reads them, it does not repeat them.
"""

from __future__ import annotations

import csv
from collections.abc import Container
from functools import cache
from importlib import resources


@cache
def load_table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of `extract/data/<name>.csv` as dicts, comment lines skipped."""
    text = resources.files("extract").joinpath(f"data/{name}.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return tuple(csv.DictReader(lines))


@cache
def words_by_role(name: str, role: str) -> tuple[str, ...]:
    """The `word` column of a word,role table's rows with that role, in table order."""
    return tuple(row["word"] for row in load_table(name) if row["role"] == role)


def longest_match(text: str, pos: int, words: dict[str, object], max_len: int) -> str | None:
    """The longest key of `words` that starts at `pos` in `text`, or None."""
    for size in range(min(max_len, len(text) - pos), 0, -1):
        piece = text[pos:pos + size]
        if piece in words:
            return piece
    return None


def longest_ending(text: str, end: int, words: Container[str], max_len: int) -> str | None:
    """The longest key of `words` that ends at `end` in `text`, or None."""
    for size in range(min(max_len, end), 0, -1):
        piece = text[end - size:end]
        if piece in words:
            return piece
    return None
