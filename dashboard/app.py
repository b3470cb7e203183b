"""Zhibiao dashboard: lays out the page; data work is in dashboard.data, drawing in views/.

Run: streamlit run dashboard/app.py [-- --data PATH]   (or set ZHIBIAO_DATA)
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the repository.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from dashboard import data  # noqa: E402
from dashboard.i18n import label  # noqa: E402
from dashboard.views import (  # noqa: E402
    TAB_ABOUT,
    TAB_CHARTS,
    TAB_CONFLICTS,
    TAB_DOCUMENTS,
    TAB_KEY,
    TAB_MAP,
    TAB_TABLE,
    TAB_UPLOAD,
    TABS,
)
from dashboard.views.about import render_about  # noqa: E402
from dashboard.views.charts import render_charts  # noqa: E402
from dashboard.views.conflicts import render_conflicts  # noqa: E402
from dashboard.views.document import render_document  # noqa: E402
from dashboard.views.drilldown import render_drilldown  # noqa: E402
from dashboard.views.filters import render_filters  # noqa: E402
from dashboard.views.geomap import render_map  # noqa: E402
from dashboard.views.table import render_table  # noqa: E402
from dashboard.views.upload import (  # noqa: E402
    BUNDLED_KEY,
    collect_finished_job,
    render_upload,
    uploaded_docs,
)

CSS = """<style>
mark.zb-quote { background: #ffe58f; padding: 0 2px; border-radius: 3px; font-weight: 600; }
mark.zb-claim { background: #fff1b8; border-bottom: 2px solid #d4b106; cursor: help; }
mark.zb-planned { background: #d6e4ff; border-bottom-color: #2f54eb; }
mark.zb-low { border-bottom: 2px dashed #fa8c16; }
.zb-doc { white-space: pre-wrap; line-height: 1.9; font-size: 15px; }
.zb-sentence { line-height: 1.8; }
.block-container { padding-top: 2.2rem; }
.zb-legend { font-size: 0.85rem; color: #555; margin-bottom: 0.4rem; }
</style>"""


@st.cache_resource(show_spinner="读取指标表 Loading the claims table…")
def cached_corpus(path: str, mtime: float) -> tuple[data.Corpus, data.FilterOptions]:
    """The table and its filter choices, once per process (mtime invalidates a rewrite)."""
    corpus = data.load_corpus(Path(path))
    return corpus, data.filter_options(corpus.claims, corpus.region_table)


@st.cache_resource
def cached_texts(folders: tuple[str, ...]) -> tuple[dict[str, str], dict[str, Path]]:
    """Document dates from the manifests and where each text file is."""
    return data.document_files([Path(f) for f in folders])


@st.cache_resource(max_entries=64)
def read_document(path: str) -> str:
    """A source text, decoded once per process."""
    return data.read_text(Path(path))


def session_claims(corpus: data.Corpus, options: data.FilterOptions
                   ) -> tuple[pd.DataFrame, data.FilterOptions]:
    """The bundled table plus this session's uploads (recombined only when they change)."""
    uploads = uploaded_docs()
    if not uploads:
        return corpus.claims, options
    names = tuple(d.doc for d in uploads)
    cached = st.session_state.get("_combined")
    if cached is None or cached[0] != names:
        claims = data.combine(corpus.claims, [d.claims for d in uploads])
        cached = (names, claims, data.filter_options(claims, corpus.region_table))
        st.session_state["_combined"] = cached
    return cached[1], cached[2]


def main() -> None:
    """Lay out the page: header, sidebar filters, tabs, drill-down."""
    st.set_page_config(page_title="指标 Zhibiao", layout="wide")
    st.html(CSS)
    path = data.claims_path()
    mtime = path.stat().st_mtime if path.is_file() else 0.0
    corpus, options = cached_corpus(str(path), mtime)
    st.session_state[BUNDLED_KEY] = tuple(options.docs)  # uploads never take these names
    collect_finished_job()
    claims, options = session_claims(corpus, options)
    dates, files = cached_texts(tuple(str(p) for p in data.docs_dirs()))
    uploaded_text = {d.doc: d.text for d in uploaded_docs()}

    def text_of(doc: str) -> str | None:
        if doc in uploaded_text:
            return uploaded_text[doc]
        return read_document(str(files[doc])) if doc in files else None

    st.title(label("title"))
    st.caption(label("subtitle"))
    if claims.empty:
        problem = corpus.problem or "empty"
        key = {"missing": "missing_table", "empty": "empty_table"}.get(problem, "unreadable_table")
        st.warning(label(key, path=path, error=problem))

    filters = render_filters(options)
    filtered = data.apply_filters(claims, filters, options.region_facts)
    st.sidebar.divider()
    st.sidebar.markdown(f"**{len(filtered):,}** / {len(claims):,} {label('claims')}")
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

    docs = sorted(set(files) | set(uploaded_text) | set(options.docs))
    tabs = dict(zip(TABS, st.tabs(list(TABS), key=TAB_KEY, bind="query-params"), strict=True))
    if tabs[TAB_CHARTS].open:
        with tabs[TAB_CHARTS]:
            render_charts(filtered)
    if tabs[TAB_MAP].open:
        with tabs[TAB_MAP]:
            render_map(filtered, corpus.region_table)
    if tabs[TAB_TABLE].open:
        with tabs[TAB_TABLE]:
            render_table(filtered)
    if tabs[TAB_CONFLICTS].open:
        with tabs[TAB_CONFLICTS]:
            render_conflicts(filtered, claims, text_of)
    if tabs[TAB_DOCUMENTS].open:
        with tabs[TAB_DOCUMENTS]:
            render_document(claims, docs, text_of, dates)
    if tabs[TAB_UPLOAD].open:
        with tabs[TAB_UPLOAD]:
            render_upload()
    if tabs[TAB_ABOUT].open:
        with tabs[TAB_ABOUT]:
            render_about(claims, path, docs, text_of, dates)
    if any(tabs[t].open for t in (TAB_CHARTS, TAB_MAP, TAB_TABLE)):
        st.divider()
        render_drilldown(filtered, text_of)


main()
