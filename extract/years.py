"""Resolve the year a claim refers to, and infer a document's date from its text.

Order of evidence for a claim: a year expression earlier in its sentence
(explicit, relative, a period's end, a target year); else the document's
year for a figure stated in the present; else nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from .segment import Sentences
from .tables import load_table, words_by_role

_YEAR = r"((?:19|20)\d{2})"
_CLAUSE_MARK = re.compile(r"[,:;，：]")
_DATELINE = re.compile(_YEAR + r" ?年 ?(\d{1,2}) ?月 ?(\d{1,2}) ?日")
_WIRE_DATELINE = re.compile(r"(?:社|报|网)[\u4e00-\u9fff]{2,4}(\d{1,2})月(\d{1,2})日电")
_YEAR_DIGITS = re.compile(_YEAR)
_DATE = re.compile(_YEAR + r" ?年 ?\d{1,2} ?月(?: ?\d{1,2} ?日)?")
_HEAD_CHARS = 600
_DATELINE_LINE_MAX = 60
_ISSUE = re.compile(_YEAR + r" ?年 ?第 ?\d{1,3} ?期")
_ANY_YEAR = re.compile(r"(?<![\d到至])" + _YEAR + r" ?年(?!代)")
_YEAR_EXPR_TEMPLATE = (
    r"(?P<target>(?:到|至|截至|截止到?)" + _YEAR.replace("(", "(?P<ty>", 1) + r" ?年)"
    r"|(?P<span>" + _YEAR.replace("(", "(?P<y1>", 1) + r" ?[—\-–~至到] ?"
    + _YEAR.replace("(", "(?P<y2>", 1) + r" ?年)"
    r"|(?P<plain>" + _YEAR.replace("(", "(?P<py>", 1) + r" ?年(?P<since>以来|来)?)"
    # a year written without 年 where a clause opens on it (2021已升至45%, 2022,全市…)
    r"|(?P<bare>(?:^|(?<=[,，:：]))" + _YEAR.replace("(", "(?P<by>", 1) + r"(?=已|,|，|上半年))"
    r"|(?P<plan>[“\"]?(?P<pn>十[一二三四五六七八九]五)[”\"]?(?:期间|时期|末|规划)?)"
    r"|(?P<rel>{relative})"
)


@dataclass(frozen=True)
class YearGuess:
    """A year and how it was found: `from_date` when only the document's date gave it,
    `one_year` when the text puts the figure in one calendar year (2023年, 去年, or its
    paragraph's year), not a span (2014年以来), a moment (目前) or a target."""

    year: int | None
    confidence: float
    from_date: bool = False
    one_year: bool = False


@cache
def _year_expressions() -> re.Pattern[str]:
    words = sorted(_relative_offsets(), key=len, reverse=True)
    return re.compile(_YEAR_EXPR_TEMPLATE.replace("{relative}", "|".join(words)))


@cache
def _relative_offsets() -> dict[str, int | None]:
    """Relative time word → years from the document's date; None for an unspecified past."""
    return {row["word"]: int(row["offset"]) if row["offset"] else None
            for row in load_table("relative_years")}


def relative_year_words() -> frozenset[str]:
    """Every word relative_years.csv holds (去年, 目前, 曾经 …): time words, not names."""
    return frozenset(_relative_offsets())


@cache
def _one_year_words() -> frozenset[str]:
    return frozenset(row["word"] for row in load_table("relative_years") if row["one_year"])


@cache
def _plan_end_years() -> dict[str, int]:
    return {row["plan"]: int(row["end_year"]) for row in load_table("five_year_plans")}


_TITLE_LINES = 3
_BASE_REACH = 6  # characters after a year within which 水平 makes it a yardstick
_HEADING_MAX = 30  # a section heading is a short line
_SENTENCE_END = re.compile(r"[。！？；!?;]")


def reporting_year(text: str) -> int | None:
    """The year a report on a past year covers, from its title (2023年…统计公报 → 2023).

    Such a report appears the next year, so its present-tense figures belong
    to the year its title names, not the date it was published.
    """
    words = tuple(row["word"] for row in load_table("report_titles"))
    for line in text[:_HEAD_CHARS].strip().splitlines()[:_TITLE_LINES]:
        match = _ANY_YEAR.search(line)
        if match and any(word in line[match.end():] for word in words):
            return int(match.group(1))
    return None


def dateline(text: str) -> dt.date | None:
    """A full date on a short line near the top (版次:02 作者:周杭 2021年12月29日), or None."""
    for line in text[:_HEAD_CHARS].splitlines():
        match = _DATELINE.search(line)
        if match and len(line.strip()) <= _DATELINE_LINE_MAX:
            year, month, day = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                continue
    return None


def title_year(title: str, doc_year: int | None) -> int | None:
    """The year a story's title reports on (澳门去年入境旅客…), not counting its dates
    (——2024年1月9日在…会议上) or a section heading that opens the story (一、过去一年…)."""
    lines = [line for line in title.splitlines() if not _section_number().match(line)]
    return stated_year(_DATE.sub("", "\n".join(lines)), doc_year)


def infer_document_date(text: str) -> dt.date | None:
    """The document's date from its own text, or None.

    A dateline gives it whole; an issue line (2024年第12期) gives the year;
    otherwise the latest year the text reports on, not counting target years
    (到2035年) or horizons (2035年远景目标), with the month and day of a wire dateline
    (新华社南京3月22日电) if there is one.
    """
    line_date = dateline(text)
    if line_date is not None:
        return line_date
    issue = _ISSUE.search(text)
    if issue:
        return dt.date(int(issue.group(1)), 1, 1)
    # a horizon (2035年远景目标) is no year the text reports on; no clock is read, so the
    # same text always gives the same date
    horizon = words_by_role("context_words", "horizon")
    years = [int(m.group(1)) for m in _ANY_YEAR.finditer(text)
             if not text.startswith(horizon, m.end())]
    if not years:
        return None
    wire = _WIRE_DATELINE.search(text)
    if wire:
        try:
            return dt.date(max(years), int(wire.group(1)), int(wire.group(2)))
        except ValueError:
            pass
    return dt.date(max(years), 1, 1)


def resolve_year(sentence_prefix: str, doc_year: int | None,
                 carried: int | None = None) -> YearGuess:
    """The year for a number whose sentence, up to the number, is `sentence_prefix`.

    With no year of its own, a figure takes the year stated earlier in its
    paragraph (`carried`: 2022年全省粮食总产量720亿斤。其中，稻谷产量增长1.3%),
    else the document's year.
    """
    last = None
    for match in _year_expressions().finditer(sentence_prefix):
        if not (_is_comparison_base(sentence_prefix, match)
                or _is_event_date(sentence_prefix, match)):
            last = match
    if last is not None:
        if last["target"]:
            return YearGuess(int(last["ty"]), 0.9)
        if last["span"]:
            return YearGuess(int(last["y2"]), 0.9)
        if last["plain"]:
            if last["since"]:
                return YearGuess(doc_year, 0.75) if doc_year else YearGuess(None, 0.3)
            return YearGuess(int(last["py"]), 0.95, one_year=True)
        if last["bare"]:
            return YearGuess(int(last["by"]), 0.85, one_year=True)
        if last["plan"]:
            end = _plan_end_years().get(last["pn"])
            if end:
                return YearGuess(end, 0.85)
        offset = _relative_offsets()[last["rel"]] if last["rel"] else 0
        if offset is None:  # 曾经,心脏支架平均价格高达1.3万元: some earlier year
            return YearGuess(None, 0.5)
        if last["rel"] and doc_year:
            return YearGuess(doc_year + offset, 0.85, one_year=last["rel"] in _one_year_words())
    if carried:
        return YearGuess(carried, 0.75, one_year=True)
    if doc_year:
        return YearGuess(doc_year, 0.6, from_date=True)
    return YearGuess(None, 0.2)


_PLAN_WORD = 2  # characters of a plan noun after 全年 (全年目标)
_LAST_MONTH_BEFORE_RELEASES = 6  # a year's annual figures are all out by its middle


def year_just_ended(date: dt.date, paragraph_prefix: str) -> int | None:
    """The year a full-year actual (全年, 年末) with no year of its own is for, when
    the document's date tells: before mid-year only the last year has ended, so
    全年实现地区生产总值… in a report of March 2024 is 2023's figure."""
    if date.month > _LAST_MONTH_BEFORE_RELEASES:
        return None
    for match in _full_year_words().finditer(paragraph_prefix):
        before = paragraph_prefix[max(0, match.start() - 1):match.start()]
        after = paragraph_prefix[match.end():match.end() + _PLAN_WORD]
        if before not in _not_before_full_year() and not after.startswith(_plan_words()):
            return date.year - 1  # not 比上年末 (last year's end) nor 全年目标 (a plan)
    return None


@cache
def _full_year_words() -> re.Pattern[str]:
    return re.compile("|".join(words_by_role("context_words", "full_year")) or r"(?!)")


@cache
def _not_before_full_year() -> frozenset[str]:
    return frozenset(words_by_role("context_words", "not_before_full_year"))


@cache
def _plan_words() -> tuple[str, ...]:
    return words_by_role("context_words", "plan_noun")


def _is_event_date(text: str, match: re.Match[str]) -> bool:
    """于2018年投入运营, 总面积达…: a year after 于 dates an event in its own clause only."""
    return (text[max(0, match.start() - 1):match.start()] == "于"
            and _CLAUSE_MARK.search(text, match.end()) is not None)


def _is_comparison_base(text: str, match: re.Match[str]) -> bool:
    """与2013年相比 / 比2013年 / 较2013年 / 恢复至2019年的五成: the year a change or a share is
    measured from, not the claim's."""
    before = text[max(0, match.start() - 1):match.start()]
    compared = words_by_role("context_words", "compared")
    if before in ("比", "较") or text.startswith(compared, match.end()):
        return True
    digits = next((match.start(g) for g in ("ty", "py", "y1", "by") if match[g]), match.start())
    if text[max(0, digits - 3):digits].endswith(words_by_role("context_words", "base_opener")):
        return True  # 恢复至2019年的五成 (至2019年 reads as a target too), 相当于2019年同期的八成
    # 恢复至2018年疫情前水平的五成: the level of that year is the yardstick
    rest_of_clause = _CLAUSE_MARK.split(text[match.end():match.end() + _BASE_REACH], 1)[0]
    return any(word in rest_of_clause for word in words_by_role("context_words", "base_level"))


def target_year(sentence_prefix: str) -> int | None:
    """The year of a 到2026年-style target phrase in the prefix, if any."""
    years = [int(m["ty"]) for m in _year_expressions().finditer(sentence_prefix) if m["target"]]
    return years[-1] if years else None


def stated_year(sentence: str, doc_year: int | None = None) -> int | None:
    """The last year a sentence states outright (2022年, 2014—2023年, 到2026年, and 去年 or
    过去一年 given the document's year), not a comparison base."""
    year = None
    for match in _year_expressions().finditer(sentence):
        if _is_comparison_base(sentence, match) or match["since"]:
            continue
        for group in ("py", "y2", "by", "ty"):
            if match[group]:
                year = int(match[group])
        offset = _relative_offsets().get(match["rel"] or "")
        # a moment (目前, 现在) points at the date itself and states no year of its own
        if offset is not None and doc_year and (offset or match["rel"] in _one_year_words()):
            year = doc_year + offset
    return year


def stated_years(text: str, sentences: Sentences, doc_year: int | None) -> list[int | None]:
    """The year each sentence states, if any (see `stated_year`)."""
    # Most sentences hold no year: one scan of the text finds the few that may.
    may_state = _year_words() if doc_year else _YEAR_DIGITS
    holding = {sentences.index_of(m.start()) for m in may_state.finditer(text)}
    return [stated_year(text[lo:hi], doc_year) if index in holding else None
            for index, (lo, hi) in enumerate(zip(sentences.starts, sentences.ends, strict=True))]


@cache
def _year_words() -> re.Pattern[str]:
    """A year in digits or a relative year word."""
    words = (word for word, offset in _relative_offsets().items() if offset is not None)
    return re.compile("|".join((_YEAR, *words)))


def _new_paragraph(text: str, sentences: Sentences, index: int) -> bool:
    """True when a line break stands between sentence `index` and the one before it."""
    return index > 0 and text.find("\n", sentences.ends[index - 1],
                                   sentences.starts[index]) >= 0


def carried_years(text: str, sentences: Sentences, stated: list[int | None],
                  heads: list[int | None]) -> list[int | None]:
    """For each sentence, the last year stated by an earlier sentence of its paragraph (line),
    else by the heading of its section (一、过去一年工作回顾 … 二、2024年工作安排); `heads`
    are from `section_heads`."""
    carried: list[int | None] = []
    current = None
    for index, head in enumerate(heads):
        if _new_paragraph(text, sentences, index):
            current = stated[head] if head is not None else None
        carried.append(current)
        current = stated[index] if head == index else stated[index] or current
    return carried


_VAGUE_REACH = 6  # characters: the longest vague opening (有史以来)


@cache
def _since_words() -> re.Pattern[str]:
    return re.compile("|".join(words_by_role("context_words", "since")) or r"(?!)")


@cache
def _vague_since() -> tuple[str, ...]:
    """Openings that name no start (长期以来, 有史以来): no period a tally runs from."""
    return words_by_role("context_words", "vague_since")


def section_heads(text: str, sentences: Sentences) -> list[int | None]:
    """For each sentence, the index of the heading sentence of its section (itself for a
    heading, None before any)."""
    # One scan finds the lines that open on a section number; only those may be headings.
    openers = sorted({sentences.index_of(m.end() - 1)
                      for m in _line_opening_number().finditer(text)})
    heads: list[int | None] = []
    current = None
    for index in openers:
        if is_section_heading(text, sentences.starts[index], sentences.ends[index]):
            heads.extend([current] * (index - len(heads)))
            current = index
    heads.extend([current] * (len(sentences.starts) - len(heads)))
    return heads


@cache
def _line_opening_number() -> re.Pattern[str]:
    return re.compile(r"^" + _section_number().pattern, re.MULTILINE)


def is_section_heading(text: str, lo: int, hi: int) -> bool:
    """True when text[lo:hi] is a whole line numbering a top-level section (一、工作回顾)."""
    if _section_number().match(text, lo) is None:
        return False
    line_start = text.rfind("\n", 0, lo) + 1
    line_end = text.find("\n", hi)
    line = text[line_start:len(text) if line_end < 0 else line_end].strip()
    return (len(line) <= _HEADING_MAX and not _SENTENCE_END.search(line)
            and _section_number().match(line) is not None)


@cache
def _section_number() -> re.Pattern[str]:
    patterns = [f"(?:{row['pattern']})" for row in load_table("story_marks")
                if row["role"] == "section"]
    # no pattern: no line is a heading
    return re.compile(r"\s*(?:" + "|".join(patterns) + ")" if patterns else r"(?!)")


def since_frames(text: str, sentences: Sentences, stated: list[int | None]) -> list[bool]:
    """For each sentence, whether an earlier sentence of its paragraph opened a period that
    runs to now (2014年以来, 党的十八大以来) and no sentence since has stated a year: the
    paragraph's tallies are then totals since that start."""
    framed: list[bool] = []
    current = False
    since = {sentences.index_of(m.start()) for m in _since_words().finditer(text)
             if not text[max(0, m.end() - _VAGUE_REACH):m.end()].endswith(_vague_since())}
    for index in range(len(sentences.starts)):
        if _new_paragraph(text, sentences, index):
            current = False
        framed.append(current)
        if index in since:
            current = True
        elif stated[index] is not None:
            current = False
    return framed


@cache
def _before_after() -> dict[str, frozenset[str]]:
    roles: dict[str, set[str]] = {}
    for row in load_table("before_after"):
        roles.setdefault(row["role"], set()).add(row["word"])
    return {role: frozenset(words) for role, words in roles.items()}


_TO_REACH = 4  # the `to` word stands within this many characters after the first number


def is_before_state(text: str, start: int, end: int) -> bool:
    """True for the first number of a from/to pair (由45%上升到93%)."""
    words = _before_after()
    before = text[max(0, start - 2):start].rstrip(" ")
    after = text[end:end + _TO_REACH]
    return (bool(before) and before[-1] in words["from"]
            and any(word in after for word in words["to"]))
