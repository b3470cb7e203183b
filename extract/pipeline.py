"""The extraction pipeline: named stages over one `Doc`, in the order `STAGES` gives.

`extract_text` is a pure function of one document's text (and optional
date), so a corpus can be split across processes. Each stage reads the `Doc`
and fills in its part of every `Claim`; offsets are found in the normalised
text and mapped back at the end, so every row has text[start:end] == quote.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from .grid import TableCell, table_cells
from .indicators import (
    OTHER,
    Indicator,
    counted_thing,
    label_indicator,
    list_items,
    list_subject,
    respectively_at,
    table_indicator,
)
from .normalise import Normalised, normalise
from .numbers import NumberSpan, find_numbers
from .qualify import classify_kind, qualifier_before, states_change
from .regions import Region, RegionResolver
from .segment import Sentences, clause_start, split_sentences
from .years import (
    YearGuess,
    carried_years,
    dateline,
    infer_document_date,
    is_before_state,
    reporting_year,
    resolve_year,
    section_heads,
    since_frames,
    stated_year,
    stated_years,
    target_year,
    title_year,
    year_just_ended,
)


@dataclass
class Claim:
    """One number and what the stages have said about it so far."""

    number: NumberSpan
    sentence: int            # index into Doc.sentences
    clause_start: int        # clean offset where the number's clause starts
    segment_start: int       # ... and where its segment (since the previous number) starts
    qualifier: str = "exact"
    year: YearGuess = field(default_factory=lambda: YearGuess(None, 0.2))
    kind: str = "level"
    sign: int = 1
    region: Region | None = None
    region_confidence: float = 0.0
    indicator: Indicator | None = None
    changes: bool = False  # it states a change (增长5.5%), planned or forecast or not
    cell: TableCell | None = None  # set for a number read from a flattened table

    def window(self, doc: Doc, scope: str) -> str:
        """The clean text from the start of `scope` (sentence, clause, segment) to the number."""
        lo = {"sentence": doc.sentences.starts[self.sentence], "clause": self.clause_start,
              "segment": self.segment_start}[scope]
        return doc.clean[lo:self.number.start]


@dataclass
class Doc:
    """One document: its text, its structure, and the claims found in it."""

    text: str
    name: str
    date: dt.date | None
    norm: Normalised = field(init=False)
    sentences: Sentences = field(init=False)
    regions: RegionResolver = field(init=False)
    carried_years: list[int | None] = field(init=False)
    heads: list[int | None] = field(init=False)  # per sentence, its section's heading sentence
    since_frames: list[bool] = field(init=False)
    reporting_year: int | None = None  # the past year a communique reports on
    date_is_exact: bool = False  # the date is known to the day (given, or a dateline)
    claims: list[Claim] = field(default_factory=list)

    @property
    def clean(self) -> str:
        return self.norm.clean

    @property
    def year(self) -> int | None:
        """The year a present-tense figure is for: the year reported on, else the date's."""
        if self.reporting_year is not None:
            return self.reporting_year
        return self.date.year if self.date else None


def clean_text(doc: Doc) -> None:
    """Traditional to simplified, full-width to ASCII, glosses removed; offsets kept."""
    doc.norm = normalise(doc.text)


def find_claims(doc: Doc) -> None:
    """Every number that may be a claim, with the sentence, clause and segment around it."""
    doc.sentences = split_sentences(doc.clean)
    previous: NumberSpan | None = None
    for number in find_numbers(doc.clean):
        s_index = doc.sentences.index_of(number.start)
        s_start = doc.sentences.starts[s_index]
        c_start = clause_start(doc.clean, s_start, number.start)
        segment = c_start
        if previous is not None and s_start < previous.end <= number.start:
            segment = max(c_start, previous.after)
        if number.group and previous is not None and previous.group == number.group:
            segment = c_start  # later parts of a ratio share the first part's words
        doc.claims.append(Claim(number, s_index, c_start, segment))
        if number.unit_kind != "duration":  # 满意率连续三年保持100%: a streak splits no phrase
            previous = number


def read_context(doc: Doc) -> None:
    """The document's date, its stories and places, and the year each paragraph carries."""
    known = doc.date or dateline(doc.clean)
    doc.date_is_exact = known is not None
    doc.date = known or infer_document_date(doc.clean)
    doc.reporting_year = reporting_year(doc.clean)
    rows = frozenset(doc.sentences.starts[c.sentence] for c in doc.claims if c.cell)
    doc.regions = RegionResolver.for_text(doc.clean, doc.sentences, rows)
    stated = stated_years(doc.clean, doc.sentences, doc.year)
    doc.heads = section_heads(doc.clean, doc.sentences)
    doc.carried_years = carried_years(doc.clean, doc.sentences, stated, doc.heads)
    doc.since_frames = since_frames(doc.clean, doc.sentences, stated)


def read_tables(doc: Doc) -> None:
    """Numeric cells of tables flattened into lines: claims the table describes.

    A cell the sentence reader also found (256.5万吨 in a cell) is taken from the table.
    """
    cells = table_cells(doc.clean)
    if not cells:
        return
    spans = sorted((c.number.start, c.number.end) for c in cells)
    starts = [start for start, _ in spans]

    def in_a_cell(number: NumberSpan) -> bool:
        at = bisect.bisect_right(starts, number.start) - 1
        return at >= 0 and spans[at][0] <= number.start < spans[at][1]

    claims = [c for c in doc.claims if not in_a_cell(c.number)]
    for cell in cells:
        index = doc.sentences.index_of(cell.number.start)
        line_start = doc.sentences.starts[index]
        claims.append(Claim(cell.number, index, line_start, line_start, cell=cell))
    doc.claims = sorted(claims, key=lambda c: c.number.start)


def qualify(doc: Doc) -> None:
    """约, 超, 不到 …: from the words inside the quote or just before it."""
    for claim in doc.claims:
        claim.qualifier = (claim.number.qualifier or qualifier_before(doc.clean, claim.number.start)
                           or "exact")


def date_claims(doc: Doc) -> None:
    """The year each figure refers to; the state before a from/to pair keeps none, and a
    figure only the document's date would date takes its story title's year."""
    titled = [title_year(doc.clean[story.start:story.title_end], doc.year)
              for story in doc.regions.stories]
    for claim in doc.claims:
        number = claim.number
        if claim.cell is not None:  # a year column, else the year the report covers
            claim.year = YearGuess(claim.cell.year or doc.year, 0.8)
            continue
        if is_before_state(doc.clean, number.start, number.after):
            claim.year = YearGuess(None, 0.6)
            continue
        claim.year = resolve_year(claim.window(doc, "sentence"), doc.year,
                                  doc.carried_years[claim.sentence])
        year = titled[doc.regions.story_index(number.start)]
        if claim.year.from_date and year is not None and year != doc.year:
            # 澳门去年入境旅客逾2821万人次 over a story: the year its title reports on
            claim.year = YearGuess(year, 0.7, one_year=True)


def classify_kinds(doc: Doc) -> None:
    """level, change, share, cumulative, target or forecast, and the sign of a change.

    Numbers listed after one predicate (分别较2023年精简30.4%、32%) share its
    kind; the state before a from/to pair is never the plan or the change.
    """
    previous: Claim | None = None
    planned: dict[tuple[int, str, str, bool], tuple[str, int]] = {}  # a heading's kind
    for claim in doc.claims:
        number = claim.number
        if claim.cell is not None:
            claim.kind, claim.sign = claim.cell.kind, claim.cell.sign
            continue
        windows = {scope: claim.window(doc, scope) for scope in ("sentence", "clause", "segment")}
        windows["after"] = doc.clean[number.end:_clause_end(doc, claim)]
        # A figure for a year after the document's own (到2026年, 明年) is a plan, not an actual.
        goal = target_year(windows["sentence"]) or claim.year.year
        has_target = goal is not None and doc.year is not None and goal > doc.year
        # A tally's default (156次 is a total so far) gives way where the text puts it in one
        # year: 2023年全年入境旅客2821万人次 is that year's flow.
        default = number.default_kind
        if default == "cumulative" and claim.year.one_year:
            default = ""
        claim.kind, claim.sign = classify_kind(windows, number.unit_kind, default, has_target)
        claim.changes = claim.kind == "change" or (
            claim.kind in ("target", "forecast") and states_change(windows, number.unit_kind))
        lead = _lead_clause(doc, claim)
        if lead is not None:
            led = _kind_of_text(doc.clean[lead[0]:lead[1]], number.unit_kind, default,
                                has_target)
            if led[0] in ("target", "forecast") or (
                    lead[1] == claim.clause_start - 1
                    and (claim.kind, claim.sign) == (default or "level", 1)):
                # 主要预期目标是:地区生产总值增长5.5%左右,城镇新增就业60万人: a plan's list
                # is planned, item by item; GDP增速:杭州5.6%、宁波6.1%: with no cue of its
                # own, the item right after the colon takes the kind its lead ends on.
                claim.changes = claim.changes or claim.kind == "change"
                claim.kind, claim.sign = led if led[0] != "level" else (claim.kind, claim.sign)
        if (doc.since_frames[claim.sentence] and number.unit_kind in _TALLIED
                and (claim.kind, claim.sign) == (default or "level", 1)
                and stated_year(windows["sentence"], doc.year) is None):
            # 2014年以来,北京疏解一般制造业企业约3000家…。8家央企总部迁出北京: the period the
            # paragraph opened still runs, so its later tallies are totals since then too.
            claim.kind = "cumulative"
        head = doc.heads[claim.sentence]
        if head not in (None, claim.sentence) and (claim.kind, claim.sign) == (
                default or "level", 1):
            # 二、2024年工作安排 … 新改建农村公路100公里: a plan's section plans its figures
            key = (head, number.unit_kind, default, has_target)
            if key not in planned:
                heading = doc.clean[doc.sentences.starts[head]:doc.sentences.ends[head]]
                planned[key] = _kind_of_text(heading, *key[1:])
            led = planned[key]
            if led[0] in ("target", "forecast"):
                claim.kind = led[0]
        listed = windows["segment"].strip() in _LIST_JOINERS
        if listed and previous is not None and previous.clause_start == claim.clause_start:
            claim.kind, claim.sign = previous.kind, previous.sign
        if is_before_state(doc.clean, number.start, number.after) and claim.kind in (
                "target", "forecast", "change"):
            claim.kind, claim.sign = number.default_kind or "level", 1
        previous = claim


def _kind_of_text(text: str, unit_kind: str, default: str, has_target: bool) -> tuple[str, int]:
    """The kind a lead clause or a heading gives the figures it governs, read as a whole."""
    return classify_kind({"sentence": text, "clause": text, "segment": text, "after": ""},
                         unit_kind, default, has_target)


_CLAUSE_END = re.compile(r"[,:;]")
_LEAD_MARK = ":"  # (normalised from ：) a clause ending in it leads the list after it


_ITEM_END = "；"  # a list's items may each end a sentence: 目标是:A增长6%；B增长5%；…
_MAX_ITEMS = 12


def _list_start(doc: Doc, sentence: int) -> int:
    """Where the sentence opens whose list `sentence` goes on: back over the sentences its
    items make when each ends in ；, not past a line end."""
    first = sentence
    while first > 0 and sentence - first < _MAX_ITEMS:
        end = doc.sentences.ends[first - 1]
        gap = doc.clean[end:doc.sentences.starts[first]]
        if doc.clean[end - 1:end] != _ITEM_END or "\n" in gap:
            break
        first -= 1
    return doc.sentences.starts[first]


def _lead_clause(doc: Doc, claim: Claim) -> tuple[int, int] | None:
    """The clause leading the list the number is in: the one ending in the sentence's last
    colon before the number (…目标是: or GDP增速:), or None."""
    sentence_start = _list_start(doc, claim.sentence)
    at = doc.clean.rfind(_LEAD_MARK, sentence_start, claim.clause_start)
    if at <= sentence_start:
        return None
    return clause_start(doc.clean, sentence_start, at), at


_TALLIED = ("counter", "measure")  # units of things done or built, not rates
_LIST_JOINERS = ("、", "和", "及", "与", ",")  # between the numbers of one list


def _clause_end(doc: Doc, claim: Claim) -> int:
    """Where the number's clause ends: the next comma-like mark or the sentence end."""
    end = doc.sentences.ends[claim.sentence]
    mark = _CLAUSE_END.search(doc.clean, claim.number.end, end)
    return mark.start() if mark else end


_PARAGRAPH_REACH = 2000  # how far back a paragraph's opening words are read


def date_full_years(doc: Doc) -> None:
    """A full-year actual with no year of its own (全年实现…, 年末常住人口…) is for the
    year just ended when the document is dated before mid-year; plans and forecasts
    (全年预期增长6%) stay on the document's year, and a communique already has its year."""
    if doc.reporting_year is not None or not doc.date_is_exact or doc.date is None:
        return
    for claim in doc.claims:
        if not claim.year.from_date or claim.kind in ("target", "forecast"):
            continue
        start = doc.sentences.starts[claim.sentence]
        lo = max(0, start - _PARAGRAPH_REACH)
        paragraph = doc.clean.rfind("\n", lo, start) + 1 or lo
        year = year_just_ended(doc.date, doc.clean[paragraph:claim.number.start])
        if year is not None:
            claim.year = YearGuess(year, 0.8)


def place_claims(doc: Doc) -> None:
    """The region each figure describes, read from its clause up to the whole document.

    The items of a 分别 list are each a figure's own place when they name one
    (杭州、宁波、温州GDP分别增长5.6%、6.1%和4.9%).
    """
    for index, claim in enumerate(doc.claims):
        claim.region, claim.region_confidence = doc.regions.resolve(
            claim.sentence, claim.clause_start, claim.number.start, claim.number.end)
        item = _list_item(doc, index)
        own = doc.regions.place_in(*item) if item else None
        if own is not None:
            claim.region, claim.region_confidence = own, 0.85


def _paragraph_start(doc: Doc, sentence: int) -> int:
    """The index of the first sentence of the paragraph (line) holding `sentence`."""
    line = doc.clean.rfind("\n", 0, doc.sentences.starts[sentence])
    return doc.sentences.index_of(line + 1)


def _list_position(doc: Doc, index: int) -> int:
    """How many numbers after 分别 come before this one in its clause."""
    claim, position = doc.claims[index], 0
    for earlier in reversed(doc.claims[:index]):
        if (earlier.number.start < claim.clause_start
                or respectively_at(doc.clean, claim.clause_start, earlier.number.start) < 0):
            break
        position += 1
    return position


def _list_item(doc: Doc, index: int) -> tuple[int, int] | None:
    """The clean span of the 分别 list item this number belongs to, if it is in such a list."""
    claim = doc.claims[index]
    items = list_items(claim.window(doc, "clause"))
    position = _list_position(doc, index)
    if position >= len(items):
        return None
    lo, hi = items[position]
    return claim.clause_start + lo, claim.clause_start + hi


def label_claims(doc: Doc) -> None:
    """Indicator, concept and category; a 分别 list gives each number its own subject."""
    previous: Claim | None = None
    for index, claim in enumerate(doc.claims):
        number = claim.number
        if claim.cell is not None:
            claim.indicator = table_indicator(claim.cell.label, claim.kind, number.unit,
                                              claim.sign)
            continue
        places = tuple((m.start - claim.clause_start, m.end - claim.clause_start)
                       for m in doc.regions.mentions_in(claim.clause_start, number.start))
        subject = list_subject(claim.window(doc, "clause"), _list_position(doc, index), places)
        # a streak's length (连续三年保持100%) lends no label: its label is no measure
        same_unit = previous is not None and previous.indicator is not None and (
            previous.number.unit == number.unit
            or (number.unit_kind == "rate" and previous.number.unit_kind != "duration"))
        if subject == "":
            # A list of places alone (其中,双流区、郫都区分别增长5.1%、4.8%) breaks down
            # the measure just stated, in its sentence or an earlier one of its paragraph.
            subject = None
            if same_unit and previous.sentence >= _paragraph_start(doc, claim.sentence):
                subject = previous.indicator.label
        if (subject is None and previous is not None and previous.indicator is not None
                and number.unit_kind == previous.number.unit_kind == "counter"
                and not doc.clean[previous.number.end:number.start].strip()):
            # Two counts of one thing written together (7项16条, 5起11人次): the second
            # counts the first one's thing in its own counter.
            subject = counted_thing(previous.indicator.label, previous.number.unit)
        shared = ""
        if same_unit and previous.sentence == claim.sentence:
            shared = previous.indicator.label
        scopes = (claim.segment_start, claim.clause_start, doc.sentences.starts[claim.sentence])
        claim.indicator = label_indicator(
            doc.clean, scopes, number.start, number.end, number.unit, number.unit_kind,
            "change" if claim.changes else claim.kind, claim.sign,
            doc.regions.mention_starts_between(claim.clause_start, number.start), subject, shared)
        previous = claim


def categorise_by_story(doc: Doc) -> None:
    """A claim whose label and sentence name no field (参观人次, 措施数量) takes the field
    most of its story's claims are in: a story about a discipline-inspection centre is
    about governance even where a sentence does not say so."""
    stories = [doc.regions.story_index(claim.number.start) for claim in doc.claims]
    fields: dict[int, Counter[str]] = defaultdict(Counter)
    for claim, story in zip(doc.claims, stories, strict=True):
        assert claim.indicator is not None
        if claim.indicator.category != OTHER:
            fields[story][claim.indicator.category] += 1
    for claim, story in zip(doc.claims, stories, strict=True):
        assert claim.indicator is not None
        votes = fields.get(story)
        if claim.indicator.category == OTHER and votes:
            claim.indicator = replace(claim.indicator, category=votes.most_common(1)[0][0])


STAGES: tuple[Callable[[Doc], None], ...] = (
    clean_text, find_claims, read_tables, read_context, qualify, date_claims, classify_kinds,
    date_full_years, place_claims, label_claims, categorise_by_story,
)


def extract_text(text: str, doc: str, date: dt.date | None = None) -> list[dict[str, Any]]:
    """Every numeric claim in `text` as a row dict keyed by `COLUMNS`."""
    document = Doc(text, doc, date)
    for stage in STAGES:
        stage(document)
        if stage is read_tables and not document.claims:
            return []
    return [_row(document, claim) for claim in document.claims]


def _row(doc: Doc, claim: Claim) -> dict[str, Any]:
    """The claims-table row of one claim, offsets mapped back to the original text."""
    number, region, indicator = claim.number, claim.region, claim.indicator
    assert region is not None and indicator is not None  # every stage has run
    start, end = _original_span(doc.norm, number.start, number.end)
    sent_start, sent_end = _sentence_span(doc, claim.sentence)
    # A window cut in a long unpunctuated run may fall inside a number (10,|000):
    # the sentence still holds the whole quote.
    sent_start, sent_end = min(sent_start, start), max(sent_end, end)
    confidence = math.prod((claim.region_confidence, claim.year.confidence,
                            indicator.confidence)) ** (1 / 3)
    return {
        "doc": doc.name, "start": start, "end": end, "quote": doc.text[start:end],
        "sentence": doc.text[sent_start:sent_end],
        "value": claim.sign * number.value if claim.kind == "change" else number.value,
        "unit": number.unit or indicator.unit,
        "qualifier": claim.qualifier, "kind": claim.kind,
        "region": region.name, "year": claim.year.year,
        "indicator": indicator.label, "category": indicator.category,
        "concept": indicator.concept,
        "region_code": region.code, "region_level": region.level,
        "province": region.province, "parent_code": region.parent_code,
        "confidence": round(confidence, 2),
        "doc_date": doc.date.isoformat() if doc.date else "",
    }


def _original_span(norm: Normalised, start: int, end: int) -> tuple[int, int]:
    """Map a clean [start, end) to the original text, end mapped from its last character."""
    return norm.to_original(start), norm.to_original(end - 1) + 1


def _sentence_span(doc: Doc, index: int) -> tuple[int, int]:
    """The sentence's span in the original text, surrounding whitespace trimmed."""
    lo = doc.sentences.starts[index]
    start, end = _original_span(doc.norm, lo, max(doc.sentences.ends[index], lo + 1))
    text = doc.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
