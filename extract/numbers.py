"""Find numbers with their magnitude word and unit, and drop those that are not claims.

The scan runs on normalised text (see `normalise`). A number counts only when
a unit or counter follows it (or a magnitude word lets the indicator supply
one later); dates, codes, ordinals and rhetorical counts are dropped here,
from the shape of the text around the number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

import cn2an

from .qualify import after_qualifiers
from .segment import MAX_SENTENCE, tagged_tokens, word_frequency
from .tables import load_table, longest_match, words_by_role

_CN_DIGITS = "零〇一二两三四五六七八九十"
_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"  # 1,234.5 or 1234.5
_NUMBER = re.compile(
    # The lookahead lets the regex engine skip, in C, every character no number opens with.
    r"(?=[\d百零〇一二两三四五六七八九十千])(?:"
    r"(?P<ratio>\d+(?:\.\d+)?(?::\d+(?:\.\d+)?){2,})"
    r"|百分之(?P<pct>[零〇一二两三四五六七八九十百点]+)"
    rf"|(?P<ar>{_ARABIC})"
    r"|(?P<cn>[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?))"
)
_RANGE_LINK = re.compile(r" ?(?:至|到|—|–|~|～|-) ?(?=[\d零〇一二两三四五六七八九十])")
# Characters that, touching a number, make it part of a code, a formula, a
# clock time or a date (5G, PM2.5, 3+2, 5:00, 022-2302, 2024/12).
_CODE_NEIGHBOURS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_{}+:/-.#@×*=<>")
# A counter this small, written in Chinese numerals, usually counts rhetorical
# items (四个意识, 十项行动, 七种能力) or a phase (二期工程) rather than things in the world.
_RHETORICAL_MAX = 10
_NOT_COUNT_TAGS = frozenset("vdpc")  # verbs, adverbs, prepositions, conjunctions
_WORD_REACH = 6  # characters tagged after a counter to see whether it starts a longer word
_NAME_REACH = 10  # a quoted name opens at most this many characters before its number
_OPENING_QUOTES = "“‘「『\""
_CLOSING_QUOTES = "”’」』\""


@dataclass(frozen=True)
class NumberSpan:
    """A number found in the clean text, before any context is read."""

    start: int            # clean offsets of the quote: the number through its unit
    end: int
    value: float          # in base units
    unit: str             # base unit, "" when only a magnitude was given
    unit_kind: str        # measure / counter / rate / duration (a streak) / "" (none)
    qualifier: str        # from the words inside or right after the quote, "" if none
    after: int            # clean offset just past any trailing qualifier word
    group: int = 0        # the parts of one ratio share a group id (0: not a ratio)
    default_kind: str = ""  # the unit's kind when no cue word gives one ("" = level)


@dataclass(frozen=True)
class Unit:
    """One row of units.csv."""

    base: str
    kind: str
    default_kind: str
    scale: float
    needs_noun: bool = False


@cache
def _units() -> dict[str, Unit]:
    return {row["surface"]: Unit(row["unit"], row["kind"], row["default_kind"],
                                 float(row["scale"] or 1), row["needs_noun"] == "1")
            for row in load_table("units")}


@cache
def _magnitudes() -> dict[str, float]:
    return {row["word"]: float(row["factor"]) for row in load_table("magnitudes")}


# Where a metadata field ends; matched as the last break before a number (the greedy
# lead backtracks from the number, so the cost is the phrase's length, not the window's).
_LAST_PHRASE_BREAK = re.compile(r"(?s:.*)(?:[，,；;。！？!?\n]|\s{2,}|\t)")


@cache
def _not_claim_context() -> dict[str, tuple[str, ...]]:
    where: dict[str, list[str]] = {"phrase": [], "link": [], "before": [], "after": []}
    for row in load_table("not_claim_context"):
        where[row["where"]].append(row["word"])
    return {key: tuple(words) for key, words in where.items()}


_LINK_REACH = 500  # characters: longer than any web address in running text
_ASCII_MARK = re.compile(r"[!-~]")
_LINK_TOKEN = re.compile(rf"[!-~]{{1,{_LINK_REACH}}}\Z")  # the ASCII run a number ends


def _in_metadata_phrase(text: str, start: int) -> bool:
    """True when a metadata word (电话, 定价) opens the phrase the number is in, or the
    number is part of a web address.

    A field such as 电话：010-8765 4321 runs from its word to the next comma,
    sentence mark or column gap, and an address is one run of ASCII, so figures
    elsewhere on the same line (…1300亿元，电话…, http://x.cn/2024.html全年…) stay claims.
    """
    context = _not_claim_context()
    lo = max(0, start - MAX_SENTENCE)  # linear time
    last_break = _LAST_PHRASE_BREAK.match(text, lo, start)
    phrase = text[last_break.end() if last_break else lo:start]
    if any(word in phrase for word in context["phrase"]):
        return True
    if start == 0 or not _ASCII_MARK.match(text, start - 1):
        return False  # an address is one run of ASCII, and none touches this number
    link = _LINK_TOKEN.search(text, max(0, start - _LINK_REACH), start + 1)
    return link is not None and any(word in link.group() for word in context["link"])


def _in_excluded_context(text: str, start: int, end: int) -> bool:
    """True for numbers in metadata phrases (定价, 电话) or in 用3天时间-style durations."""
    context = _not_claim_context()
    before = text[max(0, start - 4):start].rstrip(" ")
    return (_in_metadata_phrase(text, start)
            or any(before.endswith(word) and _ends_on_word(before, word)
                   for word in context["before"])
            or any(text.startswith(word, end) for word in context["after"]))


@cache
def _streak_units() -> frozenset[str]:
    """Units whose count after 连续 is a streak's length: those measure_labels.csv names one
    for (年 → 连续年数); 连续5小时 stays a duration."""
    return frozenset(row["unit"] for row in load_table("measure_labels")
                     if row["suffix"].startswith(tuple(words_by_role("context_words", "streak"))))


def _after_streak_word(text: str, start: int) -> bool:
    """True when a word that opens a streak (连续) stands right before the number."""
    return text[max(0, start - 3):start].endswith(words_by_role("context_words", "streak"))


def _ends_on_word(text: str, word: str) -> bool:
    """True when `text` ends on `word` as a word of its own (用|3天, not 费|用1200元)."""
    tokens = tagged_tokens(text, 0, len(text))
    return bool(tokens) and tokens[-1].word == word


@lru_cache(maxsize=4096)  # cn2an is slow and the same numerals (三, 十五) recur
def parse_chinese_number(text: str) -> float | None:
    """Value of a Chinese numeral (十五, 两千, 六十八点七, 二〇二四); None if it is not one."""
    if not any(ch in _CN_DIGITS for ch in text) or text == "一":
        return None
    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError, OverflowError):
        return None


def _skip_space(text: str, pos: int) -> int:
    return pos + 1 if pos < len(text) and text[pos] == " " else pos


def _read_tail(text: str, pos: int) -> tuple[int, float, Unit | None, str]:
    """Read magnitude word, 余/多 and unit after a number ending at `pos`.

    Returns (end of quote, factor, unit or None, qualifier). A unit that
    starts with a magnitude character (千瓦, 百分点) wins over the magnitude.
    """
    units, magnitudes, quals = _units(), _magnitudes(), after_qualifiers()
    factor, qualifier, end = 1.0, "", pos
    cur = _skip_space(text, pos)
    while cur < len(text):
        if text[cur] in "余多":
            qualifier, cur = quals[text[cur]], cur + 1
            continue
        unit = longest_match(text, cur, units, 7)
        if unit:
            return cur + len(unit), factor * units[unit].scale, units[unit], qualifier
        magnitude = longest_match(text, cur, magnitudes, 2)
        if magnitude and factor == 1.0:
            factor = magnitudes[magnitude]
            cur = end = cur + len(magnitude)
            cur = _skip_space(text, cur)
            continue
        break
    return end, factor, None, qualifier


_ARABIC_PART = re.compile(_ARABIC)
_TENTHS_DIGITS = "一二三四五六七八九"


def _compound_part(text: str, pos: int,
                   factor: float) -> tuple[int, float, Unit | None, str] | None:
    """The smaller part of a number written in two magnitudes (1亿|2000万人, 249万|4,850人):
    its end, value in base units, unit and qualifier, when one follows at `pos`."""
    match = _ARABIC_PART.match(text, pos)
    if match is None:
        return None
    end, part_factor, unit, qualifier = _read_tail(text, match.end())
    value = float(match.group().replace(",", "")) * part_factor
    if part_factor >= factor or value >= factor or (unit is None and part_factor == 1.0):
        return None
    digits = match.group().replace(",", "").split(".")[0]
    if part_factor == 1.0 and len(digits) != round(math.log10(factor)):
        return None  # 249万|4,850人 fills 万's four places; 5亿|10个项目 is a second number
    return end, value, unit, qualifier


def _tenths_after(text: str, end: int, surface: str) -> float:
    """The digit after a share in 成 that adds its tenths (一成四 = 14 %, 五成五 = 55 %)."""
    digit, following = text[end:end + 1], text[end + 1:end + 2]
    if not surface.endswith("成") or not digit or digit not in _TENTHS_DIGITS:
        return 0.0
    if following and following in _TENTHS_DIGITS + "十百千万亿成":  # 五成五十: no tenths
        return 0.0
    token = next((t for t in tagged_tokens(text, end, min(len(text), end + 4)) if t.start == end),
                 None)
    if token is None or len(token.word) > 1:  # 四成|一线城市: the digit opens a word
        return 0.0
    return float(_TENTHS_DIGITS.index(text[end]) + 1)


def _trailing_qualifier(text: str, pos: int, qualifier: str) -> tuple[str, int]:
    """A 左右/以上/以下 right after the quote overrides 余/多 inside it."""
    for word, qual in after_qualifiers().items():
        if len(word) > 1 and text.startswith(word, pos):
            return qual, pos + len(word)
    return qualifier, pos


def _is_code(text: str, start: int, end: int) -> bool:
    """True when the number touches characters that make it part of a code or date."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if before in _CODE_NEIGHBOURS:
        return True
    if after in _CODE_NEIGHBOURS:
        # 3.5% is matched whole; a trailing dot only ends a sentence, a dash may start a range.
        return not (after == "." and not text[end + 1:end + 2].isdigit()) and after != "-"
    return False


def _raw_numbers(text: str) -> Iterator[tuple[re.Match[str], float]]:
    for match in _NUMBER.finditer(text):
        if match["ar"]:
            yield match, float(match["ar"].replace(",", ""))
        elif match["cn"]:
            value = parse_chinese_number(match["cn"])
            if value is None and _is_one_tenth(text, match.start(), match.end()):
                value = 1.0
            if value is not None:
                yield match, value
        elif match["pct"]:
            value = parse_chinese_number(match["pct"])
            if value is not None:
                yield match, value
        else:
            yield match, 0.0


def _is_one_tenth(text: str, start: int, end: int) -> bool:
    """一 before 成 is a share (约一成, 一成四) where jieba reads it as a numeral, not a
    word it is part of (一成不变, 每一成员)."""
    if text[start:end] != "一" or not text.startswith("成", end):
        return False
    tokens = tagged_tokens(text, max(0, start - 2), min(len(text), end + 4))
    holding = next((t for t in tokens if t.start <= start < t.end), None)
    return holding is not None and holding.tag == "m"


def _ratio_parts(match: re.Match[str], group: int) -> Iterator[NumberSpan]:
    """Each share of a ratio such as 11.1:57.9:31.0, as a percent."""
    pos = match.start()
    for part in match["ratio"].split(":"):
        yield NumberSpan(pos, pos + len(part), float(part), "%", "rate", "", pos + len(part),
                         group, "share")
        pos += len(part) + 1


def find_numbers(text: str) -> list[NumberSpan]:
    """Every number in `text` that could be a claim, in order of position.

    A number with no unit followed by a range link (1至1.5小时, 3-5万元) opens
    a range; the range becomes one claim, quoted whole, valued at its upper end.
    """
    found: list[NumberSpan] = []
    waiting: list[int] = []  # starts of the numbers that opened a range
    range_next = -1  # where the second number of a range is expected
    group = 0
    consumed = 0  # end of the last compound number: its smaller part is no number of its own
    for match, value in _raw_numbers(text):
        start, end = match.span()
        if start < consumed:
            continue
        if match["ratio"]:
            group += 1
            found.extend(_ratio_parts(match, group))
            continue
        in_range = start == range_next
        if not in_range:
            waiting.clear()
        if (text[max(0, start - 2):start].rstrip(" ")[-1:] == "第"
                or (not in_range and _is_code(text, start, end))):
            continue
        chinese = bool(match["cn"] or match["pct"])
        if match["pct"]:
            quote_end, factor, found_unit, qualifier = end, 1.0, _units()["%"], ""
        else:
            quote_end, factor, found_unit, qualifier = _read_tail(text, end)
        value *= factor
        if found_unit is None and factor > 1.0 and match["ar"]:
            part = _compound_part(text, quote_end, factor)
            if part is not None:
                quote_end, extra, found_unit, qualifier = part
                value = value + extra
                consumed = quote_end
        elif found_unit is not None and found_unit.base == "%" and chinese:
            tenths = _tenths_after(text, quote_end, text[start:quote_end])
            if tenths:
                value, quote_end = value + tenths, quote_end + 1
        unit = found_unit.base if found_unit else ""
        kind = found_unit.kind if found_unit else ""
        link = None if unit else _RANGE_LINK.match(text, quote_end)
        if link:
            waiting.append(start)
            range_next = link.end()
            continue
        if kind == "excluded" and unit in _streak_units() and _after_streak_word(text, start):
            kind = "duration"  # 连续13年位居全球第一: a streak's length is a claim, unlike 2023年
        if (kind == "excluded" or (not unit and factor == 1.0)
                or (chinese and value <= _RHETORICAL_MAX and _is_rhetorical(text, start, quote_end))
                or text[quote_end:quote_end + 1] == "半"  # 1个半小时: a duration
                or _in_excluded_context(text, start, quote_end)
                or (kind == "counter" and _counter_is_word(text, quote_end, found_unit))
                or (chinese and found_unit and found_unit.needs_noun
                    and _lacks_its_noun(text, quote_end))
                or _closes_a_name(text, start, quote_end)):
            continue
        qualifier, after = _trailing_qualifier(text, quote_end, qualifier)
        if waiting:  # a range is one claim: its upper bound, at most
            start, qualifier = waiting[0], qualifier or "at_most"
        found.append(NumberSpan(start, quote_end, value, unit, kind, qualifier, after,
                                default_kind=found_unit.default_kind if found_unit else ""))
    # A value beyond a float's range (a run of 400 digits) is no claim, never inf.
    return [span for span in found if math.isfinite(span.value)]


def _counter_is_word(text: str, end: int, unit: Unit | None) -> bool:
    """True when the counter begins a verb or adverb (26 把握, 零起步): no count of things.

    A counter running into a noun (8家央企) is still a counter: jieba often
    joins them, and a count of things is followed by the things.
    """
    surface = len(unit.base) if unit else 0
    start = end - surface
    tokens = tagged_tokens(text, start, min(len(text), start + _WORD_REACH))
    first = tokens[0] if tokens else None
    return bool(first and len(first.word) > surface and first.tag[:1] in _NOT_COUNT_TAGS
                and word_frequency(first.word) > 0)  # a dictionary word, not a guess


def _lacks_its_noun(text: str, end: int) -> bool:
    """True when no noun follows a counter that needs one (两头小, 三方发力): a phrase of
    its own, not a count of things."""
    following = tagged_tokens(text, end, min(len(text), end + _WORD_REACH))[:1]
    return not (following and following[0].tag.startswith("n"))


def _closes_a_name(text: str, start: int, end: int) -> bool:
    """A count ending a quoted name (“暖新十五条”, “四个意识”) names a policy, not things."""
    if text[end:end + 1] not in _CLOSING_QUOTES:
        return False
    opening = max(text.rfind(mark, max(0, start - _NAME_REACH), start) for mark in _OPENING_QUOTES)
    return opening >= 0


def _is_rhetorical(text: str, start: int, end: int) -> bool:
    """A small Chinese-numeral count in quotes or with a rhetorical counter (四个意识)."""
    unit_char = text[end - 1]
    quoted = start and text[start - 1] in "“‘「『\"'"
    closing = text[end:end + 1]
    return bool(quoted or unit_char in words_by_role("context_words", "rhetorical_counter")
                or (closing and closing in "大”’」』"))
