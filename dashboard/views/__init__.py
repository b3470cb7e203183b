"""One module per part of the page; each draws what `dashboard.data` computes.

The tab names live here because more than one view switches tabs (the
drill-down opens the document view); they are also the ?tab= query values,
so they stay fixed whatever the language.
"""

TAB_KEY = "tab"
TAB_CHARTS = "图表 Charts"
TAB_MAP = "地图 Map"
TAB_TABLE = "表格 Table"
TAB_CONFLICTS = "冲突 Conflicts"
TAB_DOCUMENTS = "文档 Documents"
TAB_UPLOAD = "上传 Add text"
TAB_ABOUT = "关于 About"

def customdata(n: int, region=None, indicator=None, year=None, kind=None):
    """Per-point (region, indicator, year, kind) as one object array.

    Each argument is a scalar or a sequence of length n. An array is much
    cheaper for Plotly to validate than a list of lists, which matters with
    thousands of points.
    """
    import numpy as np

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
    import streamlit as st

    if key in st.session_state and st.session_state[key] not in options:
        st.session_state[key] = default if default in options else (options[0] if options else None)
