"""Every piece of page state in one table: its key, its default, whether the link carries it.

A copied link reopens the same view: the tab, the filters, the chart's
measure, kind, unit, year, scale and regions, the map's year, the profile
region and the claim or fact being drilled into. The link is read once, when a
session starts (`restore`), checked against what the table holds, so a link
naming a region or indicator the table does not have says so instead of being
silently dropped; it is written back at the end of every run (`write_link`),
defaults left out so a plain link stays clean. Regions travel by their GB/T
2260 code where they have one (two 朝阳区 are two places), else by name.

Widget keys are the session-state keys, so a widget created with `key=` reads
and writes its entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from dashboard.data import DrillTarget, FilterOptions
from dashboard.views import TAB_CHARTS, TAB_KEY

TAB = TAB_KEY
# Sidebar filters
REGION = "region"
SUBREGIONS = "sub"
YEARS = "years"
MEASURES = "indicator"
CATEGORIES = "category"
KINDS = "kind"
DOCS = "doc"
SURE = "sure"
# Charts
CHART_MEASURE = "chart"
CHART_KIND = "ckind"
CHART_UNIT = "unit"
CHART_YEAR = "bar_year"
CHART_SCALE = "scale"
CHART_BASE_YEAR = "base"
CHART_PER_CAPITA = "percap"
CHART_REGIONS = "lines"
PROFILE_REGION = "profile"
# Map, table, documents, drill-down
MAP_YEAR = "map_year"
MAP_MODE = "map_mode"
PAGE = "page"
DOCUMENT = "document"
DOC_AT = "at"
DRILL = "drill"
# Link-read bookkeeping (never in the link)
LINK_READ = "_link_read"
LINK_PROBLEMS = "_link_problems"
# Set when a click points the drill-down somewhere new: a tab rerun on its own (a
# fragment) cannot redraw the drill-down below it, so it asks for the whole page.
DRILL_MOVED = "_drill_moved"


@dataclass(frozen=True)
class Entry:
    """One key: its default, whether the link carries it, and how it is spelled there."""

    key: str
    default: Any
    kind: str  # how the link spells it: "list", "text", "flag", "int", "span", "drill"
    about: str


REGISTRY: tuple[Entry, ...] = (
    Entry(TAB, TAB_CHARTS, "text", "the open tab"),
    Entry(REGION, [], "list", "regions chosen in the sidebar (codes where they have one)"),
    Entry(SUBREGIONS, True, "flag", "include the regions inside the chosen ones"),
    Entry(YEARS, None, "span", "year range; none means every year, undated rows too"),
    Entry(MEASURES, [], "list", "indicators (concepts) kept"),
    Entry(CATEGORIES, [], "list", "categories kept"),
    Entry(KINDS, [], "list", "kinds of value kept"),
    Entry(DOCS, [], "list", "documents kept"),
    Entry(SURE, False, "flag", "hide low-confidence rows"),
    Entry(CHART_MEASURE, None, "text", "the chart's indicator"),
    Entry(CHART_KIND, None, "text", "the chart's kind of value (level, change, share …)"),
    Entry(CHART_UNIT, None, "text", "the chart's unit"),
    Entry(CHART_YEAR, None, "int", "the bar chart's year"),
    Entry(CHART_SCALE, "linear", "text", "linear or log axis"),
    Entry(CHART_BASE_YEAR, 0, "int", "values as an index, this year = 100 (0: as stated)"),
    Entry(CHART_PER_CAPITA, False, "flag", "values per resident (常住人口 of the region-year)"),
    Entry(CHART_REGIONS, [], "list", "regions drawn in the line chart (codes or names)"),
    Entry(PROFILE_REGION, None, "text", "the profile's region"),
    Entry(MAP_YEAR, None, "int", "the value map's year"),
    Entry(MAP_MODE, "value", "text", "the map shows values or claim counts"),
    Entry(PAGE, 1, "int", "the table's page"),
    Entry(DOCUMENT, None, "text", "the document open in the Documents tab"),
    Entry(DOC_AT, None, "int", "the offset of the claim that tab scrolls to and flashes"),
    Entry(DRILL, None, "drill", "the claim or fact whose sentences are shown"),
)
BY_KEY: dict[str, Entry] = {e.key: e for e in REGISTRY}
REGION_KEYS = (REGION, CHART_REGIONS)  # spelled as region ids in the link


# ------------------------------------------------------------------ spelling


def _drill_to_text(target: DrillTarget) -> list[str]:
    if target.claim_id is not None:
        return [f"claim:{target.claim_id}"]
    if target.province is not None:
        return [f"area:{target.province}"]
    year = "" if target.year is None else str(target.year)
    return ["fact:" + "|".join([target.region or "", target.measure or "", year,
                                target.kind or ""])]


def _drill_from_text(text: str) -> DrillTarget | None:
    kind, _, rest = text.partition(":")
    if kind == "claim" and rest:
        return DrillTarget(claim_id=rest)
    if kind == "area" and rest:
        return DrillTarget(province=rest)
    if kind == "fact":
        region, measure, year, fact_kind = ([*rest.split("|"), "", "", "", ""])[:4]
        return DrillTarget(region=region or None, measure=measure or None,
                           year=int(year) if year.isdigit() else None, kind=fact_kind or None)
    return None


def encode(entry: Entry, value: Any, region_id: Callable[[str], str]) -> list[str]:
    """The link's strings for a value ([] leaves the key out)."""
    if value is None or value == entry.default:
        return []
    if entry.kind == "list":
        return [region_id(v) if entry.key in REGION_KEYS else str(v) for v in value]
    if entry.kind == "flag":
        return ["true" if value else "false"]
    if entry.kind == "span":
        return [str(int(value[0])), str(int(value[1]))]
    if entry.kind == "drill":
        return _drill_to_text(value)
    return [str(value)]


def decode(entry: Entry, strings: Sequence[str]) -> Any:
    """A value from the link's strings; None when they do not spell one."""
    if entry.kind == "list":
        return [s for s in strings if s]
    text = strings[-1] if strings else ""
    if entry.kind == "flag":
        return {"true": True, "false": False}.get(text.lower())
    if entry.kind == "int":
        return int(text) if text.lstrip("-").isdigit() else None
    if entry.kind == "span":
        years = [int(s) for s in strings if s.lstrip("-").isdigit()]
        return (min(years), max(years)) if len(years) == 2 else None
    if entry.kind == "drill":
        return _drill_from_text(text)
    return text or None


# -------------------------------------------------------------- read, write


@dataclass(frozen=True)
class Known:
    """What the table holds, to check a link against and to spell regions."""

    options: FilterOptions
    region_by_id: dict[str, str]  # id (code or name) -> name
    id_of_region: dict[str, str]  # name -> id
    docs_present: Callable[[list[str]], set[str]]
    tabs: tuple[str, ...]


def known_from(options: FilterOptions, facts: Any, docs_present: Callable[[list[str]], set[str]],
               tabs: tuple[str, ...]) -> Known:
    """Region ids from the facts (code where there is one), for the link."""
    id_of: dict[str, str] = {}
    for name, code in zip(facts["region"], facts["region_code"], strict=True):
        if name:
            id_of.setdefault(str(name), str(code) or str(name))
    return Known(options, {v: k for k, v in id_of.items()}, id_of, docs_present, tabs)


Problems = list[tuple[str, list[str]]]


def _check(key: str, value: list[str], known: Known, problems: Problems) -> list[str]:
    """The values the table holds; a note for each one it does not."""
    if key in REGION_KEYS:
        names = [known.region_by_id.get(v, v if v in known.id_of_region else "") for v in value]
        unknown = [v for v, n in zip(value, names, strict=True) if not n]
        if unknown:
            problems.append((key, unknown))
        return [n for n in names if n]
    choices = {MEASURES: known.options.measures, CATEGORIES: known.options.categories,
               KINDS: known.options.kinds}.get(key)
    if key == DOCS:
        present = known.docs_present(value)
        missing = [v for v in value if v not in present]
    else:
        missing = [v for v in value if choices is not None and v not in choices]
    if missing:
        problems.append((key, missing))
    return [v for v in value if v not in missing]


def restore(known: Known) -> None:
    """Once per session: the link's values into session state, checked against the table."""
    state = st.session_state
    if state.get(LINK_READ):
        return
    state[LINK_READ] = True
    problems: Problems = []
    params = st.query_params
    for entry in REGISTRY:
        if entry.key not in params:
            continue
        value = decode(entry, params.get_all(entry.key))
        if value is None:
            problems.append((entry.key, params.get_all(entry.key)))
            continue
        if entry.kind == "list":
            value = _check(entry.key, value, known, problems)
        elif ((entry.key == CHART_MEASURE and value not in known.options.measures)
              or (entry.key == TAB and value not in known.tabs)):
            problems.append((entry.key, [value]))
            continue
        state[entry.key] = value
    state[LINK_PROBLEMS] = problems


def link_problems() -> Problems:
    """(key, values) the link named that the table does not have; shown once."""
    return st.session_state.pop(LINK_PROBLEMS, [])


def write_link(known: Known) -> None:
    """Session state into the link (defaults left out), at the end of every run."""
    state = st.session_state
    wanted: dict[str, list[str]] = {}
    for entry in REGISTRY:
        value = state.get(entry.key)
        if entry.key == YEARS and value is not None and tuple(value) == known.options.year_range:
            value = None  # the whole range is no filter
        strings = encode(entry, value, lambda name: known.id_of_region.get(name, name))
        if strings:
            wanted[entry.key] = strings
    ours = {k: st.query_params.get_all(k) for k in st.query_params if k in BY_KEY}
    if ours == wanted:
        return  # unchanged: no write
    others = {k: st.query_params.get_all(k) for k in st.query_params if k not in BY_KEY}
    # One write (from_dict), so the browser never shows a link half rewritten.
    st.query_params.from_dict({**others, **{
        k: v if len(v) > 1 or BY_KEY[k].kind == "list" else v[0] for k, v in wanted.items()}})


def ensure(key: str, default: Any) -> None:
    """Give a widget's key its default before the widget is drawn.

    Widgets then take their value from session state alone (never also a
    `value=`), which is what lets the link set them.
    """
    if key not in st.session_state:
        st.session_state[key] = default


def keep() -> None:
    """At the top of every run: hold on to every registered value.

    Streamlit forgets a widget's value in a run that does not draw the widget;
    only the open tab is drawn, so without this the chart's choices would be
    gone (from the page and the link) after a look at the map.
    """
    for entry in REGISTRY:
        if entry.key in st.session_state:
            st.session_state[entry.key] = st.session_state[entry.key]
