"""The sidebar filters, bound to the URL so a copied link reopens the same view.

Each widget's key is its query parameter (?region=北京市&years=2020&years=2023),
and Streamlit keeps defaults out of the URL, so a plain link stays clean.
"""

from __future__ import annotations

import streamlit as st

from dashboard.data import LOW_CONFIDENCE, FilterOptions, Filters, Scope, docs_matching
from dashboard.i18n import category_label, kind_label, label

# Widget keys double as query-parameter names: short and stable, never translated.
KEY_REGION = "region"
KEY_SUBREGIONS = "sub"
KEY_YEARS = "years"
KEY_INDICATOR = "indicator"
KEY_CATEGORY = "category"
KEY_KIND = "kind"
KEY_DOC = "doc"
KEY_SURE = "sure"
KEY_DOC_SEARCH = "doc_search"  # what was typed into the document search; not in the link
ALL = "全部 All"
DOC_MATCHES = 50  # names the document picker offers for what was typed
FILTER_KEYS: tuple[str, ...] = (KEY_REGION, KEY_SUBREGIONS, KEY_YEARS, KEY_INDICATOR,
                                KEY_CATEGORY, KEY_KIND, KEY_DOC, KEY_SURE)


def render_filters(options: FilterOptions, scope: Scope) -> Filters:
    """Draw the filter widgets in the sidebar and return what they select."""
    st.sidebar.header(label("filters"))
    regions = st.sidebar.multiselect(
        label("region"), options.regions, key=KEY_REGION, bind="query-params",
        format_func=lambda r: options.region_labels.get(r, r),
        placeholder="全部 All (北京市, 江津区 …)",
    )
    include_sub = st.sidebar.toggle(label("include_subregions"), value=True,
                                    key=KEY_SUBREGIONS, bind="query-params")
    years = None
    if options.year_range and options.year_range[0] < options.year_range[1]:
        chosen = st.sidebar.slider(label("year"), *options.year_range,
                                   value=options.year_range, key=KEY_YEARS, bind="query-params")
        years = None if tuple(chosen) == options.year_range else (int(chosen[0]), int(chosen[1]))
    measures = st.sidebar.multiselect(label("indicator"), options.measures,
                                      key=KEY_INDICATOR, bind="query-params",
                                      placeholder=ALL)
    categories = st.sidebar.multiselect(label("category"), options.categories,
                                        format_func=category_label, key=KEY_CATEGORY,
                                        bind="query-params", placeholder=ALL)
    kinds = st.sidebar.multiselect(label("kind"), options.kinds, format_func=kind_label,
                                   key=KEY_KIND, bind="query-params",
                                   placeholder=ALL)
    docs = document_picker(options, scope)
    hide_low = st.sidebar.toggle(
        label("hide_low_conf"), value=False, key=KEY_SURE, bind="query-params",
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

    Only the matches (and what is already chosen, from the session or the
    link) go to the browser, so a hundred thousand documents stay one small list.
    """
    chosen = list(st.session_state.get(KEY_DOC) or st.query_params.get_all(KEY_DOC))
    typed = ""
    if options.n_docs > DOC_MATCHES:
        typed = st.sidebar.text_input(
            label("doc_search"), key=KEY_DOC_SEARCH, placeholder=label("doc_search_hint"),
            help=label("doc_search_help", n=f"{options.n_docs:,}"))
    matches = (docs_matching(scope, typed.strip(), DOC_MATCHES) if typed.strip()
               else options.top_docs)
    offered = chosen + [d for d in matches if d not in chosen]
    return st.sidebar.multiselect(label("doc"), offered, key=KEY_DOC, bind="query-params",
                                  placeholder=ALL)
