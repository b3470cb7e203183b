"""How a claim reads on screen: readable units, qualifiers, kinds, highlights.

The table stores numbers in base units (1.2e11 元); analysts read 1200亿元.
A target must never look like an actual figure, so the kind travels with the
value in every label built here. Highlighting is HTML built from escaped text,
shared by the drill-down and the document view.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable

from dashboard.i18n import KINDS, PLANNED_KINDS, QUALIFIERS

# Chinese magnitude words, largest first; units that are already rates or
# ratios (%, 百分点) are never scaled.
MAGNITUDES: tuple[tuple[float, str], ...] = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))
UNSCALED_UNITS: frozenset[str] = frozenset({"%", "百分点", "‰", "倍"})
UNIT_DISPLAY: dict[str, str] = {"百分点": "个百分点"}
# Marks drawn from the CJK fonts every Chinese system has (emoji fonts are not a given).
PLANNED_MARK = "◎"
LOW_MARK = "△"
CONFLICT_MARK = "≠"


def _trim(number: float, decimals: int) -> str:
    """Round to `decimals` places and drop trailing zeros (2184.30 -> 2184.3)."""
    text = f"{number:,.{decimals}f}".replace(",", "")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_number(value: float, unit: str) -> str:
    """Write a base-unit value with a Chinese magnitude word: 1.2e11 元 -> 1200亿元."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    shown_unit = UNIT_DISPLAY.get(unit, unit or "")
    if unit in UNSCALED_UNITS:
        return f"{_trim(value, 2)}{shown_unit}"
    for size, word in MAGNITUDES:
        if abs(value) >= size:
            return f"{_trim(value / size, 4)}{word}{shown_unit}"
    return f"{_trim(value, 2)}{shown_unit}"


def format_claim_value(
    value: float, unit: str, qualifier: str = "exact", kind: str = "level"
) -> str:
    """Value as a reader should see it: qualifier in front, kind after when it is not a level.

    Examples: 约1200亿元, 超500万人, 2600万千瓦（目标）.
    """
    text = QUALIFIERS.get(qualifier, ("", ""))[0] + format_number(value, unit)
    if kind in PLANNED_KINDS or kind == "cumulative":
        text += f"（{KINDS[kind][0]}）"
    return text


def claim_badges(kind: str, confidence: float, low_confidence: float, conflict: bool) -> list[str]:
    """Short warnings shown beside a claim, so a target or a doubtful row stands out."""
    badges: list[str] = []
    if kind in PLANNED_KINDS:
        zh, en = KINDS[kind]
        badges.append(f"{PLANNED_MARK} {zh} {en}")
    if confidence is not None and not math.isnan(confidence) and confidence < low_confidence:
        badges.append(f"{LOW_MARK} 低置信度 low confidence ({confidence:.2f})")
    if conflict:
        badges.append(f"{CONFLICT_MARK} 数值冲突 conflicting values")
    return badges


def locate_quote(sentence: str, quote: str, offset_hint: int | None = None) -> int:
    """Where the quote sits in its sentence; `offset_hint` picks among repeats.

    The table gives the quote's offsets in the document, not in the sentence,
    so when a number occurs twice in one sentence the hint (quote start minus
    sentence start, if the caller knows it) decides which one to mark.
    """
    if offset_hint is not None and sentence[offset_hint : offset_hint + len(quote)] == quote:
        return offset_hint
    return sentence.find(quote)


def highlight_quote(sentence: str, quote: str, offset_hint: int | None = None) -> str:
    """HTML of the sentence with the quote wrapped in <mark>."""
    at = locate_quote(sentence, quote, offset_hint) if quote else -1
    if at < 0:
        return html.escape(sentence)
    return (
        html.escape(sentence[:at])
        + f"<mark class='zb-quote'>{html.escape(quote)}</mark>"
        + html.escape(sentence[at + len(quote) :])
    )


def highlight_spans(text: str, spans: Iterable[tuple[int, int, str, str]]) -> str:
    """HTML of a whole document with every (start, end, tooltip, css_class) span marked.

    The span whose classes include zb-focus also gets id='zb-focus', for the
    page to scroll to.

    Spans that overlap an earlier one or fall outside the text are skipped, so a
    bad offset from the extractor cannot garble the rest of the page.
    """
    pieces: list[str] = []
    cursor = 0
    for start, end, tooltip, css_class in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < cursor or end > len(text) or end <= start:
            continue
        pieces.append(html.escape(text[cursor:start]))
        ident = " id='zb-focus'" if "zb-focus" in css_class.split() else ""
        pieces.append(
            f"<mark class='{css_class}'{ident} title='{html.escape(tooltip, quote=True)}'>"
            f"{html.escape(text[start:end])}</mark>"
        )
        cursor = end
    pieces.append(html.escape(text[cursor:]))
    return "".join(pieces)


def sentence_offset(text: str, sentence: str, start: int) -> int | None:
    """Offset of the quote inside its sentence, found from the document text."""
    if not text or not sentence:
        return None
    lo = max(0, start - len(sentence))
    at = text.find(sentence, lo, start + len(sentence))
    while at != -1 and at <= start:
        if at + len(sentence) >= start:
            return start - at
        at = text.find(sentence, at + 1, start + len(sentence))
    return None


def axis_scale(values: Iterable[float], unit: str) -> tuple[float, str]:
    """Divisor and axis unit so a chart reads 41610.9 亿元 instead of 4.16T 元."""
    shown_unit = UNIT_DISPLAY.get(unit, unit or "")
    if unit in UNSCALED_UNITS:
        return 1.0, shown_unit
    finite = [abs(v) for v in values if v is not None and not math.isnan(v)]
    peak = max(finite, default=0.0)
    for size, word in MAGNITUDES:
        if peak >= size:
            return size, f"{word}{shown_unit}"
    return 1.0, shown_unit
