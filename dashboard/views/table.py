"""The filtered claims as a table, a page at a time; a selected row opens the drill-down.

A million rows cannot go to the browser on every rerun, so the table asks the
store for one page and says how many rows there are; the CSV download
carries all of them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import data, state
from dashboard.formatting import CONFLICT_MARK, LOW_MARK, format_claim_value
from dashboard.i18n import category_label, kind_label, label
from dashboard.views.base import set_drill

KEY_TABLE = "claims_table"
SHOWN_IDS_KEY = "claims_table_ids"
PAGE_ROWS = 500


def display_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Readable columns: formatted values with qualifier and kind, marked low confidence."""
    low = df["confidence"].to_numpy() < data.LOW_CONFIDENCE
    conflict = df[data.CONFLICT_ID].to_numpy() >= 0
    values = [
        (f"{LOW_MARK} " if is_low else "") + (f"{CONFLICT_MARK} " if is_conflict else "")
        + format_claim_value(v, u, q, k)
        for v, u, q, k, is_low, is_conflict in zip(
            df["value"], df["unit"].astype(str), df["qualifier"].astype(str),
            df["kind"].astype(str), low, conflict, strict=True)
    ]
    year = df["year"].to_numpy(dtype="float64")
    return pd.DataFrame({
        label("region"): df["region"].astype(str).to_numpy(),
        label("year"): pd.array(np.where(np.isnan(year), np.nan, year), dtype="Float64")
        .astype("Int64"),
        label("indicator"): df["indicator"].astype(str).to_numpy(),
        label("concept"): df["concept"].astype(str).to_numpy(),
        label("value"): values,
        label("kind"): [kind_label(k) for k in df["kind"].astype(str)],
        label("category"): [category_label(c) for c in df["category"].astype(str)],
        label("quote"): df["quote"].to_numpy(),
        label("confidence"): df["confidence"].round(2).to_numpy(),
        label("doc"): df["doc"].astype(str).to_numpy(),
        label("sentence"): df["sentence"].to_numpy(),
    })


def _on_row_select() -> None:
    """Drill into the selected row's claim."""
    selection = st.session_state.get(KEY_TABLE)
    rows = (selection or {}).get("selection", {}).get("rows", [])
    ids = st.session_state.get(SHOWN_IDS_KEY, [])
    if rows and rows[0] < len(ids):
        set_drill(data.DrillTarget(claim_id=str(ids[rows[0]])))


def render_table(scope: data.Scope) -> None:
    """One page of the filtered claims, selectable, with a page picker when there are more."""
    total = data.claim_count(scope)
    pages = max(1, -(-total // PAGE_ROWS))
    page = 1
    if pages > 1:
        if st.session_state.get(state.PAGE, 1) > pages:
            st.session_state[state.PAGE] = 1
        page = int(st.number_input(label("page"), min_value=1, max_value=pages, step=1,
                                   key=state.PAGE))
    shown = data.claims_page(scope, (page - 1) * PAGE_ROWS, PAGE_ROWS)
    st.session_state[SHOWN_IDS_KEY] = shown[data.CLAIM_ID].tolist()
    first = (page - 1) * PAGE_ROWS + 1 if len(shown) else 0
    st.caption(label("showing_page", first=f"{first:,}", last=f"{first + len(shown) - 1:,}"
                     if len(shown) else "0", total=f"{total:,}")
               + f" · {LOW_MARK} " + label("low_conf_mark")
               + f" · {CONFLICT_MARK} " + label("conflict_mark"))
    st.dataframe(display_frame(shown), key=KEY_TABLE, on_select=_on_row_select,
                 selection_mode="single-row", hide_index=True, width="stretch", height=420)
