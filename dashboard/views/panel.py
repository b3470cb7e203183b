"""The region × year table: the indicator table for one measure, as an analyst reads it.

Rows are regions (in the sidebar's province-by-province order), columns years,
each cell the value most claims agree on with the number of claims behind it;
a clicked cell opens those claims below. The same table downloads as CSV.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.formatting import CONFLICT_MARK, format_number
from dashboard.i18n import label
from dashboard.views.base import pick_measure, set_drill

KEY_CELLS = "panel_table"
SHOWN_KEY = "panel_table_shown"  # (regions, years) of the table on screen, for a click


def cell_texts(values: pd.DataFrame, counts: pd.DataFrame, conflicts: set[tuple[str, int]],
               unit: str) -> pd.DataFrame:
    """Each cell as '4.4万亿元 (3)', marked ≠ where its claims conflict; empty where none."""
    shown = pd.DataFrame(index=values.index, columns=[str(y) for y in values.columns])
    for year in values.columns:
        shown[str(year)] = [
            "" if pd.isna(v) else (f"{CONFLICT_MARK} " if (r, year) in conflicts else "")
            + f"{format_number(v, unit)} ({int(n)})"
            for r, v, n in zip(values.index, values[year], counts[year].fillna(0), strict=True)]
    return shown


def _on_cell_select() -> None:
    """Open the claims of the clicked cell."""
    cells = (st.session_state.get(KEY_CELLS) or {}).get("selection", {}).get("cells", [])
    regions, measure = st.session_state.get(SHOWN_KEY, ([], ""))
    if cells and cells[0][1] != label("region") and cells[0][0] < len(regions):
        row, column = cells[0]
        set_drill(data.DrillTarget(region=regions[row], measure=measure, year=int(column)))


def render_panel(scope: data.Scope, region_order: list[str]) -> None:
    """Pickers, the table, its download."""
    choice = pick_measure(scope)
    if choice is None:
        return
    panel = data.region_year_table(scope, choice.measure, choice.unit, choice.kind)
    if panel.empty:
        st.info(label("no_match"))
        return
    values, counts = data.wide_table(panel, region_order)
    conflicts = set(zip(panel.loc[panel["conflict"], "region"],
                        panel.loc[panel["conflict"], "year"], strict=True))
    shown = cell_texts(values, counts, conflicts, choice.unit)
    st.session_state[SHOWN_KEY] = (list(shown.index), choice.measure)
    st.caption(label("panel_intro", regions=len(shown), years=len(shown.columns))
               + f" · {CONFLICT_MARK} " + label("conflict_mark"))
    st.dataframe(shown.reset_index().rename(columns={"region": label("region")}),
                 key=KEY_CELLS, on_select=_on_cell_select, selection_mode="single-cell",
                 hide_index=True, width="stretch", height=min(600, 38 + 35 * len(shown)))
    st.download_button(label("download_wide"), data=lambda: data.wide_csv_bytes(
        values, counts, choice.unit), file_name=f"zhibiao_{choice.measure}_{choice.kind}.csv",
        mime="text/csv", key="download_wide", on_click="ignore", icon=":material/download:")
