"""Conflicts: one fact, different values in different sentences, shown side by side.

The charts plot one value per fact; this view is where an analyst sees every
competing value with its sentence and source and judges which to trust.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.formatting import CONFLICT_MARK, format_number
from dashboard.i18n import kind_label, label
from dashboard.views.base import claim_card

MAX_GROUPS = 20


def render_conflicts(scope: data.Scope, text_of: Callable[[str], str | None]) -> None:
    """Each conflict among the filtered claims, with all its claims, as a row of cards.

    The competing claims come from the whole table: a filter on one document
    must not hide the other document's value.
    """
    groups, ids = data.conflict_ids_in(scope, MAX_GROUPS)
    if groups == 0:
        st.success(label("no_conflicts"))
        return
    st.markdown(f"**{groups:,}** · {label('conflicts_intro')}")
    table = data.conflict_table(scope, ids)
    for _, rows in table.groupby(data.CONFLICT_ID, sort=False):
        first = rows.iloc[0]
        year = "" if pd.isna(first["year"]) else f" · {int(first['year'])}"
        st.markdown(f"#### {CONFLICT_MARK} {first['region']} · {first['measure']}{year} · "
                    f"{kind_label(str(first['kind']))}")
        st.caption(conflict_summary(rows))
        columns = st.columns(min(len(rows), 4))
        for i, (_, row) in enumerate(rows.head(8).iterrows()):
            with columns[i % len(columns)]:
                claim_card(row, text_of, conflict=True)


def conflict_summary(rows: pd.DataFrame) -> str:
    """How far apart a conflict's values are, and which source is the newest."""
    values = rows["value"].to_numpy(dtype="float64")
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    spread = (high - low) / max(abs(high), abs(low)) if high or low else 0.0
    dated = rows[rows["doc_date"].astype(str) != ""]
    newest = dated.loc[dated["doc_date"].astype(str).idxmax()] if len(dated) else None
    unit = str(rows.iloc[0]["unit"])
    return label("conflict_spread", spread=spread, low=format_number(low, unit),
                 high=format_number(high, unit),
                 newest="" if newest is None else label(
                     "conflict_newest", doc=newest["doc"], date=newest["doc_date"]))
