"""Drill-down: every source sentence behind a clicked point, bar, map region or row.

Clicks arrive as Plotly or dataframe selections; each chart's `on_select`
callback turns its selection into a `DrillTarget` kept in session state under
state.DRILL, so whichever was clicked last is what this panel shows (and tests
can set the target directly, since AppTest cannot click a chart).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.data import CONFLICT_ID, DrillTarget, Scope, drill_claims
from dashboard.i18n import label
from dashboard.views import TAB_DOCUMENTS, TAB_KEY
from dashboard.views.base import claim_card, set_drill

MAX_CARDS = 30


def render_drilldown(scope: Scope, text_of: Callable[[str], str | None]) -> None:
    """The panel under the charts: sentences for the last clicked fact, side by side."""
    target: DrillTarget | None = st.session_state.get(state.DRILL)
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
                      on_click=_open_document, args=(str(row["doc"]), int(row["start"])))


def _open_document(doc: str, start: int) -> None:
    """Show a document in the Documents tab, scrolled to this claim."""
    st.session_state[state.DOCUMENT] = doc
    st.session_state[state.DOC_AT] = start
    st.session_state[TAB_KEY] = TAB_DOCUMENTS
