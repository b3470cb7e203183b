"""Attach a qualifier (约, 超, 不到 ...) and a kind (level, change, share ...) to a number.

Both come from cue words in the tables, read in the window each cue governs:
a qualifier from the few characters just before the number (or the suffix the
number finder already read), a kind from the sentence, clause or segment
before the number as the kind table says.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import ahocorasick_rs

from .tables import load_table, longest_ending

# kind_cues.applies_to → the unit kinds it covers
_PRECEDENCE = ("forecast", "target", "change", "cumulative", "share", "level")
_FAR = 10**6  # a target year stated in the sentence: as far as a cue can be
_APPLIES = {"rate": {"rate"}, "count": {"counter"}, "amount": {"counter", "measure"}}
_BEFORE_WINDOW = 4  # 达到约 / 下降超: a qualifier word sits right before the number


@dataclass(frozen=True)
class KindCue:
    """One row of kind_cues.csv."""

    word: str
    kind: str
    scope: str
    blocked_by: str
    sign: int
    max_gap: int | None
    applies_to: str
    not_after: str


@cache
def _before_qualifiers() -> dict[str, str]:
    return {row["word"]: row["qualifier"] for row in load_table("qualifiers")
            if row["position"] == "before"}


@cache
def after_qualifiers() -> dict[str, str]:
    """Qualifier words written after a number or its unit (左右, 以上), by qualifier."""
    return {row["word"]: row["qualifier"] for row in load_table("qualifiers")
            if row["position"] == "after"}


@cache
def _kind_cues() -> tuple[KindCue, ...]:
    return tuple(KindCue(r["word"], r["kind"], r["scope"], r["blocked_by"], int(r["sign"]),
                         int(r["max_gap"]) if r["max_gap"] else None, r["applies_to"],
                         r["not_after"])
                 for r in load_table("kind_cues"))


def qualifier_word_before(text: str, start: int) -> str:
    """The qualifier word ending right at `start` (宽约|7米: 约), or ""."""
    return longest_ending(text, start, _before_qualifiers(), _BEFORE_WINDOW) or ""


def qualifier_before(text: str, start: int) -> str:
    """The qualifier a word right before the number gives, or ""."""
    words = _before_qualifiers()
    for gap in range(0, 2):  # allow one connecting character: 超过了, 约为
        word = longest_ending(text, start - gap, words, _BEFORE_WINDOW)
        if word:
            return words[word]
    return ""


def classify_kind(windows: dict[str, str], unit_kind: str, default_kind: str,
                  has_target_year: bool) -> tuple[str, int]:
    """Kind and sign for a number, given the text around it in each scope.

    `windows` maps a scope (sentence, clause, segment) to the text from that
    scope's start up to the number, and `after` to the rest of its clause. A
    cue may apply to rates or counts only (a count can be in a 覆盖率 sentence
    without being a share). A present-tense word nearer the number than a
    plan word makes it an actual. With no cue, the unit's own default holds
    (a bare percentage is a share, 156次 a tally).
    """
    found = [("target", 1, _FAR)] if has_target_year else []
    found += _found_cues(windows, unit_kind)
    actual = min((d for kind, _, d in found if kind == "actual"), default=None)
    if actual is not None:
        found = [f for f in found if f[0] != "actual"
                 and not (f[0] in ("target", "forecast") and f[2] > actual)]
    if any(kind == "level" for kind, _, _ in found):
        # A named period (去年, 每年) bounds a tally: 去年共举办26期 is that year's flow.
        found = [f for f in found if f[0] != "cumulative"]
    clause = len(windows["clause"])
    if any(kind == "change" and d <= clause for kind, _, d in found):
        # A change stated in the number's own clause is not overruled by a plan word
        # from an earlier clause (…预计增长到2021年的1200亿元,年均增长8.2%).
        # A target year (到2026年) governs the whole sentence, growth rates included.
        found = [f for f in found if not (f[0] in ("target", "forecast") and clause < f[2] < _FAR)]
    if not found:
        return default_kind or "level", 1
    kind, sign, _ = min(found, key=lambda f: _PRECEDENCE.index(f[0]))
    return kind, sign


def states_change(windows: dict[str, str], unit_kind: str) -> bool:
    """True when a change cue governs the number in its own clause (增长6%), whatever kind
    a plan or forecast word makes it: a planned growth rate is still a growth rate."""
    clause = len(windows["clause"])
    return any(kind == "change" and d <= clause for kind, _, d in _found_cues(windows, unit_kind))


def _found_cues(windows: dict[str, str], unit_kind: str) -> list[tuple[str, int, int]]:
    """(kind, sign, distance from the number) of every cue that counts for this number."""
    found = []
    present = _words_in(windows["sentence"]) | _words_in(windows["after"])
    for cue in _kind_cues():
        if cue.word not in present:
            continue
        distance = _cue_distance(cue, windows[cue.scope], after=cue.scope == "after")
        if distance is not None and not (cue.applies_to
                                         and unit_kind not in _APPLIES[cue.applies_to]):
            found.append((cue.kind, cue.sign, distance))
    return found


@cache
def _cue_automaton() -> tuple[ahocorasick_rs.AhoCorasick, tuple[str, ...]]:
    words = tuple(sorted({cue.word for cue in _kind_cues()}))
    return ahocorasick_rs.AhoCorasick(words), words


def _words_in(text: str) -> set[str]:
    """The cue words that occur in `text` (overlapping: 同比增长 holds 增长 too), found in one
    pass so each number reads only the cues its sentence has."""
    automaton, words = _cue_automaton()
    return {words[i] for i, _, _ in automaton.find_matches_as_indexes(text, overlapping=True)}


def _cue_distance(cue: KindCue, window: str, after: bool) -> int | None:
    """How far the cue stands from the number in `window`, or None when it does not count."""
    at = window.find(cue.word) if after else window.rfind(cue.word)
    if at < 0:
        return None
    rest = window[at + len(cue.word):]
    if cue.blocked_by and rest.startswith(tuple(cue.blocked_by.split("|"))):
        return None
    if cue.not_after and at and window[at - 1] in cue.not_after:
        return None
    distance = at if after else len(rest)
    if cue.max_gap is not None and distance > cue.max_gap:
        return None
    return distance
