"""The filtered claims as a table; a selected row opens the drill-down.

A million rows cannot go to the browser on every rerun, so the table shows the
first rows (most confident first) and says how many there are; the CSV
download carries all of them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.formatting import CONFLICT_MARK, LOW_MARK, format_claim_value
from dashboard.i18n import category_label, kind_label, label
from dashboard.views.drilldown import set_drill

KEY_TABLE = "claims_table"
SHOWN_IDS_KEY = "claims_table_ids"
MAX_ROWS = 500


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
    year = df["year"].to_numpy()
    return pd.DataFrame({
        label("region"): df["region"].astype(str).to_numpy(),
        label("year"): pd.array(np.where(np.isnan(year), np.nan, year), dtype="Float64")
        .astype("Int64"),
        label("indicator"): df["indicator"].astype(str).to_numpy(),
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
        set_drill(data.DrillTarget(claim_id=int(ids[rows[0]])))


def render_table(df: pd.DataFrame) -> None:
    """First rows of the filtered table, selectable."""
    shown = df.head(MAX_ROWS)
    st.session_state[SHOWN_IDS_KEY] = shown[data.CLAIM_ID].tolist()
    st.caption(label("showing_rows", shown=f"{len(shown):,}", total=f"{len(df):,}")
               + f" · {LOW_MARK} " + label("low_conf_mark")
               + f" · {CONFLICT_MARK} " + label("conflict_mark"))
    st.dataframe(display_frame(shown), key=KEY_TABLE, on_select=_on_row_select,
                 selection_mode="single-row", hide_index=True, width="stretch", height=420)
