"""Label a claim's indicator and category from the words around the number.

The indicator table maps synonyms to one canonical label. For a counter, the
noun right after it names what is counted (1055个网格党支部); otherwise the
term nearest before the number wins (集装箱航线总数达到140条). Lists after
分别 give each number its own subject. With no term found, the words before
the number, trimmed of verbs and cue words, become the label, cut at a word
boundary by jieba.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .segment import tokenizer
from .tables import load_table

_NOUN_AFTER = re.compile(r"[\u4e00-\u9fffA-Za-z0-9.]{1,10}")
_LIST_SPLIT = re.compile(r"[、和及与]")
_LABEL_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9.]+$")
_MAX_LABEL = 10


@dataclass(frozen=True)
class Indicator:
    """A claim's label, category, the unit it implies, and how sure we are."""

    label: str
    category: str
    unit: str
    confidence: float


@cache
def _terms() -> dict[str, tuple[str, str, str]]:
    return {r["term"]: (r["indicator"], r["category"], r["unit"]) for r in load_table("indicators")}


@cache
def _terms_longest_first() -> tuple[str, ...]:
    return tuple(sorted(_terms(), key=len, reverse=True))


@cache
def _category_keywords() -> tuple[tuple[str, str], ...]:
    return tuple((r["keyword"], r["category"]) for r in load_table("category_keywords"))


@cache
def _trim_words() -> tuple[str, ...]:
    words = [r["word"] for r in load_table("indicator_trim")]
    return tuple(sorted(words, key=len, reverse=True))


def _nearest_term(window: str) -> str | None:
    """The term ending nearest the end of `window`; the longer one on a tie."""
    best, best_key = None, (-1, 0)
    for term in _terms_longest_first():
        at = window.rfind(term)
        if at >= 0 and (at + len(term), len(term)) > best_key:
            best, best_key = term, (at + len(term), len(term))
    return best


def _contained_term(noun: str) -> str | None:
    for term in _terms_longest_first():
        if term in noun:
            return term
    return None


def _category_for(text: str) -> str:
    for keyword, category in _category_keywords():
        if keyword in text:
            return category
    return "other"


def _trimmed_label(window: str) -> str:
    """The trailing noun phrase of `window`, with cue words and verbs stripped from its end."""
    match = _LABEL_CHARS.search(window.rstrip(" "))
    phrase = match.group() if match else ""
    changed = True
    while phrase and changed:
        changed = False
        for word in _trim_words():
            if phrase.endswith(word):
                phrase, changed = phrase[: -len(word)], True
                break
            if phrase.startswith(word) and len(phrase) > len(word) + 1:
                phrase, changed = phrase[len(word):], True
                break
    if len(phrase) > _MAX_LABEL:  # keep whole words from the end
        kept = ""
        for token in reversed(list(tokenizer().cut(phrase, HMM=False))):
            if len(kept) + len(token) > _MAX_LABEL:
                break
            kept = token + kept
        phrase = kept
    return phrase


def list_subject(clause_before: str, index: int) -> str | None:
    """The `index`-th subject of a 分别 list: 高速公路、铁路通车里程分别达 → 高速公路通车里程."""
    at = clause_before.find("分别")
    if at < 0:
        return None
    subjects = [s for s in _LIST_SPLIT.split(clause_before[:at]) if s]
    if index >= len(subjects) or len(subjects) < 2:
        return None
    subject, last = subjects[index], subjects[-1]
    shared = _nearest_term(last)
    if shared and index < len(subjects) - 1 and last.endswith(shared) and shared not in subject:
        return subject + shared
    return subject


def label_indicator(windows: list[str], noun_after: str, unit_kind: str,
                    subject: str | None = None) -> Indicator:
    """Label from the text before the number (`windows`, narrowest first) and the noun after.

    A 分别 list subject is kept as written (高速公路通车里程 and 铁路通车里程
    stay apart), mapped only when it is itself a known term.
    """
    if subject:
        term = _nearest_term(subject)
        if subject in _terms():
            label, category, unit = _terms()[subject]
            return Indicator(label, category, unit, 0.8)
        category, unit = (_terms()[term][1:] if term else (_category_for(subject), ""))
        return Indicator(_trimmed_label(subject), category, unit, 0.7)
    if unit_kind == "counter" and noun_after:
        term = _contained_term(noun_after)
        if term:
            label, category, unit = _terms()[term]
            return Indicator(label, category, unit, 0.85)
    for depth, window in enumerate(windows):
        term = _nearest_term(window)
        if term:
            label, category, unit = _terms()[term]
            return Indicator(label, category, unit, 0.8)
        own_words = _trimmed_label(window) if depth == 0 else ""
        if len(own_words) >= 2 and not (unit_kind == "counter" and noun_after):
            # The number's own words beat a term from an earlier clause.
            return Indicator(own_words, _category_for(own_words + windows[-1]), "", 0.5)
    if unit_kind == "counter" and noun_after:
        return Indicator(noun_after + "数", _category_for(noun_after + windows[-1]), "", 0.5)
    for window in windows:
        label = _trimmed_label(window)
        if len(label) >= 2:
            return Indicator(label, _category_for(label + windows[-1]), "", 0.4)
    return Indicator("", _category_for(windows[-1] + noun_after), "", 0.2)


def noun_after(text: str, pos: int) -> str:
    """The noun phrase right after a counter (网格党支部 in 1055个网格党支部、…)."""
    match = _NOUN_AFTER.match(text, pos)
    return match.group() if match else ""
