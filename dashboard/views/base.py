"""Helpers every view draws with: chart plumbing, the shared measure picker, claim cards.

Views import these instead of each other, so a view can change without the
others noticing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import data, state
from dashboard.data import LOW_CONFIDENCE, DrillTarget, drill_from_selection
from dashboard.formatting import (
    claim_badges,
    format_claim_value,
    highlight_quote,
    sentence_offset,
)
from dashboard.i18n import KINDS, category_label, kind_label, label, level_label


def customdata(n: int, region: object = None, indicator: object = None, year: object = None,
               kind: object = None) -> np.ndarray:
    """Per-point (region, indicator, year, kind) as one object array.

    Each argument is a scalar or a sequence of length n. An array is much
    cheaper for Plotly to validate than a list of lists, which matters with
    thousands of points.
    """
    out = np.empty((n, 4), dtype=object)
    for i, values in enumerate((region, indicator, year, kind)):
        out[:, i] = values if values is None or isinstance(values, str | int) else list(values)
    return out


# Plotly's own camera button downloads a PNG in the browser; name the file.
def plotly_config(name: str) -> dict:
    """Chart config: PNG download named after the chart, no Plotly logo."""
    return {"displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": f"zhibiao_{name}", "scale": 2}}


def keep_valid(key: str, options: list, default: object = None) -> None:
    """Reset a choice whose option vanished when the filters changed.

    A keyed selectbox keeps its old value even when the new options lack it;
    charting an indicator the filters removed would show an empty figure.
    """
    if key in st.session_state and st.session_state[key] not in options:
        st.session_state[key] = default if default in options else (options[0] if options else None)


def kind_name(kind: str) -> str:
    """Legend word for a kind: 实际 for what happened, else the kind's own name."""
    if kind == "level":
        return label("actual")
    zh, en = KINDS.get(kind, (kind, kind))
    return f"{zh} {en}"


class Choice(NamedTuple):
    """What a chart, the map and the region × year table show: one measure, kind and unit."""

    measure: str
    kind: str
    unit: str
    facets: pd.DataFrame


def pick_measure(scope: data.Scope) -> Choice | None:
    """The measure, kind and unit pickers (shared by charts, map and table; one set of keys).

    A new measure resets the kind and unit that do not fit it. None when the
    filters leave nothing to chart.
    """
    measures = data.present_values(scope, data.MEASURE)
    if not measures:
        st.info(label("no_match"))
        return None
    # The default costs a query: only look for one when there is no valid choice.
    if st.session_state.get(state.CHART_MEASURE) not in measures:
        st.session_state[state.CHART_MEASURE] = data.best_measure(scope) or measures[0]
    pick, kind_pick, unit_pick = st.columns([3, 1.4, 1], vertical_alignment="bottom")
    measure = pick.selectbox(label("pick_indicator"), measures, key=state.CHART_MEASURE)
    facets = data.measure_facets(scope, measure)
    kinds = data.kinds_for(facets)
    keep_valid(state.CHART_KIND, kinds)
    kind = kind_pick.selectbox(label("pick_kind"), kinds, key=state.CHART_KIND,
                               format_func=kind_name) if kinds else "level"
    units = data.units_for(facets, kind)
    keep_valid(state.CHART_UNIT, units)
    unit = (unit_pick.selectbox(label("pick_unit"), units, key=state.CHART_UNIT)
            if units else "")
    return Choice(measure, kind, unit, facets)


def set_drill(target: DrillTarget | None) -> None:
    """Point the drill-down panel at a fact (None closes it), and have the whole page
    rerun to show it (see state.DRILL_MOVED)."""
    st.session_state[state.DRILL] = target
    st.session_state[state.DRILL_MOVED] = True


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
        "region_level": level_label(str(row["region_level"])), "province": row["province"],
        "year": "" if pd.isna(row["year"]) else int(row["year"]),
        "indicator": row["indicator"], "concept": row["concept"],
        "category": category_label(str(row["category"])),
        "confidence": round(float(row["confidence"]), 3), "doc": row["doc"],
        "start": int(row["start"]), "end": int(row["end"]), "doc_date": row["doc_date"],
    }
    return pd.DataFrame({"field": list(shown), "value": [str(v) for v in shown.values()]})


def figure(traces: list[dict], layout: dict) -> go.Figure:
    """A figure of plain trace and layout dicts, built without plotly's property-by-property
    checks.

    The views write known properties only, in plotly.js's own spelling (a title is
    {"text": …}: nothing rewrites a shorthand); at a million claims those checks
    cost more than the queries behind the charts, and update_layout's alone take
    longer than building the traces.
    """
    return go.Figure(data=traces, layout=layout, _validate=False)
