"""The figures: a measure over the years, regions side by side, a region's profile.

A chart plots one measure (the concept, else the indicator label) and one
kind of value: a level (with its targets and forecasts beside it, dashed), or
a growth rate, or a share, never two of them on one axis. Every point
carries (region, measure, year, kind) as customdata, so a click
anywhere drills into the same fact. Targets and forecasts are dashed and
hollow and say so in the legend; a fact stated with different values gets a
red ✕ at each value instead of one of them being silently plotted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import data, state
from dashboard.formatting import CONFLICT_MARK, axis_scale, format_claim_value
from dashboard.i18n import PLANNED_KINDS, category_label, label, zh
from dashboard.views.base import (
    customdata,
    figure,
    keep_valid,
    kind_name,
    on_chart_select,
    pick_measure,
    plotly_config,
)

PALETTE: tuple[str, ...] = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                            "#e377c2", "#17becf", "#bcbd22", "#7f7f7f")
CONFLICT_COLOUR = "#c0392b"
MAX_LINES = 8  # more lines than colours cannot be told apart
MAX_BARS = 30
LAYOUT = {"margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "height": 380,
          "font": {"family": "Noto Sans CJK SC, Noto Sans SC, PingFang SC, Microsoft YaHei, "
                             "sans-serif"},
          "legend": {"orientation": "h", "y": -0.2}, "clickmode": "event+select",
          "plot_bgcolor": "white", "hovermode": "closest"}

KEY_LINE = "line_chart"
KEY_BAR = "bar_chart"
KEY_PROFILE = "profile_chart"
NO_BASE = 0  # the base-year choice meaning "plain values, no index"


def hover_texts(facts: pd.DataFrame, unit: str) -> list[str]:
    """Hover text per fact: formatted value, number of sources, and the conflict if any."""
    texts = []
    for value, qualifier, kind, n, conflict, low, high in zip(
            facts["value"], facts["qualifier"], facts["kind"], facts["n"], facts["conflict"],
            facts["low"], facts["high"], strict=True):
        text = f"{format_claim_value(value, unit, qualifier, kind)}<br>{int(n)} 条来源 sources"
        if conflict:
            text += (f"<br>{CONFLICT_MARK} 数值冲突 conflicting: "
                     f"{format_claim_value(low, unit)} – {format_claim_value(high, unit)}")
        texts.append(text)
    return texts


def busiest_regions(series: pd.DataFrame, limit: int = MAX_LINES) -> list[str]:
    """Regions with the most claims for the chart's measure: the lines drawn by default."""
    return list(series.groupby("region")["n"].sum().sort_values(ascending=False, kind="stable")
                .index[:limit])


def source_note(sources: dict, names: bool = True) -> str:
    """The line under a chart: how many documents, their dates and (under the chart,
    not in its PNG, where it would not fit) the busiest ones."""
    if not sources["docs"]:
        return ""
    span = (f"{sources['first']} – {sources['last']}" if sources["first"] != sources["last"]
            else sources["first"])
    if not names:  # in the figure, where only one language fits
        return zh("chart_sources_short", docs=sources["docs"], span=span or "—")
    return label("chart_sources", docs=sources["docs"], span=span or "—",
                 top="、".join(sources["top"]))


def titled(title: str, note: str) -> dict:
    """Layout for a chart's title with its source line under it, so the downloaded PNG
    carries the sources; under the title a legend of any length cannot run into it."""
    if not note:
        return {**LAYOUT, "title": {"text": title}}
    return {**LAYOUT, "title": {"text": f"{title}<br><sup style='color:#666'>{note}</sup>"},
            "margin": {**LAYOUT["margin"], "t": 70}, "height": LAYOUT["height"] + 30}


def line_figure(series: pd.DataFrame, indicator: str, unit: str, log: bool = False,
                regions: list[str] | None = None, note: str = "") -> go.Figure:
    """Indicator over the years, one line per region and kind."""
    divisor, axis_unit = axis_scale(series["value"], unit)
    traces = []
    regions = regions if regions else busiest_regions(series)
    colour = {r: PALETTE[i % len(PALETTE)] for i, r in enumerate(regions)}
    for (region, kind), rows in series[series["region"].isin(regions)].groupby(
            ["region", "kind"], sort=False):
        planned = kind in PLANNED_KINDS
        rows = rows.sort_values("year")
        traces.append(dict(
            type="scatter",
            x=rows["year"].to_numpy(), y=rows["value"].to_numpy() / divisor, mode="lines+markers",
            name=f"{region} · {kind_name(kind)}",
            line={"color": colour[region], "dash": "dash" if planned else "solid"},
            marker={"size": 9, "symbol": "circle-open" if planned else "circle"},
            customdata=customdata(len(rows), region, indicator, rows["year"].astype(int), kind),
            hovertext=np.array(hover_texts(rows, unit), dtype=object),
            hovertemplate=f"<b>{region}</b> %{{x}}<br>%{{hovertext}}<extra></extra>",
        ))
    conflicts = series[series["conflict"] & series["region"].isin(regions)]
    if len(conflicts):
        points = pd.concat([conflicts.assign(shown=conflicts["low"]),
                            conflicts.assign(shown=conflicts["high"])])
        traces.append(dict(
            type="scatter",
            x=points["year"].to_numpy(), y=points["shown"].to_numpy() / divisor, mode="markers",
            name=f"{CONFLICT_MARK} {label('conflict_mark')}",
            marker={"symbol": "x", "size": 12, "color": CONFLICT_COLOUR},
            customdata=customdata(len(points), points["region"], indicator,
                                  points["year"].astype(int), points["kind"]),
            hovertext=np.array(hover_texts(points, unit), dtype=object),
            hovertemplate="<b>%{customdata[0]}</b> %{x}<br>%{hovertext}<extra></extra>",
        ))
    return figure(traces, {
        **titled(f"{indicator} ({axis_unit})", note),
        "xaxis": {"title": {"text": label("year")}, "dtick": 1, "gridcolor": "#eee"},
        "yaxis": {"title": {"text": f"{indicator} ({axis_unit})"}, "gridcolor": "#eee",
                  "type": "log" if log else "linear"}})


def bar_figure(values: pd.DataFrame, indicator: str, unit: str, year: int, log: bool = False,
               note: str = "") -> go.Figure:
    """Regions side by side for one indicator and year; a conflict shows its spread."""
    divisor, axis_unit = axis_scale(values["value"], unit)
    values = values.head(MAX_BARS)
    traces = []
    for kind, rows in values.groupby("kind", sort=False):
        planned = kind in PLANNED_KINDS
        spread = rows["conflict"]
        traces.append(dict(
            type="bar", x=rows["region"], y=rows["value"] / divisor, name=kind_name(kind),
            text=[format_claim_value(r.value, unit, r.qualifier, r.kind)
                  + (f" {CONFLICT_MARK}" if r.conflict else "") for r in rows.itertuples()],
            textposition="outside",
            marker={"pattern": {"shape": "/" if planned else ""},
                    "line": {"color": ["#c0392b" if c else "rgba(0,0,0,0)" for c in spread],
                             "width": 2}},
            # NaN draws no error bar: only a conflict shows its spread.
            error_y={"type": "data", "symmetric": False, "thickness": 2, "width": 6,
                     "array": ((rows["high"] - rows["value"]) / divisor).where(spread),
                     "arrayminus": ((rows["value"] - rows["low"]) / divisor).where(spread),
                     "color": CONFLICT_COLOUR},
            customdata=customdata(len(rows), rows["region"], indicator, int(year), rows["kind"]),
            hovertext=hover_texts(rows, unit),
            hovertemplate="<b>%{x}</b><br>%{hovertext}<extra></extra>",
        ))
    return figure(traces, {
        **titled(f"{indicator} · {year} ({axis_unit})", note), "barmode": "group",
        "yaxis": {"title": {"text": axis_unit}, "gridcolor": "#eee",
                  "type": "log" if log else "linear"}})


def profile_figure(profile: pd.DataFrame, region: str) -> go.Figure:
    """Claims about one region by category and indicator (horizontal bars)."""
    top = profile.head(25).iloc[::-1]
    return figure([dict(
        type="bar", y=rows["indicator"], x=rows["n"], orientation="h",
        name=category_label(category), marker={"color": PALETTE[i % len(PALETTE)]},
        customdata=customdata(len(rows), region, rows["indicator"]),
        hovertemplate="%{y}: %{x} 条 claims<extra></extra>",
    ) for i, (category, rows) in enumerate(top.groupby("category", sort=False))], {
        **LAYOUT, "height": max(300, 24 * len(top) + 120),
        "title": {"text": f"{region} · {label('n_claims')}"}, "barmode": "stack",
        "yaxis": {"categoryorder": "total ascending", "dtick": 1, "automargin": True},
        "xaxis": {"title": {"text": label("n_claims")}, "gridcolor": "#eee"}})


def chart_values(scope: data.Scope, series: pd.DataFrame, unit: str, kind: str
                 ) -> tuple[pd.DataFrame, str, str]:
    """The series as the scale controls ask: per resident, as an index, or as stated.

    Returns the values, their unit and a note on what was left out.
    """
    note = ""
    if st.session_state.get(state.CHART_PER_CAPITA) and kind == "level":
        population = data.indicator_series(scope, *data.POPULATION)
        shown = data.per_capita(series, population)
        if len(shown) < len(series):
            note = label("per_capita_gap", n=len(series) - len(shown))
        series, unit = shown, f"{unit}/人"
    base = st.session_state.get(state.CHART_BASE_YEAR) or NO_BASE
    if base != NO_BASE:
        shown = data.as_index(series, base)
        if len(shown) < len(series):
            note = (note + " " if note else "") + label("index_gap", year=base)
        series, unit = shown, label("index_unit", year=base)
    return series, unit, note


def render_charts(scope: data.Scope) -> None:
    """Measure, kind, unit and year pickers, scale controls, then the three figures."""
    choice = pick_measure(scope)
    if choice is None:
        return
    measure, kind, unit, facets = choice
    years = data.years_for(facets, unit, kind)
    if st.session_state.get(state.CHART_YEAR) not in years and years:
        st.session_state[state.CHART_YEAR] = data.busiest_year(facets, unit, kind) or years[0]
    stated = data.indicator_series(scope, measure, unit, kind)
    year_pick, scale_pick, base_pick, capita_pick, lines_pick = st.columns(
        [0.9, 1.1, 1.3, 1.4, 2.8], vertical_alignment="bottom")
    year = (year_pick.selectbox(label("pick_year"), years, key=state.CHART_YEAR)
            if years else None)
    state.ensure(state.CHART_SCALE, "linear")
    scale_pick.radio(label("scale"), ["linear", "log"], key=state.CHART_SCALE,
                     format_func=lambda s: label(f"scale_{s}"), horizontal=True)
    keep_valid(state.CHART_BASE_YEAR, [NO_BASE, *sorted(years)], NO_BASE)
    state.ensure(state.CHART_BASE_YEAR, NO_BASE)
    base_pick.selectbox(label("base_year"), [NO_BASE, *sorted(years)], key=state.CHART_BASE_YEAR,
                        format_func=lambda y: label("no_index") if y == NO_BASE else str(y))
    state.ensure(state.CHART_PER_CAPITA, False)
    capita_pick.toggle(label("per_capita"), key=state.CHART_PER_CAPITA,
                       disabled=kind != "level" or measure == data.POPULATION[0],
                       help=label("per_capita_help"))
    present = busiest_regions(stated, limit=len(stated))
    chosen = [r for r in st.session_state.get(state.CHART_REGIONS) or [] if r in present]
    st.session_state[state.CHART_REGIONS] = chosen
    lines_pick.multiselect(label("chart_regions"), present, key=state.CHART_REGIONS,
                           placeholder=label("chart_regions_hint", n=MAX_LINES),
                           max_selections=MAX_LINES)
    series, shown_unit, gap = chart_values(scope, stated, unit, kind)
    log = st.session_state[state.CHART_SCALE] == "log"
    lines = chosen or busiest_regions(series)
    drawn = data.sources_summary(scope, measure, unit, kind, lines)
    note, short_note = source_note(drawn), source_note(drawn, names=False)

    left, right = st.columns(2)
    with left:
        st.markdown(f"##### {label('line_title')}")
        if series.empty:
            st.caption(label("no_match"))
        else:
            st.plotly_chart(line_figure(series, measure, shown_unit, log, lines, short_note),
                            key=KEY_LINE, on_select=on_chart_select(KEY_LINE),
                            selection_mode="points", config=plotly_config("line"))
    with right:
        st.markdown(f"##### {label('bar_title')}")
        if year is not None:
            values = data.regions_in_year(series, year)
            bar_note = source_note(data.sources_summary(scope, measure, unit, kind),
                                   names=False)
            st.plotly_chart(bar_figure(values, measure, shown_unit, year, log, bar_note),
                            key=KEY_BAR, on_select=on_chart_select(KEY_BAR),
                            selection_mode="points", config=plotly_config("bar"))
    if gap:
        st.caption(gap)
    if note:
        st.caption(note)

    st.markdown(f"##### {label('profile_title')}")
    regions = data.top_regions(scope)
    keep_valid(state.PROFILE_REGION, regions)
    region = st.selectbox(label("pick_region"), regions, key=state.PROFILE_REGION)
    if region:
        profile = data.region_profile(scope, region)
        st.plotly_chart(profile_figure(profile, region), key=KEY_PROFILE,
                        on_select=on_chart_select(KEY_PROFILE), selection_mode="points",
                        config=plotly_config("profile"))
    st.caption(label("png_hint"))
