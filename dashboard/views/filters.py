"""The sidebar filters; their values live under dashboard.state's keys, so the link
carries them (?region=120000&years=2020&years=2023)."""

from __future__ import annotations

import streamlit as st

from dashboard import state
from dashboard.data import (
    DOC_MATCHES,
    LOW_CONFIDENCE,
    FilterOptions,
    Filters,
    Scope,
    docs_matching,
)
from dashboard.i18n import category_label, kind_label, label

KEY_DOC_SEARCH = "doc_search"  # what was typed into the document search; not in the link
ALL = "全部 All"


def _keep_known(key: str, options: list[str]) -> None:
    """Drop chosen values the options no longer hold (a multiselect refuses them)."""
    chosen = st.session_state.get(key) or []
    if any(v not in options for v in chosen):
        st.session_state[key] = [v for v in chosen if v in options]


def render_filters(options: FilterOptions, scope: Scope) -> Filters:
    """Draw the filter widgets in the sidebar and return what they select."""
    st.sidebar.header(label("filters"))
    for key, choices in ((state.REGION, options.regions), (state.MEASURES, options.measures),
                         (state.CATEGORIES, options.categories), (state.KINDS, options.kinds)):
        state.ensure(key, [])
        _keep_known(key, choices)
    regions = st.sidebar.multiselect(
        label("region"), options.regions, key=state.REGION,
        format_func=lambda r: options.region_labels.get(r, r),
        # Examples from the table opened, never from the bundled one.
        placeholder=f"{ALL} ({', '.join(options.regions[:2])} …)" if options.regions else ALL,
    )
    state.ensure(state.SUBREGIONS, True)
    include_sub = st.sidebar.toggle(label("include_subregions"), key=state.SUBREGIONS)
    years = None
    if options.year_range and options.year_range[0] < options.year_range[1]:
        lo, hi = options.year_range
        chosen = st.session_state.get(state.YEARS)
        if chosen is None or not (lo <= chosen[0] <= chosen[1] <= hi):
            st.session_state[state.YEARS] = options.year_range
        picked = st.sidebar.slider(label("year"), lo, hi, key=state.YEARS)
        years = None if tuple(picked) == options.year_range else (int(picked[0]), int(picked[1]))
    measures = st.sidebar.multiselect(label("indicator"), options.measures,
                                      key=state.MEASURES, placeholder=ALL)
    categories = st.sidebar.multiselect(label("category"), options.categories,
                                        format_func=category_label, key=state.CATEGORIES,
                                        placeholder=ALL)
    kinds = st.sidebar.multiselect(label("kind"), options.kinds, format_func=kind_label,
                                   key=state.KINDS, placeholder=ALL)
    docs = document_picker(options, scope)
    state.ensure(state.SURE, False)
    hide_low = st.sidebar.toggle(
        label("hide_low_conf"), key=state.SURE,
        help=f"置信度低于 {LOW_CONFIDENCE} 的行 · rows with confidence below {LOW_CONFIDENCE}",
    )
    return Filters(
        regions=tuple(regions),
        include_subregions=include_sub,
        years=years,
        measures=tuple(measures),
        categories=tuple(categories),
        kinds=tuple(kinds),
        docs=tuple(docs),
        hide_low_confidence=hide_low,
    )


def document_picker(options: FilterOptions, scope: Scope) -> list[str]:
    """Documents to keep: a search box, then a choice among the names that match.

    Only the matches (and what is already chosen) go to the browser, so a
    hundred thousand documents stay one small list.
    """
    state.ensure(state.DOCS, [])
    chosen = list(st.session_state[state.DOCS])
    typed = ""
    if options.n_docs > DOC_MATCHES:
        typed = st.sidebar.text_input(
            label("doc_search"), key=KEY_DOC_SEARCH, placeholder=label("doc_search_hint"),
            help=label("doc_search_help", n=f"{options.n_docs:,}")).strip()
    matches = docs_matching(scope, typed, DOC_MATCHES) if typed else options.top_docs
    offered = chosen + [d for d in matches if d not in chosen]
    return st.sidebar.multiselect(label("doc"), offered, key=state.DOCS, placeholder=ALL)
