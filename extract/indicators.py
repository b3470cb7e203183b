"""Label what a number measures: the noun phrase a statistician would use as the column name.

The label is built from the clause's structure, read off part-of-speech tags:
the noun after a counter (建成1055个网格党支部 → 网格党支部数量), else the
noun phrase before the number with its verb when it is the verb's object
(引进北京项目676个 → 引进北京项目数量) or without the linking verb when it is
the subject (全市地区生产总值达到… → 地区生产总值). Places, times and scope
words are dropped from its start; a rate's label says it is one (…增速, …占比).
The concept is the canonical measure from `concepts.csv` the label's head
names, empty when the label is more specific than any canonical measure.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache

import ahocorasick_rs

from .qualify import after_qualifiers, qualifier_word_before
from .segment import MAX_SENTENCE, Token, first_word, tagged_tokens
from .tables import load_table, longest_ending, words_by_role

OTHER = "other"  # the category of a claim no keyword places
_WORD_REACH = 4  # characters after a counter that can finish the word it opens (人|口)
# 较2022年末, 比上年: the base of a comparison
_MAX_LABEL = 14  # characters: a column name, not a sentence
_AFTER_REACH = 2 * _MAX_LABEL  # characters after a number that can hold its label
_BEFORE_REACH = 3 * _MAX_LABEL  # ... and before it: a label and the predicate between
# Tags (first letters or whole tags) of words that may sit inside a noun phrase.
_NOUN_TAGS = ("n", "vn", "j", "l", "b", "an", "eng", "nz", "ng", "a", "i", "s", "z", "zg")
# Pronoun modifiers (各类, 各项) sit inside a phrase but say nothing of the measure.
_MODIFIER_TAG = "r"
_OWNER_TAGS = ("n", "j", "zg")  # a noun (村 is tagged zg) that owns what follows its 的
_RELATIVE_TOKENS = 8  # a relative clause before a counted noun: at most this many tokens
_SPAN_WORDS = ("年", "天", "个月", "周")
_SENTENCE_MARK = re.compile(r"[,，、:：;；。！？“”()（）]")
# Tags of words passed over between a phrase and its number: adverbs, prepositions,
# particles, conjunctions (已经, 从, 的, 却).
_GAP_TAGS = ("d", "ad", "p", "u", "c", "zg")
_QUOTES = ("“", "”", '"')
_OPENING = ("“", "(", "（", "《")
_CLOSING = ("”", ")", "）", "》")
_ALIAS_IN_BRACKETS = re.compile(r"[(（][A-Za-z0-9._{}\s]+[)）]")
_QUOTED_TOKENS = 6  # a quoted or bracketed name inside a label: at most this many tokens
_COUNT_ENDINGS = ("数", "量", "人口", "人次", "场次", "规模", "总额", "面积", "长度", "里程")


@dataclass(frozen=True)
class Indicator:
    """A claim's label, its canonical concept, category, implied unit and confidence."""

    label: str
    concept: str
    category: str
    unit: str
    confidence: float


@dataclass(frozen=True)
class Concept:
    """One canonical measure of concepts.csv."""

    concept: str
    category: str
    unit: str


@cache
def _concepts() -> dict[str, Concept]:
    return {r["term"]: Concept(r["concept"], r["category"], r["unit"])
            for r in load_table("concepts")}


@cache
def _longest_term() -> int:
    return max(map(len, _concepts()), default=0)


@cache
def _terms_longest_first() -> tuple[str, ...]:
    return tuple(sorted(_concepts(), key=len, reverse=True))


@cache
def _count_suffixes() -> dict[str, str]:
    """Counter -> the suffix of a count's label (人 → 人数), from count_labels.csv."""
    return {row["unit"]: row["suffix"] for row in load_table("count_labels")}


@cache
def _words(role: str) -> frozenset[str]:
    return frozenset(r["word"] for r in load_table("label_words") if r["role"] == role)


@cache
def _compared() -> re.Pattern[str]:
    """较 or 比 opening a comparison's base (较2022年末, 比上年): its subject stands before it."""
    marks = "".join(words_by_role("context_words", "comparison_mark"))
    bases = "|".join(words_by_role("context_words", "comparison_base"))
    return re.compile(f"[{marks}](?=\\d|{bases})")


@cache
def _longest(role: str) -> int:
    """The length of the role's longest word: how far back a match can start."""
    return max(map(len, _words(role)), default=0)


@cache
def _category_keywords() -> tuple[tuple[str, str], ...]:
    return tuple((r["keyword"], r["category"]) for r in load_table("category_keywords"))


def _is_noun(tag: str) -> bool:
    return tag.startswith(_NOUN_TAGS)


def concept_of(label: str) -> Concept | None:
    """The canonical measure `label` names: a concept term at its end, only generic words before.

    A rate suffix the label gained (…增速) does not hide the measure; 高技术产业
    投资 is its own concept only if the table lists it, never 固定资产投资.
    """
    head = _ALIAS_IN_BRACKETS.sub("", label)  # 细颗粒物(PM2.5)年均浓度 → 细颗粒物年均浓度
    for ending in ("增速", "降幅", "增幅", "增长", *_count_suffixes().values(), "数量", "数"):
        if head.endswith(ending) and len(head) > len(ending) and head not in _concepts():
            head = head[: -len(ending)]
            break
    for aspect in _words("aspect"):  # 地区生产总值年均(增速)
        if head.endswith(aspect) and len(head) > len(aspect):
            head = head[: -len(aspect)]
    concepts = _concepts()
    term = longest_ending(head, len(head), concepts, _longest_term())
    if term is None:
        return None
    prefix = head[: -len(term)]
    return concepts[term] if not prefix or prefix in _words("generic") else None


def _category(label: str, context: str) -> str:
    """The category of the first keyword (in table order) the label holds, else the context."""
    automaton, keywords = _category_automaton()
    for text in (label, context):
        rows = [i for i, _, _ in automaton.find_matches_as_indexes(text, overlapping=True)]
        if rows:
            return keywords[min(rows)][1]
    return OTHER


@cache
def _category_automaton() -> tuple[ahocorasick_rs.AhoCorasick, tuple[tuple[str, str], ...]]:
    keywords = _category_keywords()
    return ahocorasick_rs.AhoCorasick([keyword for keyword, _ in keywords]), keywords


def _is_verb(tag: str) -> bool:
    """Verbs (not verbal nouns such as 投资/vn): inside a label only with a noun after them."""
    return tag.startswith("v") and tag != "vn"


def _is_part(token: Token) -> bool:
    """A token that may stand inside a noun phrase: nouns, modifiers, verbs, quotes."""
    return (_is_noun(token.tag) or token.tag.startswith(("nr", "ns", "h", "k"))
            or _is_verb(token.tag) or token.word in _QUOTES
            or (token.tag == _MODIFIER_TAG and len(token.word) > 1))


def _trim_to_nouns(words: list[Token], verb_head: bool = False) -> list[Token]:
    """Cut a run of tokens so it ends on a noun (or its verb head) and opens on content."""
    while words and not verb_head and not (_is_noun(words[-1].tag) or words[-1].word in _CLOSING
                                           or words[-1].tag.startswith(("nr", "ns"))):
        words.pop()
    while words and (words[0].word in _words("drop") or words[0].word in (*_QUOTES, "的")
                     or words[0].tag == _MODIFIER_TAG
                     or (words[0].tag.startswith("ns") and len(words) > 1)):
        words.pop(0)  # places never open a label: 江津区高速公路 → 高速公路
    return words


def _as_nouns(tokens: list[Token]) -> list[Token]:
    """Rate words, kinds of place and ranks tagged as nouns whatever jieba says (办结/v 率/v:
    率 heads 办结率; 城镇/ns is no place and may open 城镇居民人均可支配收入; 局处级/v
    党员 are counted officials)."""
    nouns = _words("rate") | _words("kind_of_place") | _words("rank")
    return [Token(t.word, "n", t.start, t.end) if t.word in nouns else t for t in tokens]


def _is_time(tokens: list[Token], i: int) -> bool:
    """A time word (tag t), a year in digits (2013 年) or a span in words (三年, 两个月)."""
    token = tokens[i]
    return (token.tag.startswith("t")
            or (token.word == "年" and i > 0 and tokens[i - 1].word.isdigit())
            or (token.tag == "m" and token.word.endswith(_SPAN_WORDS)
                and not token.word[0].isdigit()))


def _phrase_before(tokens: list[Token], end: int, skip_places: set[int]) -> tuple[str, int]:
    """The noun phrase ending before clean offset `end` and where it starts.

    Link words between it and the number (达到, 同比增长) are passed over; a
    verb stays in the phrase only with a noun after it (开展谈心谈话).
    """
    before = [t for t in tokens if t.end <= end]
    i = len(before) - 1
    skipped = False
    while i >= 0 and (before[i].word in _words("link") or not before[i].word.strip()
                      or before[i].tag.startswith(_GAP_TAGS) or _is_time(before, i)
                      or (skipped and _is_verb(before[i].tag) and len(before[i].word) == 1)):
        # The predicate between the phrase and the number: 降至, 虽有, 已经达到,
        # and the time of a from/to pair (比例从2013年的45.1%).
        i -= 2 if before[i].word == "年" and i > 0 and before[i - 1].word.isdigit() else 1
        skipped = True
    # A verb right before the number heads the phrase (党课展演27次, 协议引资超5000亿元).
    verb_head = i >= 0 and _is_verb(before[i].tag) and len(before[i].word) > 1
    words: list[Token] = []
    while i >= 0 and _length(words) < _MAX_LABEL:
        token = before[i]
        if token.word in _CLOSING and words is not None:
            opening = next((k for k in range(i - 1, -1, -1) if before[k].word in _OPENING), -1)
            if opening >= 0 and i - opening <= _QUOTED_TOKENS:  # a quoted name stays whole
                words[:0] = before[opening:i + 1]
                i = opening - 1
                continue
        if token.word in _words("link") or token.start in skip_places:
            break
        joins = token.word == "的" and words and i > 0 and _is_noun(before[i - 1].tag)
        # a classifier between nouns names a class of them (金银珠宝|类|商品零售额)
        joins = joins or (token.tag == "q" and bool(words) and i > 0
                          and _is_noun(before[i - 1].tag))
        # 率 binds the word before it whatever its tag (一致/d 率, 办结/v 率).
        joins = joins or (len(words) == 1 and words[0].word == "率" and token.tag != "m"
                          and token.word.strip() and token.word not in _words("link")
                          and not _SENTENCE_MARK.match(token.word))
        if not (_is_part(token) or joins) or (_is_verb(token.tag) and not words
                                               and not verb_head):
            break
        words.insert(0, token)
        i -= 1
    while len(words) > 1 and _is_verb(words[0].tag) and _is_verb(words[1].tag):
        words.pop(0)  # 组织开展谈心谈话 → 开展谈心谈话: one verb is enough
    words = _trim_to_nouns(words, verb_head)
    start = words[0].start if words else end
    return _balanced(_joined(words)), start


def _phrase_after(tokens: list[Token], start: int, relative: bool = True) -> str:
    """The noun phrase right after a counter (1055个网格党支部、…, 43.9万名在职党员到…).

    A relative clause between counter and noun is passed over (14个纳入属地管理的共建单位
    counts 共建单位); a noun's possession after it is not what is counted (43名纪检人员的
    能力 counts 纪检人员).
    """
    head = _after_relative_clause(tokens, start) if relative else None
    if head is not None:
        label = _phrase_after(tokens, head, relative=False)
        if label:
            return label
    words: list[Token] = []
    for token in tokens:
        if token.end <= start or not token.word.strip():
            continue
        if token.start < start or token.word in _words("link") or not (
                _is_part(token) or token.word == "的" or _is_ordinal(token)):
            break
        if _is_verb(token.tag) and any(_is_noun(t.tag) for t in words):
            break  # the predicate begins: 40余名中学生/抵达津城
        words.append(token)
        if _length(words) >= _MAX_LABEL:
            break
    owner = next((k for k, t in enumerate(words) if t.word == "的" and k > 0), None)
    if owner is not None and words[owner - 1].tag.startswith(_OWNER_TAGS):
        words = words[:owner]
    return _balanced(_joined(_trim_to_nouns(words)))


def _noun_holding_counter(text: str, number_end: int, unit: str, hi: int) -> str:
    """The noun a counter opens when it is the first character of one (14亿多人口: 人口).

    The number finder reads 人 as the counter; the word it begins is what is
    counted when that word names a count itself (29名德不配位 opens no 名德).
    """
    if not unit or not text.startswith(unit, number_end - len(unit)):
        return ""
    first = tagged_tokens(text, number_end - len(unit), min(hi, number_end + _WORD_REACH))[:1]
    if first and len(first[0].word) > len(unit) and first[0].word.endswith(_COUNT_ENDINGS):
        return first[0].word
    return ""


def _verb_after_counter(tokens: list[Token], number_end: int) -> str:
    """The verb a bare count of people or things is the subject of (626人都转移走: 转移).

    With no noun after the counter, what the counted did is what the count
    measures (全省15000多人收看 → 收看人数); adverbs and 左右 may stand between.
    """
    after = [t for t in tokens if t.start >= number_end and t.word.strip()]
    k = 0
    while k < len(after) and (after[k].tag.startswith(("d", "ad")) or after[k].word in
                              after_qualifiers()):
        k += 1
    if k < len(after) and _is_verb(after[k].tag) and after[k].word not in _words("link"):
        return after[k].word
    return ""


def _after_relative_clause(tokens: list[Token], start: int) -> int | None:
    """Where the head noun starts when a clause ending in 的 follows the counter.

    The clause is a verb phrase (14个纳入属地管理的共建单位) or any words that
    do not make a noun phrase of their own (29名德不配位的干部: 不 is no part of
    one); a noun phrase before 的 is an owner instead (43名纪检人员的能力).
    """
    after = [t for t in tokens if t.start >= start and t.word.strip()][:_RELATIVE_TOKENS]
    if not after:
        return None
    for k, token in enumerate(after):
        if _SENTENCE_MARK.match(token.word) or (k and token.word in _words("link")):
            return None  # the clause may open on a link verb: 6位有潜力的…, 10家达到标准的…
        if token.word == "的":
            following = after[k + 1] if k + 1 < len(after) else None
            clause = _is_verb(after[0].tag) or not all(_is_part(t) for t in after[:k])
            return token.end if clause and following is not None and _is_part(following) else None
    return None


def _length(words: list[Token]) -> int:
    """A phrase's length as a label: a bracketed alias (PM2.5) does not count."""
    return len(_ALIAS_IN_BRACKETS.sub("", "".join(t.word for t in words)))


def _is_ordinal(token: Token) -> bool:
    """An ordinal such as 第一批, which belongs to the phrase it opens."""
    return token.word.startswith("第") and token.tag == "m"


def _joined(words: list[Token]) -> str:
    """The label text of a phrase: pronoun modifiers (各类, 各项) left out."""
    return "".join(t.word for t in words if t.tag != _MODIFIER_TAG)


def _balanced(label: str) -> str:
    """Drop a quote or bracket left open in a label (“驿路有爱 → 驿路有爱, 家事”高效 → 家事高效)."""
    for opening, closing in zip(_OPENING, _CLOSING, strict=True):
        if label.count(opening) != label.count(closing):
            label = label.strip(opening + closing)
        if label.count(opening) != label.count(closing):
            label = label.replace(opening, "").replace(closing, "")
    return label


def _with_rate_suffix(label: str, kind: str, unit: str, sign: int) -> str:
    """A rate's label says it is a rate (…增速, …降幅, …占比) unless it already does."""
    if not label or any(label.endswith(w) for w in _words("rate")):
        return label
    if kind == "change" and unit in ("%", "百分点"):
        return label + ("降幅" if sign < 0 else "增速")
    if kind == "share" and unit == "%" and not label.endswith("率"):
        return label + "占比"
    return label


def _without_rate_suffix(label: str) -> str:
    """The measure a rate label is taken of: 地区生产总值增速 → 地区生产总值, and 收入名义增速
    → 收入 (the aspect is the rate's, not the measure's)."""
    for ending in ("增速", "降幅", "占比"):
        if label.endswith(ending) and len(label) > len(ending):
            label = label[: -len(ending)]
            break
    aspect = longest_ending(label, len(label), _words("aspect"), _longest("aspect"))
    return label[: -len(aspect)] if aspect and len(label) > len(aspect) else label


@cache
def _measure_suffixes() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Unit → (suffix, endings that keep a label as it is), from measure_labels.csv."""
    return {row["unit"]: (row["suffix"], tuple(row["keeps"].split("|")))
            for row in load_table("measure_labels")}


def _with_measure_suffix(label: str, unit: str) -> str:
    """An area's label says it is one (博创园 → 博创园面积) unless it already does; a
    dimension said in one character is named (宽 → 宽度)."""
    if label in _words("dimension"):
        return label + "度"
    suffix, keeps = _measure_suffixes().get(unit, ("", ()))
    if not label or not suffix or label.endswith(keeps):
        return label
    return label + suffix


def counted_thing(label: str, unit: str) -> str:
    """What a count's label counts, its counter's suffix taken off (网格党支部数量 → 网格党支部)."""
    suffix = _count_suffixes().get(unit, "数量")
    return label[: -len(suffix)] if label.endswith(suffix) and len(label) > len(suffix) else label


def _with_count_suffix(label: str, unit: str) -> str:
    """A count's label says what is counted (网格党支部 → 网格党支部数量)."""
    if not label or label.endswith(_COUNT_ENDINGS):
        return label
    return label + _count_suffixes().get(unit, "数量")


def label_indicator(text: str, scopes: tuple[int, int, int], number_start: int,
                    number_end: int, unit: str, unit_kind: str, kind: str, sign: int,
                    places: set[int], subject: str | None = None,
                    shared: str = "") -> Indicator:
    """Label the number at text[number_start:number_end] from its clause.

    `scopes` are the starts of the number's segment (since the previous
    number), clause and sentence, narrowest first. `places` are the start
    offsets of region mentions, which never open a label; `subject` is the
    item of a 分别 list this number belongs to; `shared` is the label of the
    previous number of the sentence, which a number with no words of its own
    shares (从2016年的756亿元…增长到2021年的1200亿元).
    """
    clause_start, wide_clause, sentence_start = scopes
    # Tagged apart, so no token straddles the number (8家央企 is not 8/家央企).
    # A sentence cut by a page or column break goes on across it.
    lo = _broken_before(text, clause_start) if clause_start == sentence_start else clause_start
    lo = max(lo, number_start - _BEFORE_REACH)
    hi = min(_broken_after(text, _sentence_end(text, number_end)), number_end + _AFTER_REACH)
    # A qualifier, a link verb right before the number and a comparison's 较 are tagged
    # apart too: jieba glues them to the word before (宽约|7米, 办结率|达98.7%, 老年人口|达,
    # 空缺率较|2022年末).
    qualified = max(lo, number_start - len(qualifier_word_before(text, number_start)))
    link = longest_ending(text, qualified, _words("link"), _longest("link")) or ""
    cuts = [lo, *(m.start() for m in _compared().finditer(text, lo, number_start)),
            max(lo, qualified - len(link)), qualified, number_start]
    pieces = itertools.pairwise(sorted(set(cuts)))
    tokens = _as_nouns([t for a, b in pieces for t in tagged_tokens(text, a, b)]
                       + tagged_tokens(text, number_end, hi))
    label, confidence = "", 0.5
    if subject:
        sub_tokens = _as_nouns(tagged_tokens(subject, 0, len(subject)))
        label, _ = _phrase_before(sub_tokens, len(subject), set())
        label = label or subject
        confidence = 0.7
    if not label and unit_kind == "counter":
        label = _noun_holding_counter(text, number_end, unit, hi)  # 14亿多人口
    verb = ""
    if not label and (unit_kind == "counter" or text.startswith("的", number_end)):
        label = _phrase_after(tokens, number_end)  # 1055个网格党支部, 43亩的闲置林地
        confidence = 0.75
        if not label and unit_kind == "counter":
            verb = _verb_after_counter(tokens, number_end)
    if not label:
        label, start = _phrase_before(tokens, number_start, places)
        if label and start > clause_start and text[start - 1:start] == "占":
            base, _ = _phrase_before(tokens, start - 1, places)
            if base:
                label = f"{base}占{label}" + ("" if label.endswith("比重") else "比重")
        if label in _words("aspect") and start > clause_start:
            base, _ = _phrase_before(tokens, start, places)
            if base:  # 本地生产总值按年实质增长4.1%: the measure stands before its aspect
                label = base + label
        compared = list(_compared().finditer(text, clause_start, number_start))
        if not label and compared:  # 空缺率较2022年末下降了22.2%: the subject precedes 较
            label, _ = _phrase_before(tokens, compared[-1].start(), places)
        confidence = 0.7
    if verb:
        label += verb  # 全省15000多人收看 → 收看人数, 主会场350人左右参加 → 主会场参加人数
    if not label and unit_kind != "counter":
        label = _phrase_after(tokens, number_end)  # 守住18亿亩耕地红线
    for lo in (wide_clause, sentence_start):
        if not label:
            label, confidence = _nearest_concept_term(text[lo:number_start]), 0.6
    if label.startswith("占") and shared:  # …增长7.1%,占规模以上工业增加值的比重为37.6%
        label = _without_rate_suffix(shared) + label.replace("的比重", "比重")
        if not label.endswith(tuple(_words("rate"))):  # 老年人口56.2万人,占总人口的22.5%
            label += "比重"
    if not label and shared:
        label, confidence = shared, 0.5
    elif label in _words("aspect") and shared:
        label = _without_rate_suffix(shared) + label  # …,年均增长8.2% → 地区生产总值年均增速
    if unit_kind == "counter":
        label = _with_count_suffix(label, unit)
    elif unit_kind in ("measure", "duration"):
        label = _with_measure_suffix(label, unit)
    label = _with_rate_suffix(label, kind, unit, sign)
    concept = concept_of(label)
    category = concept.category if concept else _category(label, text[sentence_start:number_end])
    implied_unit = concept.unit if concept else ""
    if not implied_unit and label.endswith(tuple(_words("money"))):
        implied_unit = "元"
    if not implied_unit and label.endswith(tuple(_words("people"))):
        implied_unit = "人"
    if concept:
        confidence = max(confidence, 0.85)
    return Indicator(label, concept.concept if concept else "", category, implied_unit,
                     confidence if label else 0.2)


def table_indicator(label: str, kind: str, unit: str, sign: int) -> Indicator:
    """The indicator of a table cell, whose row and column already name it."""
    label = _with_rate_suffix(label, kind, unit, sign)
    concept = concept_of(label)
    category = concept.category if concept else _category(label, label)
    return Indicator(label, concept.concept if concept else "", category,
                     concept.unit if concept else "", 0.8 if label else 0.2)


def _nearest_concept_term(window: str) -> str:
    """The concept term ending nearest the number, when no phrase could be read."""
    best, best_end = "", -1
    for term in _terms_longest_first():
        at = window.rfind(term)
        if at >= 0 and at + len(term) > best_end:
            best, best_end = term, at + len(term)
    return best


_SENTENCE_MARKS = "。！？；：…”"
_SENTENCE_END = re.compile(r"[。！？；\n]")
_BREAK_REACH = 40  # characters of the broken sentence's other half that are read


def _broken_before(text: str, lo: int) -> int:
    """Where the half of a sentence before a break starts, or `lo` when none was cut.

    Magazine and web copy break a sentence at a column or page end: the line
    before stops with no sentence mark (…成功查处各类违法案件 / 5起11人次).
    """
    before = text[max(0, lo - _BREAK_REACH):lo]
    head = before.rstrip()
    if "\n" not in before[len(head):] or not head or head[-1] in _SENTENCE_MARKS:
        return lo
    line_start = head.rfind("\n") + 1
    marks = [head.rfind(mark) for mark in ",,。！？；"]
    return lo - len(before) + max(line_start, *(m + 1 for m in marks))


def _broken_after(text: str, end: int) -> int:
    """Where the half of a sentence after a break ends, or `end` when the sentence ended."""
    if end >= len(text) or text[end] != "\n" or (end and text[end - 1] in _SENTENCE_MARKS):
        return end
    rest = text[end:end + _BREAK_REACH]
    body = rest.lstrip()
    if not body or "\n" not in rest[:len(rest) - len(body)]:
        return end
    start = end + len(rest) - len(body)
    return _sentence_end(text, start)


def _sentence_end(text: str, pos: int) -> int:
    hi = min(len(text), pos + MAX_SENTENCE)
    match = _SENTENCE_END.search(text, pos, hi)
    return match.start() if match else hi


@cache
def _respectively() -> re.Pattern[str]:
    return re.compile("|".join(words_by_role("context_words", "respectively")))


def respectively_at(text: str, lo: int = 0, hi: int | None = None) -> int:
    """Where the first word pairing a list with its numbers (分别, 依次) stands in
    text[lo:hi], or -1."""
    match = _respectively().search(text, lo, len(text) if hi is None else hi)
    return match.start() if match else -1


def list_items(clause_before: str) -> list[tuple[int, int]]:
    """Spans of the items of a 分别 or 依次 list before that word (杭州、宁波、温州GDP分别…),
    or []."""
    at = respectively_at(clause_before)
    if at < 0:
        return []
    # 和, 及, 与 join items only as words of their own: 和平区 and 及时 hold none.
    joins = words_by_role("context_words", "list_mark")
    marks = [t for t in tagged_tokens(clause_before, 0, at) if t.word in joins]
    spans, lo = [], 0
    for mark in [*marks, None]:
        hi = mark.start if mark else at
        if hi > lo:
            spans.append((lo, hi))
        lo = mark.end if mark else at
    return spans if len(spans) >= 2 else []


def list_subject(clause_before: str, index: int,
                 places: tuple[tuple[int, int], ...] = ()) -> str | None:
    """The `index`-th subject of a 分别 list: 高速公路、铁路通车里程分别达 → 高速公路通车里程.

    The last item is its own first word plus the head the items share
    (铁路 + 通车里程); earlier items get that head too. Items that are places
    (`places`: spans of region mentions) share what follows the last place
    (杭州、宁波、温州GDP → GDP each); a list of places alone gives "", and the
    measure is the one the text has just stated.
    """
    items = list_items(clause_before)
    if index >= len(items):
        return None
    subjects = ["".join(ch for k, ch in enumerate(clause_before[lo:hi], lo)
                        if not any(a <= k < b for a, b in places)) for lo, hi in items]
    subject, last = subjects[index], subjects[-1]
    if not subject:  # the item is a place: it shares what the last item measures
        return last
    head = _shared_head(subjects[:-1], last)
    if index < len(subjects) - 1 and head and not subject.endswith(head):
        return subject + head
    return subject


def _common_ending(words: list[str]) -> str:
    """The longest ending all `words` share ("" for none or no words)."""
    if not words:
        return ""
    size = 0
    while size < min(map(len, words)) and len({w[-size - 1] for w in words}) == 1:
        size += 1
    return words[0][len(words[0]) - size:]


def _shared_head(items: list[str], last: str) -> str:
    """What the last item of a list adds that the others share: after the ending the
    others have in common, where it has one too (金银珠宝类、通讯器材类、文化办公用品类|商品零售额,
    城镇常住居民和农村常住居民|人均可支配收入), else after its first word (城镇、农村|居民
    人均可支配收入, 第一、第二、第三|产业增加值: the shortest dictionary word, not the
    tagger's terms)."""
    common = _common_ending([item for item in items if item])
    for size in range(len(common), 0, -1):
        at = last.find(common[-size:], 1)
        if at > 0 and at + size < len(last):
            return last[at + size:]
    first = first_word(last)
    return last[len(first):] if 0 < len(first) < len(last) else ""

