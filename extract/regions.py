"""Resolve the region a claim is about, from its sentence and from the whole document.

Every region name in the document is found once with an Aho-Corasick
automaton over the region table (full names, short names, aliases). Short
names of cities and counties count only where their province is named in the
document too (新华社 is no 新华区 in a Tianjin article), and only where jieba
agrees the name is a whole word. Villages, towns and ports are found from
their suffix. A claim takes the nearest topic mention before it in its
sentence, then in its paragraph, then the document's own region.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

import ahocorasick

from .segment import clause_start, tokenizer
from .tables import load_table

LEVEL_RANK = {"country": 0, "macro_region": 1, "province": 2, "city": 3, "county": 4,
              "site": 5, "township": 5, "village": 6}
_MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}
# A mention right after one of these is the object of the sentence (引进北京项目),
# not the place the figure describes.
_OBJECT_MARKERS = ("引进", "迁出", "迁至", "流向", "来自", "赴", "向", "与", "对接", "服务",
                   "承接", "转移", "联合", "疏解", "离开", "前往", "抵达", "到")
_LOCAL_SUFFIX = re.compile(
    r"[\u4e00-\u9fff]{2,3}?(?:村|镇|乡|街道|港)(?![\u4e00-\u9fff]?(?:镇|村))")
# A wire dateline or a continuation line starts a new article on the same page.
_ARTICLE_BREAK = re.compile(
    r"^.{0,12}(?:新华社|中新社|本报|人民日报)[\u4e00-\u9fff]{0,6}\d{1,2}月\d{1,2}日电.*$"
    r"|^.{0,3}[(（]上接第.{1,3}版[)）].*$", re.M)
# Words that may open a clause before its topic region: times, 在, 全, 据了解 ...
_TIME_WORDS = re.compile(
    r"[\d\s“”\"-]|(?:19|20)\d\d ?年|\d+月|\d+日|[一二三四]季度|上半年|下半年|年底|年初|"
    r"目前|如今|当前|现在|今年|去年|明年|近年来|以来|截至|其中|同时|此外|另外|据了解|据统计|"
    r"[在从仅就全而其]")
_TOPIC_REACH = 12  # a topic region opens its sentence: within this many characters
# A place name before 村/镇 is rare in jieba's dictionary; a common word there
# (困难村, 示范村, 美丽乡村) names a kind of village, not one village.
_COMMON_WORD_FREQ = 500
_NOT_NAME_START = frozenset("个名家所项条全本该各每某其这那此村镇乡")


@dataclass(frozen=True)
class Region:
    """One row of the region table."""

    name: str
    code: str
    level: str
    province: str
    parent_code: str


@dataclass(frozen=True)
class Mention:
    """A region named in the clean text."""

    start: int
    end: int
    region: Region


@cache
def _table() -> tuple[list[Region], dict[str, list[int]], dict[str, str]]:
    """Regions, surface form → region indexes, and one-character aliases."""
    regions: list[Region] = []
    surfaces: dict[str, list[int]] = {}
    single: dict[str, str] = {}
    for row in load_table("regions"):
        index = len(regions)
        regions.append(Region(row["name"], row["code"], row["level"], row["province"],
                              row["parent_code"]))
        forms = {row["name"], row["short"], *filter(None, row["aliases"].split("|"))}
        for form in filter(None, forms):
            if len(form) == 1:
                single[form] = row["name"]
            else:
                surfaces.setdefault(form, []).append(index)
    return regions, surfaces, single


@cache
def _automaton() -> ahocorasick.Automaton:
    _, surfaces, _ = _table()
    automaton = ahocorasick.Automaton()
    for form, indexes in surfaces.items():
        automaton.add_word(form, (form, tuple(indexes)))
    automaton.make_automaton()
    return automaton


@cache
def _by_name() -> dict[str, Region]:
    regions, _, _ = _table()
    return {r.name: r for r in reversed(regions)}


@cache
def _macro_members() -> dict[frozenset[str], str]:
    rows = load_table("macro_regions")
    return {frozenset(row["members"].split("|")): row["macro"] for row in rows}


@cache
def _abbreviation_pattern() -> re.Pattern[str]:
    """One-character abbreviations where a place marker (在津, 驻津, 来津) makes them a place."""
    _, _, single = _table()
    chars = "".join(sorted(single))
    return re.compile(r"(?<=[在驻来赴留])([" + chars + r"]{1,3})(?=[\u4e00-\u9fff])")


@cache
def _not_place_names() -> tuple[str, ...]:
    return tuple(row["word"] for row in load_table("not_place_names"))


@cache
def _relative_words() -> dict[str, str]:
    return {row["word"]: row["level"] for row in load_table("region_words")}


@cache
def region_by_name(name: str) -> Region | None:
    """The region table's row for a full name, if any."""
    return _by_name().get(name)


def _is_whole_word(text: str, start: int, end: int) -> bool:
    """jieba's view, on a small window, of whether text[start:end] is not cut out of a word."""
    lo, hi = max(0, start - 6), min(len(text), end + 6)
    bounds, pos = set(), lo
    for token in tokenizer().cut(text[lo:hi], HMM=False):
        bounds.add(pos)
        pos += len(token)
    bounds.add(pos)
    return start in bounds and end in bounds


def _raw_mentions(text: str) -> list[tuple[int, int, str, tuple[int, ...]]]:
    """Leftmost-longest matches of region surface forms."""
    hits = sorted(((end - len(form) + 1, end + 1, form, idx)
                   for end, (form, idx) in _automaton().iter(text)),
                  key=lambda h: (h[0], -(h[1] - h[0])))
    chosen, last_end = [], -1
    for hit in hits:
        if hit[0] >= last_end:
            chosen.append(hit)
            last_end = hit[1]
    return chosen


def find_mentions(text: str) -> list[Mention]:
    """Every region mention in the document, ambiguities settled by the document's provinces."""
    regions, _, _ = _table()
    raw = _raw_mentions(text)
    # Places the document names by full name (or provinces, however named)
    # anchor the short names of the places inside them.
    named = Counter(
        regions[i].code for _, _, form, idx in raw for i in idx
        if regions[i].level == "province" or (form == regions[i].name and len(form) > 2))
    named_provinces = Counter(regions[i].province for _, _, form, idx in raw for i in idx
                              if regions[i].level == "province" or form == regions[i].name)
    mentions: list[Mention] = []
    for start, end, form, idx in raw:
        candidates = [regions[i] for i in idx]
        full = [r for r in candidates if r.name == form and len(form) > 2]
        pool = full or [r for r in candidates if LEVEL_RANK[r.level] <= LEVEL_RANK["province"]
                        or (r.level == "city" and named_provinces[r.province])
                        or named[r.parent_code] or named[r.code]]
        if not pool or (not full and not _is_whole_word(text, start, end)):
            continue
        best = max(pool, key=lambda r: (named_provinces[r.province], -LEVEL_RANK[r.level]))
        mentions.append(Mention(start, end, best))
    mentions.extend(_local_mentions(text))
    mentions.sort(key=lambda m: m.start)
    return mentions


def _local_mentions(text: str) -> list[Mention]:
    """Villages, towns, streets and ports named by their suffix (田庄村, 双口镇, 天津港)."""
    found = []
    frequency = tokenizer().FREQ
    _, surfaces, _ = _table()
    for match in _LOCAL_SUFFIX.finditer(text):
        name = match.group()
        stem = name[:-2] if name.endswith("街道") else name[:-1]
        if (name[0] in _NOT_NAME_START or name in _by_name()
                or any(name.endswith(word) for word in _not_place_names())
                or ((frequency.get(stem[-2:]) or 0) > _COMMON_WORD_FREQ and stem not in surfaces)
                or not _is_whole_word(text, match.start(), match.end())):
            continue
        level = ("site" if name.endswith("港") else
                 "village" if name.endswith("村") else "township")
        found.append(Mention(match.start(), match.end(), Region(name, "", level, "", "")))
    return found


def home_region(text: str, mentions: list[Mention], lo: int = 0, hi: int | None = None) -> Region:
    """The region text[lo:hi] is about: the most named one, its first lines counting triple."""
    hi = len(text) if hi is None else hi
    inside = [m for m in mentions if lo <= m.start < hi
              and m.region.level not in ("village", "township", "site", "country")]
    if not inside:
        return region_by_name("中国") or Region("中国", "", "country", "", "")
    body = text[lo:hi].lstrip()
    title_end = hi - len(body) + len("\n".join(body.splitlines()[:3]))
    votes: Counter[str] = Counter()
    for m in inside:
        votes[m.region.name] += 3 if m.start < title_end else 1
    name = votes.most_common(1)[0][0]
    return region_by_name(name) or inside[0].region


def article_bounds(text: str) -> list[int]:
    """Starts of the articles in a page that holds several (wire datelines, 上接第1版 lines)."""
    return [0] + [m.start() for m in _ARTICLE_BREAK.finditer(text)]


def _macro_containing(names: set[str | None]) -> str | None:
    """The smallest macro region whose members include all `names` (津冀 → 京津冀)."""
    fits = [(len(members), macro) for members, macro in _macro_members().items()
            if names <= members]
    return min(fits)[1] if fits else None


def _abbreviation_mentions(text: str, home: Region) -> list[Mention]:
    """One-character abbreviations after 在/驻/来 (在津, 驻津高校), read against the home region."""
    found = []
    for match in _abbreviation_pattern().finditer(text):
        names = {abbreviation_region(char, home) for char in match.group(1)}
        if None in names:
            continue
        name = names.pop() if len(names) == 1 else _macro_containing(names)
        region = region_by_name(name or "")
        if region:
            found.append(Mention(match.start(1), match.end(1), region))
    return found


@dataclass
class RegionResolver:
    """Region resolution for one document: its mentions and the region of each article."""

    text: str
    mentions: list[Mention]
    article_starts: list[int]
    article_homes: list[Region]
    mention_starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.mention_starts = [m.start for m in self.mentions]

    @classmethod
    def for_text(cls, text: str) -> RegionResolver:
        mentions = find_mentions(text)
        starts = article_bounds(text)
        ends = [*starts[1:], len(text)]
        document_home = home_region(text, mentions)
        homes = []
        for lo, hi in zip(starts, ends, strict=True):
            home = home_region(text, mentions, lo, hi)
            homes.append(home if home.level != "country" else document_home)
        mentions = sorted(mentions + _abbreviation_mentions(text, document_home),
                          key=lambda m: m.start)
        return cls(text, mentions, starts, homes)

    def _mentions_between(self, lo: int, hi: int) -> list[Mention]:
        """Mentions lying wholly inside text[lo:hi], in order (mentions are sorted by start)."""
        first = bisect.bisect_left(self.mention_starts, lo)
        last = bisect.bisect_left(self.mention_starts, hi)
        return [m for m in self.mentions[first:last] if m.end <= hi]

    def home_at(self, pos: int) -> Region:
        """The region of the article holding `pos`."""
        return self.article_homes[bisect.bisect_right(self.article_starts, pos) - 1]

    def resolve(self, sentence_start: int, clause_lo: int, earlier_sentences: list[int],
                pos: int) -> tuple[Region, float]:
        """The region for a number at `pos`, and how sure we are (0..1).

        全市-style words and 全国 count only in the number's own clause:
        elsewhere they are usually a comparison (居全市前列, 全国文明城区).
        A sentence of the paragraph (`earlier_sentences`: the paragraph's
        opening and the starts of the sentences before this one) lends its
        region only when the region opens that sentence, as a topic does.
        """
        relative = self._relative_before(clause_lo, pos)
        in_sentence = self._topic_before(sentence_start, pos, relative, clause_lo)
        if in_sentence:
            return in_sentence, 0.9
        for earlier in reversed(earlier_sentences):
            topic = self._topic_before(earlier, earlier + _TOPIC_REACH, None, earlier)
            if topic:
                return topic, 0.7
        return self.home_at(pos), 0.55

    def _topic_before(self, lo: int, hi: int, relative: tuple[Region, int] | None,
                      clause_lo: int) -> Region | None:
        """The region named as a topic in text[lo:hi], lists and chains merged.

        A region opening its clause (2022年北京、天津、河北经济总量…) is the
        topic; failing one, the nearest mention that is not an object.
        """
        inside = [m for m in self._mentions_between(lo, hi)
                  if not (m.region.level == "country" and m.start < clause_lo)]
        opening = [m for m in inside if self._opens_clause(m, lo)]
        group = self._nearest_group(opening) or self._nearest_group(inside)
        if relative and (not group or relative[1] > group[0].end):
            return relative[0]
        if not group:
            return relative[0] if relative else None
        return self._merge(list(reversed(group)))

    def _nearest_group(self, mentions: list[Mention]) -> list[Mention]:
        """The last mention (not an object) with the mentions chained or listed before it."""
        group: list[Mention] = []
        for mention in reversed(mentions):
            if group and not self._adjacent(mention, group[-1]):
                break
            if not group and self._is_object(mention):
                continue
            group.append(mention)
        return group

    def _opens_clause(self, mention: Mention, lo: int) -> bool:
        """True when only time words, marks or a preposition stand between clause start and it."""
        start = clause_start(self.text, lo, mention.start)
        gap = _TIME_WORDS.sub("", self.text[start:mention.start])
        return gap == "" or gap in self._chain_gaps(mention)

    def _chain_gaps(self, mention: Mention) -> set[str]:
        """Text that may precede a chained mention: the mentions just before it."""
        return {self.text[m.start:mention.start] for m in self.mentions
                if m.end <= mention.start and mention.start - m.start <= 12}

    def _relative_before(self, lo: int, hi: int) -> tuple[Region, int] | None:
        """A 全市/全区-style word in text[lo:hi], read as the nearest earlier place of its level."""
        best = None
        for word, level in _relative_words().items():
            at = self.text.rfind(word, lo, hi)
            if at >= 0 and (best is None or at > best[1]):
                best = (level, at)
        if best is None:
            return None
        level, at = best
        home = self.home_at(at)
        if self._fits_level(home, level):
            return home, at
        for mention in reversed(self._mentions_between(0, at)):
            if self._fits_level(mention.region, level):
                return mention.region, at
        return None

    @staticmethod
    def _fits_level(region: Region, level: str) -> bool:
        if level == "city":
            return region.level == "city" or region.name in _MUNICIPALITIES
        return region.level == level or (level == "county" and region.name.endswith("新区"))

    def _is_object(self, mention: Mention) -> bool:
        before = self.text[max(0, mention.start - 2):mention.start]
        return any(before.endswith(marker) for marker in _OBJECT_MARKERS)

    def _adjacent(self, earlier: Mention, later: Mention) -> bool:
        """Mentions joined directly (天津滨海新区) or by a list mark (北京、天津)."""
        gap = self.text[earlier.end:later.start]
        return gap in ("", "、", "和", "与", "及", ",")

    @staticmethod
    def _merge(group: list[Mention]) -> Region:
        """A parent-child chain gives the child; a list of provinces gives their macro region."""
        names = frozenset(m.region.name for m in group)
        if len(names) > 1:
            macro = _macro_members().get(names)
            if macro:
                return region_by_name(macro) or group[-1].region
            if all(m.region.level == "province" for m in group):
                return group[0].region
        return max(group, key=lambda m: LEVEL_RANK[m.region.level]).region


def abbreviation_region(char: str, home: Region) -> str | None:
    """What a one-character abbreviation means here: 津 is 江津 in a Jiangjin report."""
    _, _, single = _table()
    if char in home.name and home.level in ("city", "county"):
        return home.name
    return single.get(char)
