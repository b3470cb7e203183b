"""Zhibiao dashboard: lays out the page; data work is in dashboard.data, drawing in views/.

Run: python -m dashboard [--data PATH]   (or set ZHIBIAO_DATA)
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import streamlit as st

from dashboard import data, state
from dashboard.i18n import label
from dashboard.source import Source, session_uploads
from dashboard.views import (
    TAB_ABOUT,
    TAB_CHARTS,
    TAB_CONFLICTS,
    TAB_DOCUMENTS,
    TAB_KEY,
    TAB_MAP,
    TAB_PANEL,
    TAB_TABLE,
    TAB_UPLOAD,
)
from dashboard.views.about import render_about
from dashboard.views.charts import render_charts
from dashboard.views.conflicts import render_conflicts
from dashboard.views.document import render_document
from dashboard.views.drilldown import render_drilldown
from dashboard.views.filters import render_filters
from dashboard.views.geomap import render_map
from dashboard.views.panel import render_panel
from dashboard.views.table import render_table
from dashboard.views.upload import (
    NAMES_LIKE_KEY,
    collect_finished_job,
    render_upload,
    uploaded_docs,
)

CSS = """<style>
mark.zb-quote { background: #ffe58f; padding: 0 2px; border-radius: 3px; font-weight: 600; }
mark.zb-claim { background: #fff1b8; border-bottom: 2px solid #d4b106; cursor: help; }
mark.zb-planned { background: #d6e4ff; border-bottom-color: #2f54eb; }
mark.zb-low { border-bottom: 2px dashed #fa8c16; }
mark.zb-focus { outline: 2px solid #d4380d; animation: zb-flash 0.8s ease-in-out 4; }
@keyframes zb-flash { 50% { background: #ff9c6e; } }
.zb-doc { white-space: pre-wrap; line-height: 1.9; font-size: 15px; }
.zb-sentence { line-height: 1.8; }
.block-container { padding-top: 2.2rem; }
.zb-legend { font-size: 0.85rem; color: #555; margin-bottom: 0.4rem; }
</style>"""
UPLOADS_STATE = "_uploads_scope"  # (table, upload names, scope, filter choices) of a session
# The label naming each link key in "the link names X that the table does not have".
LINK_WORDS = {state.REGION: "region", state.CHART_REGIONS: "region",
              state.MEASURES: "indicator", state.CHART_MEASURE: "indicator",
              state.CATEGORIES: "category", state.KINDS: "kind", state.DOCS: "doc",
              state.TAB: "tab_name"}


@st.cache_resource(show_spinner="读取指标表 Loading the claims table…")
def cached_source(path: str, mtime: float) -> tuple[Source, data.Scope, data.FilterOptions]:
    """The opened table, its region facts and filter choices, once per process
    (mtime reopens a rewritten file)."""
    source = data.load_source(Path(path))
    scope = data.with_facts(data.Scope(source))
    return source, scope, data.filter_options(scope)


@st.cache_resource
def cached_texts(folders: tuple[str, ...]) -> tuple[dict[str, str], dict[str, Path]]:
    """Document dates from the manifests and where each text file is."""
    return data.document_files([Path(f) for f in folders])


@st.cache_resource(max_entries=64)
def read_document(path: str) -> str:
    """A source text, decoded once per process."""
    return data.read_text(Path(path))


@st.cache_resource(show_spinner=False)
def settle_process_objects() -> None:
    """Once per process, after its first page: everything alive by then (the libraries,
    the opened table) is moved out of the cycle collector's sight (gc.freeze).

    Streamlit runs a full collection after every rerun (runner.postScriptGC); with
    pandas, plotly and streamlit loaded that walk takes ~100 ms, holding the GIL
    while the page's last messages wait to be sent. Frozen objects are still freed
    by reference counting; only a cycle among them (the first session's, at most)
    is never collected.
    """
    gc.collect()
    gc.freeze()


def session_scope(scope: data.Scope, options: data.FilterOptions
                  ) -> tuple[data.Scope, data.FilterOptions]:
    """The table plus this session's uploads, with their region facts and filter choices:
    worked out again only when the uploads (or the table) change, not on every rerun."""
    uploads = uploaded_docs()
    if not uploads:
        return scope, options
    names = tuple(d.doc for d in uploads)
    cached = st.session_state.get(UPLOADS_STATE)
    if cached is None or cached[0] is not scope.source or cached[1] != names:
        rows = [scope.source.normalise(d.claims) for d in uploads]
        joined_uploads = session_uploads(scope.source, rows)
        if joined_uploads is None:  # nothing extracted from them
            cached = (scope.source, names, scope, options)
        else:
            joined = data.with_facts(replace(scope, uploads=joined_uploads))
            cached = (scope.source, names, joined, data.filter_options(joined))
        st.session_state[UPLOADS_STATE] = cached
    return cached[2], cached[3]


@dataclass(frozen=True)
class Page:
    """What the views draw from, for one run."""

    scope: data.Scope  # the table and this session's uploads, unfiltered
    filtered: data.Scope  # the same through the sidebar's filters
    options: data.FilterOptions
    path: Path
    docs: list[str]  # text files and uploads, for the document pickers
    text_of: Callable[[str], str | None]
    dates: dict[str, str]


# The page table: each tab, what draws it, and whether the drill-down follows it.
# Only the open tab is drawn.
PAGES: tuple[tuple[str, Callable[[Page], None], bool], ...] = (
    (TAB_CHARTS, lambda p: render_charts(p.filtered), True),
    (TAB_MAP, lambda p: render_map(p.filtered), True),
    (TAB_PANEL, lambda p: render_panel(p.filtered, p.options.regions), True),
    (TAB_TABLE, lambda p: render_table(p.filtered), True),
    (TAB_CONFLICTS, lambda p: render_conflicts(p.filtered, p.text_of), False),
    (TAB_DOCUMENTS, lambda p: render_document(p.scope, p.docs, p.text_of, p.dates), False),
    (TAB_UPLOAD, lambda p: render_upload(), False),
    (TAB_ABOUT, lambda p: render_about(p.scope, p.path, p.docs, p.text_of, p.dates), False),
)


@st.fragment
def draw_tab(render: Callable[[Page], None], page: Page, known: state.Known) -> None:
    """A tab that the drill-down follows, rerun on its own when one of its controls
    changes (a chart's scale or regions, the map's year, the table's page): the
    sidebar's widgets, counts and downloads and the drill-down are not redrawn for it.

    A click that opens sentences (set_drill) reruns the whole page instead, since the
    drill-down below the tab shows them; and a tab-only rerun never reaches the end of
    main, so the tab writes the link itself.
    """
    if st.session_state.pop(state.DRILL_MOVED, False):
        st.rerun()
    render(page)
    state.write_link(known)


def main() -> None:
    """Lay out the page: header, sidebar filters, the open tab, drill-down."""
    st.set_page_config(page_title="指标 Zhibiao", layout="wide")
    st.html(CSS)
    state.keep()
    path = data.claims_path()
    mtime = path.stat().st_mtime if path.is_file() else 0.0
    source, table_scope, table_options = cached_source(str(path), mtime)
    collect_finished_job()
    scope, options = session_scope(table_scope, table_options)
    dates, files = cached_texts(tuple(str(p) for p in data.docs_dirs()))
    uploaded_text = {d.doc: d.text for d in uploaded_docs()}
    st.session_state[NAMES_LIKE_KEY] = lambda text: (
        set(data.docs_matching(table_scope, text, 10_000)) | {f for f in files if text in f})

    def text_of(doc: str) -> str | None:
        if doc in uploaded_text:
            return uploaded_text[doc]
        return read_document(str(files[doc])) if doc in files else None

    st.title(label("title"))
    st.caption(label("subtitle"))
    total = options.n_claims
    if total == 0:
        problem = source.problem or "empty"
        key = {"missing": "missing_table", "empty": "empty_table"}.get(problem, "unreadable_table")
        st.warning(label(key, path=path, error=problem))

    known = state.known_from(options, scope.facts,
                             lambda names: data.docs_present(scope, names),
                             tuple(name for name, _, _ in PAGES))
    state.restore(known)
    for key, values in state.link_problems():
        what = label(LINK_WORDS[key]) if key in LINK_WORDS else key
        st.warning(label("link_unknown", what=what, values="、".join(values)))
    filters = render_filters(options, scope)
    filtered = replace(scope, filters=filters)
    st.sidebar.divider()
    st.sidebar.markdown(f"**{data.claim_count(filtered):,}** / {total:,} {label('claims')}")
    st.sidebar.download_button(
        label("download_csv"), data=lambda: data.to_csv_bytes(filtered),
        file_name="zhibiao_claims.csv", mime="text/csv", key="download_csv",
        on_click="ignore", icon=":material/download:",
    )
    st.sidebar.download_button(
        label("download_panel"), data=lambda: data.panel_csv_bytes(filtered),
        file_name="zhibiao_indicators.csv", mime="text/csv", key="download_panel",
        on_click="ignore", icon=":material/table_view:", help=label("download_panel_help"),
    )

    page = Page(scope, filtered, options, path, [*uploaded_text, *sorted(files)], text_of,
                dates)
    tabs = st.tabs([name for name, _, _ in PAGES], key=TAB_KEY, on_change="rerun")
    st.session_state.pop(state.DRILL_MOVED, None)  # this run draws the drill-down anyway
    for (_, render, drills), tab in zip(PAGES, tabs, strict=True):
        if tab.open:
            with tab:
                if drills:
                    draw_tab(render, page, known)
                else:
                    render(page)
            if drills:
                st.divider()
                render_drilldown(filtered, text_of)
    state.write_link(known)
    settle_process_objects()


main()
