"""Resolve the region a claim is about, from its sentence and from the whole document.

Every region name in the document is found once with a leftmost-longest
Aho-Corasick automaton over the region table (full names, short names, aliases). Short
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
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache

import ahocorasick_rs

from .segment import Sentences, clause_start, own_tag, tagged_tokens, tagger, word_frequency
from .stories import Story, split_stories
from .tables import load_table, longest_ending, words_by_role
from .years import relative_year_words

LEVEL_RANK = {"country": 0, "macro_region": 1, "province": 2, "city": 3, "county": 4,
              "site": 5, "township": 5, "village": 6}
_OWN_PLACE_GAP = 2  # characters (a space, a colon) between a place and its own figure
_NAME_REACH = 24  # characters: longer than any place name


@cache
def _clause_opening() -> re.Pattern[str]:
    """Only times and opener words (context_words.csv) between a clause's start and a
    place: each step takes the first that fits, as a left-to-right reading does, and
    never backtracks (linear time)."""
    words = sorted(words_by_role("context_words", "clause_opener"), key=len, reverse=True)
    times = r"[\d\s“”\"-]|(?:19|20)\d\d ?年|\d+月|\d+日|[一二三四]季度"
    return re.compile(f"(?>{times}|{'|'.join(map(re.escape, words))})*+")


_HAN = re.compile(r"[\u4e00-\u9fff]")
_LIST_GAPS = ("", "、", "和", "与", "及", ",", "的")  # between chained or listed places
_NAME_LENGTH = 6  # characters: a town or street name inside a chain of places
_CLAUSE_MARKS = frozenset(",，、;；:：。！？ ")
_QUOTED_NAME = 12  # characters: a quoted name or slogan, not quoted speech
_TOPIC_REACH = 12  # a topic region opens its sentence: within this many characters
_ROUND_OF_CITIES = 3  # a story naming this many cities of one province, none most, is about it
_TITLE_WEIGHT = 3  # a place named in a story's title counts this many times
# A place name before 村/镇 is rare in jieba's dictionary; a common word there
# (困难村, 示范村, 美丽乡村) names a kind of village, not one village.
_COMMON_WORD_FREQ = 500
# A full name this short (应城市, 南京市) may still be cut out of other words (适应城市):
# it must be a whole word too. Longer full names (滨海新区, 河北区 aside) stand alone.
_SHORT_FULL_NAME = 3
# Part-of-speech tags (first letter) that never begin or sit inside a place name:
# prepositions, conjunctions, particles, adverbs, verbs, pronouns. Localisers,
# numerals and classifiers do occur in names (丰年里, 三河村, 卫国道).
_FUNCTION_TAGS = frozenset("pcudvr")
# Tags of words that describe rather than name: idioms and set phrases (软弱涣散, 后进).
_DESCRIPTION_TAGS = frozenset("il")


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
def _automaton() -> tuple[ahocorasick_rs.AhoCorasick, list[str]]:
    """A leftmost-longest automaton over every surface form, and the forms by pattern index."""
    _, surfaces, _ = _table()
    forms = list(surfaces)
    return ahocorasick_rs.AhoCorasick(forms, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest), \
        forms


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
def _suffix_starts() -> re.Pattern[str]:
    """Zero-width matches where a place suffix begins (overlapping ones included)."""
    suffixes = "|".join(sorted(_place_suffixes(), key=len, reverse=True))
    return re.compile(f"(?=(?:{suffixes}))")


def _suffix_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches `_local_suffix().finditer(text)` gives, tried only where one can start.

    A match ends in a suffix two to four characters after its start, so only those
    starts are tried; the scan for suffixes runs in C (most of a text holds none).
    """
    pattern = _local_suffix()
    tried = resume = 0
    for suffix in _suffix_starts().finditer(text):
        at = suffix.start()
        for start in range(max(tried, resume, at - 4), at - 1):
            match = pattern.match(text, start)
            if match:
                yield match
                resume = match.end()
                break
        tried = max(tried, at - 1)


@cache
def _place_suffixes() -> dict[str, str]:
    return {row["suffix"]: row["level"] for row in load_table("place_suffixes")}


@cache
def _longest_suffix() -> int:
    return max(map(len, _place_suffixes()), default=0)


@cache
def _local_suffix() -> re.Pattern[str]:
    """A two-to-four character name before a place suffix, not followed by another suffix."""
    suffixes = "|".join(sorted(_place_suffixes(), key=len, reverse=True))
    return re.compile(rf"[\u4e00-\u9fff]{{2,4}}?(?:{suffixes})(?![\u4e00-\u9fff]?(?:{suffixes}))")


@cache
def _organs() -> tuple[str, ...]:
    """Words that, right after a place, name one of its organs (区委, 政府, 统计局)."""
    return tuple(words_by_role("context_words", "organ"))


@cache
def _not_place_names() -> frozenset[str]:
    return frozenset(row["word"] for row in load_table("not_place_names"))


@cache
def _relative_automaton() -> tuple[ahocorasick_rs.AhoCorasick, tuple[str, ...]]:
    """The 全市-style words in one automaton, with the level each means, in table order."""
    words = _relative_words()
    return ahocorasick_rs.AhoCorasick(list(words)), tuple(words.values())


@cache
def _relative_words() -> dict[str, str]:
    return {row["word"]: row["level"] for row in load_table("region_words")}


@cache
@cache
def _name_count() -> Counter[str]:
    """How many places of the table bear each full name."""
    regions, _, _ = _table()
    return Counter(r.name for r in regions)


def region_by_name(name: str) -> Region | None:
    """The region table's row for a full name, if any."""
    return _by_name().get(name)


def _is_whole_word(text: str, start: int, end: int) -> bool:
    """jieba's view, on a small window, of whether text[start:end] is not cut out of a word."""
    han_before = start > 0 and _HAN.match(text, start - 1) is not None
    if not han_before and not _HAN.match(text, end):
        return True  # jieba cuts a run of Chinese characters off whatever stands beside it
    lo, hi = max(0, start - 6), min(len(text), end + 6)
    bounds, pos = set(), lo
    for token in tagger().cut(text[lo:hi], False):
        bounds.add(pos)
        pos += len(token)
    bounds.add(pos)
    return start in bounds and end in bounds


def _raw_mentions(text: str) -> list[tuple[int, int, str, tuple[int, ...]]]:
    """Leftmost-longest matches of region surface forms."""
    automaton, forms = _automaton()
    _, surfaces, _ = _table()
    return [(start, end, forms[i], tuple(surfaces[forms[i]]))
            for i, start, end in automaton.find_matches_as_indexes(text)]


def find_mentions(text: str) -> list[Mention]:
    """Every region mention in the document, ambiguities settled by the document's provinces."""
    regions, _, _ = _table()
    raw = _raw_mentions(text)
    # Places the document names by full name (or provinces, however named)
    # anchor the short names of the places inside them.
    named = Counter(
        regions[i].code for _, _, form, idx in raw for i in idx
        if regions[i].level == "province"
        or (form == regions[i].name and len(form) > _SHORT_FULL_NAME))
    named_provinces = Counter(
        regions[i].province for _, _, form, idx in raw for i in idx
        if regions[i].level == "province"
        or (form == regions[i].name and len(form) > _SHORT_FULL_NAME))
    mentions: list[Mention] = []
    for start, end, form, idx in raw:
        candidates = [regions[i] for i in idx]
        # A short full name (西青区) stands alone when it is a whole word and no other
        # place bears it; 和平区 (Tianjin, Shenyang) needs its province or city named.
        full = [r for r in candidates if r.name == form
                and (len(form) > _SHORT_FULL_NAME or r.level == "province"
                     or (_name_count()[form] == 1 and _is_whole_word(text, start, end)))]
        # A city's short name stands alone when no other place bears it and jieba's own
        # dictionary reads it as a place (杭州5.6%、宁波6.1%), not a word (来宾, 大同).
        pool = full or [r for r in candidates if LEVEL_RANK[r.level] <= LEVEL_RANK["province"]
                        or (r.level == "city" and (named_provinces[r.province] or (
                            len(candidates) == 1 and own_tag(form) == "ns")))
                        or (r.parent_code and named[r.parent_code])
                        or (r.code and named[r.code])]  # "" is no code: 中国 names no site
        if not pool or (not full and not _is_whole_word(text, start, end)):
            continue
        best = max(pool, key=lambda r: (named_provinces[r.province], -LEVEL_RANK[r.level]))
        mentions.append(Mention(start, end, best))
    # A name found by its suffix never overlaps one the table holds (2023年香港: no 年香港),
    # unless its stem is those names alone: 宁波舟山港 is the port of 宁波 and 舟山.
    starts = [m.start for m in mentions]
    named = set(range(len(mentions)))
    locals_kept = []
    for local in _local_mentions(text):
        k = bisect.bisect_left(starts, local.end)
        overlapping = [i for i in range(max(0, k - 3), k)
                       if mentions[i].start < local.end and local.start < mentions[i].end]
        if overlapping and _stem_of_names(text, local, [mentions[i] for i in overlapping]):
            named -= set(overlapping)
            overlapping = []
        if not overlapping:
            locals_kept.append(local)
    return sorted([mentions[i] for i in named] + locals_kept, key=lambda m: m.start)


def _stem_of_names(text: str, local: Mention, names: list[Mention]) -> bool:
    """True when the table's names fill the local name's stem end to end (宁波|舟山|港)."""
    pos = local.start
    for mention in sorted(names, key=lambda m: m.start):
        if mention.start != pos:
            return False
        pos = mention.end
    return text[pos:local.end] in _place_suffixes()


def _local_mentions(text: str) -> list[Mention]:
    """Villages, towns, communities and ports named by their suffix (田庄村, 丰年里社区, 天津港).

    The name starts after any function word or verb the match swept up
    (在中河头村, 是赵圈村, 为了让社区): its stem is the run of content tokens
    right before the suffix.
    """
    found = []
    suffixes = _place_suffixes()
    by_length = sorted(suffixes, key=len, reverse=True)
    time_words, sheds = relative_year_words(), words_by_role("context_words", "name_sheds")
    for match in _suffix_matches(text):
        suffix = next(x for x in by_length if match.group().endswith(x))
        stem_end = match.end() - len(suffix)
        start = stem_end
        stem_tags = []
        for token in reversed(tagged_tokens(text, match.start(), stem_end)):
            if token.tag[:1] in _FUNCTION_TAGS or token.word in time_words:
                break  # 去年|全港: a time word opens no name
            start = token.start
            stem_tags.append(token.tag)
        while stem_end - start > 2 and text[start] in sheds:
            start += 1
        if stem_end - start >= 2 and _is_local_name(text, start, match.end(),
                                                    text[start:stem_end], stem_tags):
            name = text[start:match.end()]
            found.append(Mention(start, match.end(), Region(name, "", suffixes[suffix], "", "")))
    return found


def _is_local_name(text: str, start: int, end: int, stem: str, stem_tags: list[str]) -> bool:
    """True when text[start:end] reads as one named place, not a phrase or a kind of place.

    A stem ending in a place suffix itself (面向镇|村, 城乡|社区) pairs two
    kinds of place (镇村, 乡村社区): a phrase, not a name. A stem of idioms or
    set phrases (软弱涣散|村) describes a kind of place. A common word as stem names a kind
    (困难|村) unless the name is chained after its street or town (郫筒街道|书院社区).
    The cheap tests go first: most candidates fail one.
    """
    name = text[start:end]
    _, surfaces, _ = _table()
    if (name[0] in words_by_role("context_words", "not_name_start") or name in _by_name()
            # a one-character kind (镇, 村) before the suffix pairs two kinds of place;
            # a longer suffix there is part of the name (晓镇家园|社区)
            or (stem[-1] in _place_suffixes() and stem not in surfaces)
            or (stem_tags and all(tag[:1] in _DESCRIPTION_TAGS for tag in stem_tags))):
        return False
    if (stem not in surfaces and word_frequency(stem[-2:]) > _COMMON_WORD_FREQ
            and longest_ending(text, start, _place_suffixes(), _longest_suffix()) is None):
        return False
    return not _ends_in_common_noun(name) and _is_whole_word(text, start, end)


def _ends_in_common_noun(name: str) -> bool:
    """True when the name ends in a not_place_names.csv word (…示范村 names a kind) that
    is a word of its own there (上海港 ends in no 海港: jieba reads 上海|港 or 上海港)."""
    words = _not_place_names()
    ending = longest_ending(name, len(name), words, _longest(words))
    if ending is None:
        return False
    cut = len(name) - len(ending)
    return cut == 0 or cut in {token.start for token in tagged_tokens(name, 0, len(name))}


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


def story_topic(mentions: list[Mention], story: Story) -> Region | None:
    """The place a story is about: the most named one, title mentions counting triple.

    Villages, communities and ports count here (a story about 田庄村 is filed
    under 田庄村); on a tie the more specific place wins. Objects of a verb
    (引进北京项目) do not vote.
    """
    votes: Counter[str] = Counter()
    regions: dict[str, Region] = {}
    for m in mentions:
        if story.start <= m.start < story.end:
            votes[m.region.name] += _TITLE_WEIGHT if m.start < story.title_end else 1
            regions[m.region.name] = m.region
    if not votes:
        return None
    name = max(votes, key=lambda n: (votes[n], LEVEL_RANK[regions[n].level]))
    return _common_province(votes, regions, name) or regions[name]


def _common_province(votes: Counter[str], regions: dict[str, Region], best: str) -> Region | None:
    """The province a story is about when it goes round its cities (杭州…宁波…温州…绍兴),
    none of them named in more than half the city mentions."""
    cities = [n for n in votes if regions[n].level == "city"]
    provinces = {regions[n].province for n in cities}
    if (regions[best].level != "city" or len(cities) < _ROUND_OF_CITIES or len(provinces) != 1
            or 2 * votes[best] > sum(votes[n] for n in cities)):
        return None
    return region_by_name(provinces.pop())


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
    """Region resolution for one document: mentions, stories, the topic each sentence carries.

    A figure with no place of its own takes, in order: the topic opening an
    earlier sentence of its story (the running topic), the story's topic,
    the document's own region.
    """

    text: str
    mentions: list[Mention]
    sentences: Sentences
    stories: list[Story]
    story_homes: list[Region]
    table_rows: frozenset[int] = frozenset()  # sentence starts of table rows: never carried
    asides: frozenset[int] = frozenset()  # starts of mentions that are no topic (_is_aside)
    objects: frozenset[int] = frozenset()  # starts of mentions that are objects (_is_object)
    mention_starts: list[int] = field(init=False)
    story_starts: list[int] = field(init=False)
    carried: list[Region | None] = field(init=False)

    def __post_init__(self) -> None:
        self.mention_starts = [m.start for m in self.mentions]
        self.story_starts = [s.start for s in self.stories]
        self.carried = self._carried_topics()

    @classmethod
    def for_text(cls, text: str, sentences: Sentences,
                 table_rows: frozenset[int] = frozenset()) -> RegionResolver:
        mentions = find_mentions(text)
        stories = split_stories(text)

        def in_prose(m: Mention) -> bool:  # a table by district says nothing of the topic
            return sentences.starts[sentences.index_of(m.start)] not in table_rows

        document_home = home_region(text, [m for m in mentions if in_prose(m)])
        mentions = sorted(mentions + _abbreviation_mentions(text, document_home),
                          key=lambda m: m.start)
        asides = frozenset(m.start for m in mentions if _is_aside(text, m))
        objects = frozenset(m.start for m in mentions if _is_object(text, m))
        topics = [m for m in mentions if m.start not in objects and m.start not in asides
                  and in_prose(m)]
        homes = [story_topic(topics, story) or document_home for story in stories]
        placed = _placed_locals(text, mentions, stories, homes, document_home)
        mentions = [Mention(m.start, m.end, placed.get(m.region.name, m.region))
                    if not m.region.code else m for m in mentions]
        homes = [placed.get(h.name, h) if not h.code else h for h in homes]
        return cls(text, mentions, sentences, stories, homes, table_rows, asides, objects)

    def mention_starts_between(self, lo: int, hi: int) -> set[int]:
        """Start offsets of the region mentions inside text[lo:hi] that are not objects.

        An object (引进北京项目) belongs to the label; a topic place does not.
        """
        return {m.start for m in self._mentions_between(lo, hi) if m.start not in self.objects}

    def mentions_in(self, lo: int, hi: int) -> list[Mention]:
        """The region mentions inside text[lo:hi] that are not objects, in order."""
        return [m for m in self._mentions_between(lo, hi) if m.start not in self.objects]

    def place_in(self, lo: int, hi: int) -> Region | None:
        """The place text[lo:hi] names (a chain gives its finest: 天津市滨海新区), if any."""
        mentions = self.mentions_in(lo, hi)
        return self._merge(mentions) if mentions else None

    def story_index(self, pos: int) -> int:
        """The index of the story holding text position `pos`."""
        return bisect.bisect_right(self.story_starts, pos) - 1

    def _carried_topics(self) -> list[Region | None]:
        """For each sentence, the topic opening the latest earlier sentence of its story."""
        carried: list[Region | None] = []
        current: Region | None = None
        story, first = -1, 0  # the story and the first mention not before the sentence
        starts, mentions = self.mention_starts, len(self.mentions)
        for start in self.sentences.starts:
            here = self.story_index(start)
            if here != story:
                story, current = here, None
            carried.append(current)
            while first < mentions and starts[first] < start:
                first += 1
            if first == mentions or starts[first] >= start + _TOPIC_REACH:
                continue  # no place opens this sentence
            if start in self.table_rows:  # a district's row is its own, not the prose after
                continue
            topic = self._topic_before(start, start + _TOPIC_REACH, None, start, carrying=True)
            # 全国 opening is a comparison; a list of places (其中,锦江区、青羊区…) breaks a
            # figure down by place and is no topic for the sentences after it, unless it
            # makes one macro region (北京、天津、河北 → 京津冀).
            listed = (first + 1 < mentions and topic is not None
                      and topic.level != "macro_region"
                      and self.text[self.mentions[first].end:starts[first + 1]]
                      in words_by_role("context_words", "list_mark"))
            if topic is not None and topic.level != "country" and not listed:
                current = topic
        return carried

    def home_at(self, pos: int) -> Region:
        """The topic of the story holding `pos`."""
        return self.story_homes[self.story_index(pos)]

    def resolve(self, sentence_index: int, clause_lo: int, pos: int,
                end: int | None = None) -> tuple[Region, float]:
        """The region for a number at text[pos:end], and how sure we are (0..1).

        全市-style words and 全国 count only in the number's own clause or opening its
        sentence: elsewhere they are usually a comparison (居全市前列, 全国文明城区).
        """
        sentence_start = self.sentences.starts[sentence_index]
        own = self._written_before(max(sentence_start, pos - _OWN_PLACE_GAP - _NAME_REACH), pos)
        if own is not None:  # 杭州5.6%、宁波6.1%: each figure its own place
            return own, 0.9
        modified = self._modified_after(clause_lo, pos, end)
        if modified is not None:  # 全长11.5公里的西青区子牙河大堤
            return modified, 0.85
        relative = self._relative_before(clause_lo, pos)
        in_sentence = self._topic_before(sentence_start, pos, relative, clause_lo)
        if in_sentence:
            return in_sentence, 0.9
        opening = self._relative_before(sentence_start, clause_lo) if relative is None else None
        if opening and _clause_opening().fullmatch(self.text, sentence_start, opening[1]):
            return opening[0], 0.8  # 今年全省…主要预期目标是:地区生产总值增长6%: its subject
        carried, home = self.carried[sentence_index], self.home_at(pos)
        if carried is not None and not _encloses(carried, home) and not _local_within(home,
                                                                                     carried):
            return carried, 0.7
        return home, 0.55

    def _modified_after(self, clause_lo: int, pos: int, end: int | None) -> Region | None:
        """The place opening the noun phrase a 的 after the number leads to, when the
        clause names no place before the number (全长11.5公里的西青区子牙河大堤)."""
        if end is None or not self.text.startswith("的", end) or self._mentions_between(
                clause_lo, pos):
            return None
        after = self._mentions_between(end + 1, end + 1 + _NAME_REACH)
        return after[0].region if after and after[0].start == end + 1 else None

    def _written_before(self, lo: int, pos: int) -> Region | None:
        """A place written right before the number (only a space or colon between)."""
        mentions = self._mentions_between(lo, pos)
        if not mentions:
            return None
        last = mentions[-1]
        gap = self.text[last.end:pos]
        if len(gap) > _OWN_PLACE_GAP or gap.strip(" :：") or last.start in self.objects:
            return None
        return last.region

    def _mentions_between(self, lo: int, hi: int) -> list[Mention]:
        """Mentions lying wholly inside text[lo:hi], in order (mentions are sorted by start)."""
        first = bisect.bisect_left(self.mention_starts, lo)
        last = bisect.bisect_left(self.mention_starts, hi)
        return [m for m in self.mentions[first:last] if m.end <= hi]

    def _topic_before(self, lo: int, hi: int, relative: tuple[Region, int] | None,
                      clause_lo: int, carrying: bool = False) -> Region | None:
        """The region named as a topic in text[lo:hi], lists and chains merged.

        A region opening its clause (2022年北京、天津、河北经济总量…) is the
        topic; failing one, the nearest mention that is not an object. A topic
        carried on to later sentences is never a place owning the organ that
        acts (今年7月,北辰区委组织部开展培训: the story stays on its village).
        """
        between = self._mentions_between(lo, hi)
        if not between:
            return relative[0] if relative else None
        inside = [m for m in between if m.start not in self.asides
                  and not (carrying and self.text.startswith(_organs(), m.end))
                  and not (m.region.level == "country" and m.start < clause_lo
                          and self.text[m.start:m.end] in words_by_role("context_words",
                                                                    "comparison_country"))]
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
            if not group and mention.start in self.objects:
                continue
            group.append(mention)
        return group

    def _opens_clause(self, mention: Mention, lo: int) -> bool:
        """True when only time words, marks or a preposition stand between clause start and it.

        A mention chained or listed after one that opens the clause (天津市滨海新区,
        北京、天津) opens it too.
        """
        start = clause_start(self.text, lo, mention.start)
        first = mention
        index = bisect.bisect_left(self.mention_starts, mention.start)
        while index > 0:
            earlier = self.mentions[index - 1]
            if earlier.end > first.start or earlier.start < start or not self._adjacent(earlier,
                                                                                          first):
                break
            first, index = earlier, index - 1
        return _clause_opening().fullmatch(self.text, start, first.start) is not None

    def _relative_before(self, lo: int, hi: int) -> tuple[Region, int] | None:
        """A 全市/全区-style word in text[lo:hi], read as the nearest earlier place of its level."""
        automaton, levels = _relative_automaton()
        found = automaton.find_matches_as_indexes(self.text[lo:hi], overlapping=True)
        if not found:
            return None
        # the latest word; at one position, the first in the table
        index, start, _ = max(found, key=lambda m: (m[1], -m[0]))
        level, at = levels[index], lo + start
        home = self.home_at(at)
        if self._fits_level(home, level):
            return home, at
        for mention in reversed(self._mentions_between(self.stories[self.story_index(at)].start,
                                                       at)):
            if self._fits_level(mention.region, level):
                return mention.region, at
        enclosing = _enclosing(home, level)  # 全省 in a story about 绍兴市: 浙江省
        return (enclosing, at) if enclosing is not None else None

    @staticmethod
    def _fits_level(region: Region, level: str) -> bool:
        if level == "city":
            municipality = region.level == "province" and region.name.endswith("市")  # 天津市
            return region.level == "city" or municipality
        return region.level == level or (level == "county" and region.name.endswith("新区"))

    def _adjacent(self, earlier: Mention, later: Mention) -> bool:
        """Mentions joined directly (天津滨海新区), by a list mark (北京、天津), or by
        a place of the chain the tables do not hold (东丽区|丰年村街道|丰年里社区)."""
        gap = self.text[earlier.end:later.start]
        return gap in _LIST_GAPS or _is_chain_gap(gap)

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


def _placed_locals(text: str, mentions: list[Mention], stories: list[Story],
                   homes: list[Region], document_home: Region) -> dict[str, Region]:
    """Each village, town or port of the document with the region it lies in.

    The parent is the coded place its name is chained to (北辰区双口镇前丁庄村: 北辰区),
    else the coded place its story is about, else the document's; the first
    mention that tells decides, so every row of one name agrees.
    """
    story_starts = [story.start for story in stories]
    unplaced = [(i, m) for i, m in enumerate(mentions)  # a place of the table knows its own
                if not m.region.code and not m.region.province]
    parents: dict[str, tuple[Region, Region]] = {}  # name -> (the place, where it lies)
    for index, mention in unplaced:
        k, later = index - 1, mention
        while (mention.region.name not in parents and k >= 0
               and mentions[k].end <= later.start and _chained(text, mentions[k], later)):
            if mentions[k].region.code:
                parents[mention.region.name] = (mention.region, mentions[k].region)
            k, later = k - 1, mentions[k]
    for _, mention in unplaced:
        home = homes[max(0, bisect.bisect_right(story_starts, mention.start) - 1)]
        parent = home if home.code else document_home
        if mention.region.name not in parents and parent.code and parent.level != "country":
            parents[mention.region.name] = (mention.region, parent)
    return {name: replace(place, province=parent.province or parent.name, parent_code=parent.code)
            for name, (place, parent) in parents.items()}


def _chained(text: str, earlier: Mention, later: Mention) -> bool:
    """Mentions written one inside the other's name (天津市北辰区, 北辰区双口镇)."""
    gap = text[earlier.end:later.start]
    return gap in ("", " ") or _is_chain_gap(gap)


def _is_chain_gap(gap: str) -> bool:
    """A place of the chain the tables do not hold (东丽区|丰年村街道|丰年里社区)."""
    return (len(gap) <= _NAME_LENGTH and _CLAUSE_MARKS.isdisjoint(gap)
            and gap.endswith(tuple(_place_suffixes())))


def _encloses(outer: Region, inner: Region) -> bool:
    """True when `inner` lies inside `outer` (重庆市 holds 江津区): the finer place wins."""
    return (LEVEL_RANK[outer.level] < LEVEL_RANK[inner.level]
            and outer.name in (inner.province, region_name_of_code(inner.parent_code)))


def _enclosing(region: Region, level: str) -> Region | None:
    """The region of `level` that holds `region` (its province, or its parent city), if any."""
    for name in (region.province, region_name_of_code(region.parent_code)):
        outer = region_by_name(name) if name else None
        if outer is not None and outer.name != region.name and RegionResolver._fits_level(
                outer, level):
            return outer
    return None


def _local_within(local: Region, outer: Region) -> bool:
    """True when a story's village, town or port is finer than an admin region carried over.

    Such places are found by suffix and carry no parent, so enclosure is read from
    the level: a story about 凌庄子村 that says 天津市第一家… in passing stays on the village.
    """
    return not local.code and LEVEL_RANK[local.level] > LEVEL_RANK[outer.level]


@cache
def region_name_of_code(code: str) -> str:
    """The name of the region with GB/T 2260 `code`, "" when there is none."""
    regions, _, _ = _table()
    return next((r.name for r in regions if code and r.code == code), "")


def _is_aside(text: str, mention: Mention) -> bool:
    """A place that is not what its sentence is about: an example of a list (滨海新区开发区等
    9个重点园区: one of the things counted), a word of a quoted name (“中国啤酒之都”), the
    ends of a route (成渝|中线高铁), visitors' origin (香港|旅客) or the source a figure is
    cited from (据|合肥海关|统计)."""
    return (_is_example(text, mention) or _in_quoted_name(text, mention)
            or _names_a_route(text, mention) or _names_an_origin(text, mention)
            or _in_attribution(text, mention))


_ATTRIBUTION_REACH = 10  # characters from a source's place to the verb that cites it


def _in_attribution(text: str, mention: Mention) -> bool:
    """A place in the source a figure is cited from (据合肥海关统计, 记者从宁波市统计局获悉)
    names the office that counts, not the place counted."""
    if not text[max(0, mention.start - 3):mention.start].endswith(
            words_by_role("context_words", "source_opener")):
        return False
    rest = re.split(r"[,;:。；]", text[mention.end:mention.end + _ATTRIBUTION_REACH], maxsplit=1)[0]
    return any(word in rest for word in words_by_role("context_words", "source_verb"))


def _names_an_origin(text: str, mention: Mention) -> bool:
    """A place right before 旅客/游客 (香港旅客673万人次, 来自台湾的游客) is where the visitors
    come from: the figure is the destination's, which the story is about."""
    after = mention.end + (1 if text.startswith("的", mention.end) else 0)
    received = words_by_role("context_words", "received")
    return any(text.startswith(word, after)  # not 杭州游客接待量: the visitors it receives
               and not text.startswith(received, after + len(word))
               for word in words_by_role("context_words", "origin_of"))


def _names_a_route(text: str, mention: Mention) -> bool:
    """A region of several places, or a name found by its suffix, right before a route word
    (成渝|中线高铁, 广深港|高铁) names the line between them, not a place the text is about;
    a city's own line (北京|地铁) still is its city's."""
    spans_places = mention.region.level == "macro_region" or not mention.region.code
    return spans_places and text.startswith(words_by_role("context_words", "route"),
                                            mention.end)


def _is_example(text: str, mention: Mention) -> bool:
    """True when the mention is an item of a list closed by 等, within its clause."""
    rest = text[mention.end:mention.end + _NAME_REACH]
    at = rest.find("等")
    if at < 0 or not _CLAUSE_MARKS.isdisjoint(rest[:at].replace("、", "")):
        return False
    tokens = tagged_tokens(text, mention.end, mention.end + at + 2)
    listed = [t for t in tokens if t.end <= mention.end + at]
    closes = any(t.word == "等" and t.start == mention.end + at for t in tokens)  # not 等待
    return closes and not any(t.tag[:1] in "vpdc" and t.word != "、" for t in listed)


def _in_quoted_name(text: str, mention: Mention) -> bool:
    """True when the mention is part, not all, of a short quoted name (“中国啤酒之都”)."""
    opening = text.rfind("“", max(0, mention.start - _NAME_REACH), mention.start + 1)
    if opening < 0 or "”" in text[opening:mention.start]:
        return False
    closing = text.find("”", mention.end, mention.end + _NAME_REACH)
    return closing >= 0 and (opening + 1, closing) != (mention.start, mention.end) \
        and closing - opening <= _QUOTED_NAME


def _is_object(text: str, mention: Mention) -> bool:
    """A mention right after an object marker (引进北京项目) is not the place described."""
    markers = _object_markers()
    return longest_ending(text, mention.start, markers, _longest(markers)) is not None


@cache
def _object_markers() -> frozenset[str]:
    return frozenset(words_by_role("context_words", "object_marker"))


@cache
def _longest(words: frozenset[str]) -> int:
    return max(map(len, words), default=0)


def abbreviation_region(char: str, home: Region) -> str | None:
    """What a one-character abbreviation means here: 津 is 江津 in a Jiangjin report."""
    _, _, single = _table()
    if char in home.name and home.level in ("city", "county"):
        return home.name
    return single.get(char)
