"""Document view: a whole source text with every extracted claim highlighted.

Offsets are Python str indices into the text decoded as UTF-8 with the BOM
stripped (the extractor's contract), so the marks land on the quoted numbers;
hovering a mark shows what was extracted from it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from dashboard import data, state
from dashboard.formatting import format_claim_value, highlight_spans
from dashboard.i18n import PLANNED_KINDS, kind_label, label

SCROLL_TO_FOCUS = """<script>
const mark = window.parent.document.getElementById("zb-focus");
if (mark) { mark.scrollIntoView({block: "center", behavior: "smooth"}); }
</script>"""
DOC_SEARCH_KEY = "document_search"


def claim_spans(claims: pd.DataFrame, focus: int | None = None
                ) -> list[tuple[int, int, str, str]]:
    """(start, end, tooltip, css class) for each claim of one document; the claim at
    offset `focus` (opened from the drill-down) is the one to scroll to and flash."""
    spans = []
    for row in claims.itertuples():
        value = format_claim_value(row.value, str(row.unit), str(row.qualifier), str(row.kind))
        year = "" if row.year != row.year else f" {int(row.year)}"
        tooltip = (f"{row.region} · {row.indicator}{year} · {value} · {kind_label(str(row.kind))}"
                   f" · 置信度 confidence {row.confidence:.2f}")
        css = "zb-claim"
        if row.confidence < data.LOW_CONFIDENCE:
            css += " zb-low"
        if str(row.kind) in PLANNED_KINDS:
            css += " zb-planned"
        if focus is not None and int(row.start) == focus:
            css += " zb-focus"
        spans.append((int(row.start), int(row.end), tooltip, css))
    return spans


def render_document(scope: data.Scope, files: Sequence[str],
                    text_of: Callable[[str], str | None], dates: dict[str, str]) -> None:
    """Pick a document; show its metadata, its claims' count and its marked-up text.

    The picker searches: it offers the names that match what was typed (the
    text files, the session's uploads and the table's documents), not a list
    of every document of a large corpus.
    """
    current = st.session_state.get(state.DOCUMENT)
    typed = st.text_input(label("doc_search"), key=DOC_SEARCH_KEY,
                          placeholder=label("doc_search_hint")).strip().lower()
    named = [f for f in files if typed in f.lower()][:data.DOC_MATCHES]
    docs = list(dict.fromkeys([*([current] if current else []), *named,
                               *data.docs_matching(scope, typed, data.DOC_MATCHES)]))
    if not docs:
        st.info(label("no_data") if not typed else label("no_match"))
        return
    if current not in docs:
        st.session_state[state.DOCUMENT] = docs[0]
    doc = st.selectbox(label("pick_document"), docs, key=state.DOCUMENT,
                       on_change=lambda: st.session_state.pop(state.DOC_AT, None))
    claims = data.document_claims(scope, doc)
    text = text_of(doc)
    date = dates.get(doc) or next(iter(claims["doc_date"].astype(str)), "")
    st.caption(f"{doc} · {label('doc_date')}: {date or '—'} · {len(claims)} {label('claims')}"
               + (f" · {len(text):,} 字 characters" if text else ""))
    if text is None:
        st.warning(label("doc_missing"))
        return
    st.html("<div class='zb-legend'><mark class='zb-claim'>1200亿元</mark> 抽取的数字 extracted "
            "number · <mark class='zb-claim zb-planned'>1800亿元</mark> 目标/预测 target/forecast"
            " · <mark class='zb-claim zb-low'>136万人</mark> 低置信度 low confidence</div>")
    focus = st.session_state.get(state.DOC_AT)
    with st.container(height=620, border=True):
        st.html(f"<div class='zb-doc'>{highlight_spans(text, claim_spans(claims, focus))}</div>")
    if focus is not None:
        # st.html runs no script; a same-origin component frame can scroll the page's mark.
        components.html(SCROLL_TO_FOCUS, height=0)
