"""The extraction pipeline, in order: normalise, find numbers, qualify, region, year, indicator.

`extract_text` is a pure function of one document's text (and optional
date), so a corpus can be split across processes. Offsets are found in the
normalised text and mapped back, so every row has text[start:end] == quote.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from .indicators import label_indicator, list_subject
from .normalise import Normalised, normalise
from .numbers import NumberSpan, find_numbers
from .qualify import classify_kind, qualifier_before
from .regions import RegionResolver
from .segment import Sentences, clause_start, split_sentences
from .years import infer_document_date, resolve_year, target_year


def _original_span(norm: Normalised, start: int, end: int) -> tuple[int, int]:
    """Map a clean [start, end) to the original text, end mapped from its last character."""
    return norm.to_original(start), norm.to_original(end - 1) + 1


def _sentence_span(norm: Normalised, text: str, sentences: Sentences,
                   index: int) -> tuple[int, int]:
    """The sentence's span in the original text, surrounding whitespace trimmed."""
    lo = sentences.starts[index]
    start, end = _original_span(norm, lo, max(sentences.ends[index], lo + 1))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def extract_text(text: str, doc: str, date: dt.date | None = None) -> list[dict[str, Any]]:
    """Every numeric claim in `text` as a row dict keyed by `COLUMNS`."""
    norm = normalise(text)
    clean = norm.clean
    numbers = find_numbers(clean)
    if not numbers:
        return []
    doc_date = date or infer_document_date(clean)
    doc_year = doc_date.year if doc_date else None
    sentences = split_sentences(clean)
    regions = RegionResolver.for_text(clean, sentences)
    rows: list[dict[str, Any]] = []
    last_sentence = -1
    for index, number in enumerate(numbers):
        sentence = sentences.index_of(number.start)
        same = rows and sentence == last_sentence and (
            rows[-1]["unit"] == number.unit or number.unit_kind == "rate")
        shared = rows[-1]["indicator"] if same else ""
        row = _claim_row(norm, text, sentences, regions, numbers, index, doc_year, shared)
        last_sentence = sentence
        row.update(doc=doc, doc_date=doc_date.isoformat() if doc_date else "")
        rows.append(row)
    return rows


def _claim_row(norm: Normalised, text: str, sentences: Sentences, regions: RegionResolver,
               numbers: list[NumberSpan], index: int, doc_year: int | None,
               shared: str) -> dict[str, Any]:
    """One row: the number `numbers[index]` read in the windows around it."""
    clean = norm.clean
    number = numbers[index]
    previous = numbers[index - 1] if index else None
    s_index = sentences.index_of(number.start)
    s_start = sentences.starts[s_index]
    c_start = clause_start(clean, s_start, number.start)
    same_sentence = previous is not None and previous.end > s_start and previous.end <= number.start
    seg_start = max(c_start, previous.after) if same_sentence and previous else c_start
    if number.group and previous is not None and previous.group == number.group:
        seg_start = c_start  # later parts of a ratio share the first part's words
    windows = {"sentence": clean[s_start:number.start], "clause": clean[c_start:number.start],
               "segment": clean[seg_start:number.start]}

    # Qualifier and kind.
    qualifier = number.qualifier or qualifier_before(clean, number.start) or "exact"
    year = resolve_year(windows["sentence"], doc_year)
    # A figure for a year after the document's own (到2026年, 明年) is a plan, not an actual.
    goal_year = target_year(windows["sentence"]) or year.year
    has_target = goal_year is not None and doc_year is not None and goal_year > doc_year
    kind, sign = classify_kind(windows, number.unit_kind, number.default_kind, has_target)

    # Region and year.
    region, region_conf = regions.resolve(s_index, c_start, number.start)

    # Indicator: a 分别 list gives each number its own subject.
    before_list = 0
    for earlier in reversed(numbers[:index]):  # numbers after 分别 earlier in this clause
        if earlier.start < c_start or clean.find("分别", c_start, earlier.start) < 0:
            break
        before_list += 1
    subject = list_subject(windows["clause"], before_list)
    if subject:
        subject = subject.replace(region.name, "")
    indicator = label_indicator(clean, (seg_start, c_start, s_start), number.start, number.end,
                                number.unit, number.unit_kind, kind, sign,
                                regions.mention_starts_between(c_start, number.start), subject,
                                shared)

    start, end = _original_span(norm, number.start, number.end)
    sent_start, sent_end = _sentence_span(norm, text, sentences, s_index)
    confidence = math.prod((region_conf, year.confidence, indicator.confidence)) ** (1 / 3)
    return {
        "start": start, "end": end, "quote": text[start:end],
        "sentence": text[sent_start:sent_end],
        "value": sign * number.value if kind == "change" else number.value,
        "unit": number.unit or indicator.unit,
        "qualifier": qualifier, "kind": kind,
        "region": region.name, "year": year.year,
        "indicator": indicator.label, "category": indicator.category,
        "concept": indicator.concept,
        "region_code": region.code, "region_level": region.level,
        "province": region.province, "confidence": round(confidence, 2),
    }
