"""Cut clean text into sentences and clauses, the windows every later stage reads.

SPEC.md cuts a sentence at 。！？； or a line end (normalisation keeps those
marks full-width); an ASCII ; only ends a clause.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import rjieba

from .tables import load_table

_SENTENCE_END = re.compile(r"[。！？；\n]")
_CLAUSE_MARK = re.compile(r"[,:;]")
MAX_SENTENCE = 1000  # characters: the longest window read as one sentence
_WINDOW_CUTS = (",", ";", " ", "、")


@dataclass(frozen=True)
class Sentences:
    """Sentence boundaries of one text, for finding the sentence around an offset."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def index_of(self, pos: int) -> int:
        """Index of the sentence holding clean offset `pos`."""
        return max(bisect.bisect_right(self.starts, pos) - 1, 0)


def split_sentences(text: str) -> Sentences:
    """Boundaries of every sentence: the end mark stays with its sentence.

    A run longer than MAX_SENTENCE with no end mark (a table or a page pasted
    without punctuation) is cut into windows of at most that length, at a
    comma-like mark or space where there is one, so no stage reads more than
    a bounded window around a number and time stays linear in the text.
    """
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for mark in _SENTENCE_END.finditer(text):
        _add_windows(text, pos, mark.end() if mark.group() != "\n" else mark.start(),
                     starts, ends)
        pos = mark.end()
    _add_windows(text, pos, len(text), starts, ends)
    return Sentences(tuple(starts), tuple(ends))


def _add_windows(text: str, lo: int, hi: int, starts: list[int], ends: list[int]) -> None:
    while hi - lo > MAX_SENTENCE:
        cut = max(text.rfind(mark, lo + 1, lo + MAX_SENTENCE) for mark in _WINDOW_CUTS)
        cut = cut + 1 if cut > lo else lo + MAX_SENTENCE
        starts.append(lo)
        ends.append(cut)
        lo = cut
    starts.append(lo)
    ends.append(hi)


def clause_start(text: str, sentence_start: int, pos: int) -> int:
    """Where the clause holding `pos` starts: after the last comma-like mark before it."""
    last = sentence_start
    for mark in _CLAUSE_MARK.finditer(text, sentence_start, pos):
        last = mark.end()
    return last


@cache
def _tagger_and_own_tags() -> tuple[rjieba.Jieba, dict[str, str]]:
    """The tagger, and the tag jieba's own dictionary gave each city's forms before they
    were added (a form jieba cut into pieces has none); only cities ask (see own_tag)."""
    words = rjieba.Jieba()
    rows = load_table("regions")
    own = {}
    for form in {form for row in rows if row["level"] == "city" for form in _forms(row)}:
        tokens = words.tag(form)
        if len(tokens) == 1:
            own[form] = tokens[0][1]
    for form in {form for row in rows for form in _forms(row)}:
        words.add_word(form, None, "ns")
    for row in load_table("concepts"):
        words.add_word(row["term"], None, "n")
    return words, own


def _forms(row: dict[str, str]) -> list[str]:
    """A region row's names of two or more characters: full, short, aliases."""
    return [f for f in (row["name"], row["short"], *row["aliases"].split("|")) if len(f) > 1]


def tagger() -> rjieba.Jieba:
    """A part-of-speech tagger (jieba-rs) that knows region names and indicator terms as nouns.

    Tags tell a name from a phrase (在/p 中河头村, 党工委/nt 和/c 社区) and a
    measured noun from the verb before it; tokens rebuild the input exactly.
    """
    return _tagger_and_own_tags()[0]


def own_tag(form: str) -> str:
    """jieba's own tag for a city's form, "" when its dictionary does not hold it whole.

    杭州 is ns there, 来宾 n and 大同 d: a short name jieba itself reads as a place
    can stand alone; one that is also a common word cannot.
    """
    return _tagger_and_own_tags()[1].get(form, "")


class Token(NamedTuple):
    """A tagged word with its offsets in the text it was cut from (a tuple: made by the
    thousand for every sentence that holds a number)."""

    word: str
    tag: str
    start: int
    end: int


def word_frequency(word: str) -> int:
    """How often jieba's dictionary has seen `word` (0 when it is no dictionary word).

    jieba-rs suggests, for a dictionary word, one more than its count: the
    smallest frequency that keeps it whole.
    """
    words = tagger()
    return words.suggest_freq(word) - 1 if words.has_word(word) else 0


def first_word(text: str) -> str:
    """The shortest dictionary word `text` opens with (农村居民人均可支配收入 → 农村),
    by jieba's own dictionary, not the whole terms the tagger holds."""
    words = [w for w in rjieba.cut_for_search(text) if text.startswith(w)]
    return min(words, key=len, default="")


def tagged_tokens(text: str, lo: int, hi: int) -> list[Token]:
    """The tagged tokens of text[lo:hi], offsets into `text`."""
    out, pos = [], lo
    make = tuple.__new__  # Token's own __new__ is a Python function: this is the C one
    for word, tag in tagger().tag(text[lo:hi]):
        end = pos + len(word)
        out.append(make(Token, (word, tag, pos, end)))
        pos = end
    return out
