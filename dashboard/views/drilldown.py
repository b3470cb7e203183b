"""Drill-down: every source sentence behind a clicked point, bar, map region or row.

Clicks arrive as Plotly or dataframe selections; each chart's `on_select`
callback turns its selection into a `DrillTarget` kept in session state under
DRILL_KEY, so whichever was clicked last is what this panel shows (and tests
can set the target directly, since AppTest cannot click a chart).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.data import (
    CONFLICT_ID,
    LOW_CONFIDENCE,
    DrillTarget,
    Scope,
    drill_claims,
    drill_from_selection,
)
from dashboard.formatting import (
    claim_badges,
    format_claim_value,
    highlight_quote,
    sentence_offset,
)
from dashboard.i18n import category_label, kind_label, label
from dashboard.views import TAB_DOCUMENTS, TAB_KEY

DRILL_KEY = state.DRILL
# The document tab reads this key; the drill-down's "open document" link sets it.
DOCUMENT_KEY = state.DOCUMENT
MAX_CARDS = 30


def set_drill(target: DrillTarget | None) -> None:
    """Point the drill-down panel at a fact (None closes it)."""
    st.session_state[DRILL_KEY] = target


def on_chart_select(chart_key: str) -> Callable[[], None]:
    """A callback for st.plotly_chart(on_select=...) that drills into the clicked point."""

    def callback() -> None:
        target = drill_from_selection(st.session_state.get(chart_key))
        if target is not None:
            set_drill(target)

    return callback


def claim_card(row: pd.Series, text_of: Callable[[str], str | None], conflict: bool) -> None:
    """One claim: value with qualifier and kind, the sentence with the number marked, its source."""
    doc = str(row["doc"])
    text = text_of(doc)
    hint = sentence_offset(text, row["sentence"], int(row["start"])) if text else None
    value = format_claim_value(row["value"], str(row["unit"]), str(row["qualifier"]),
                               str(row["kind"]))
    with st.container(border=True):
        st.markdown(f"**{value}** · {row['region']} · {row['indicator']}"
                    + (f" · {int(row['year'])}" if not pd.isna(row["year"]) else ""))
        badges = claim_badges(str(row["kind"]), float(row["confidence"]), LOW_CONFIDENCE, conflict)
        if badges:
            st.caption(" · ".join(badges))
        st.html(f"<div class='zb-sentence'>{highlight_quote(row['sentence'], row['quote'], hint)}"
                "</div>")
        date = str(row["doc_date"])
        st.caption(f"{doc}" + (f" · {date}" if date else "")
                   + f" · [{int(row['start'])}:{int(row['end'])}]")
        with st.expander("字段 Fields"):
            st.dataframe(claim_fields(row), hide_index=True, width="stretch")


def claim_fields(row: pd.Series) -> pd.DataFrame:
    """A claim's raw fields as a two-column table (field, value)."""
    shown = {
        "quote": row["quote"], "value": row["value"], "unit": row["unit"],
        "qualifier": row["qualifier"], "kind": kind_label(str(row["kind"])),
        "region": row["region"], "region_code": row["region_code"],
        "region_level": row["region_level"], "province": row["province"],
        "year": "" if pd.isna(row["year"]) else int(row["year"]),
        "indicator": row["indicator"], "concept": row["concept"],
        "category": category_label(str(row["category"])),
        "confidence": round(float(row["confidence"]), 3), "doc": row["doc"],
        "start": int(row["start"]), "end": int(row["end"]), "doc_date": row["doc_date"],
    }
    return pd.DataFrame({"field": list(shown), "value": [str(v) for v in shown.values()]})


def render_drilldown(scope: Scope, text_of: Callable[[str], str | None]) -> None:
    """The panel under the charts: sentences for the last clicked fact, side by side."""
    target: DrillTarget | None = st.session_state.get(DRILL_KEY)
    st.subheader(label("drill_title"))
    if target is None:
        st.caption(label("drill_hint"))
        return
    rows, total = drill_claims(scope, target, MAX_CARDS)
    heading = target.describe()
    if target.claim_id is not None and len(rows):  # a table row: name the claim's fact
        first = rows.iloc[0]
        heading = DrillTarget(region=str(first["region"]), measure=str(first["measure"]),
                              year=None if pd.isna(first["year"]) else int(first["year"])
                              ).describe()
    head, close = st.columns([5, 1])
    head.markdown(f"**{heading}** — {total:,} {label('claims')}"
                  + (f" ({label('first_shown', n=MAX_CARDS)})" if total > len(rows) else ""))
    close.button("关闭 Close", icon=":material/close:", key="drill_close", on_click=set_drill,
                 args=(None,))
    if rows.empty:
        st.info(label("no_match"))
        return
    conflicting = rows[CONFLICT_ID].to_numpy() >= 0
    columns = st.columns(min(len(rows), 3))
    for i, (_, row) in enumerate(rows.iterrows()):
        with columns[i % len(columns)]:
            claim_card(row, text_of, bool(conflicting[i]))
            st.button("打开文档 Open document", icon=":material/description:",
                      key=f"open_doc_{row['claim_id']}",
                      on_click=_open_document, args=(str(row["doc"]),))


def _open_document(doc: str) -> None:
    """Show a document in the Documents tab."""
    st.session_state[DOCUMENT_KEY] = doc
    st.session_state[TAB_KEY] = TAB_DOCUMENTS
