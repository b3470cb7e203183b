"""Bilingual labels: every word the interface shows, in Chinese and English.

The data is Chinese and the analysts are both Chinese and English speakers, so
labels carry both languages ("地区 Region") rather than hiding one behind a
switch. Values that come from the extractor (category, kind, qualifier codes)
are translated here too, so no view spells them on its own.
"""

from __future__ import annotations

# (Chinese, English) for every interface string; `label()` joins them.
LABELS: dict[str, tuple[str, str]] = {
    "title": ("指标", "Zhibiao"),
    "subtitle": (
        "中文新闻与政府文本中的数字指标",
        "numeric claims from Chinese news and government text",
    ),
    "filters": ("筛选", "Filters"),
    "region": ("地区", "Region"),
    "include_subregions": ("含下辖地区", "Include sub-regions"),
    "year": ("年份", "Year"),
    "indicator": ("指标", "Indicator"),
    "concept": ("规范指标", "Concept"),
    "category": ("类别", "Category"),
    "kind": ("类型", "Kind"),
    "doc": ("来源文档", "Source document"),
    "hide_low_conf": ("隐藏低置信度", "Hide low-confidence rows"),
    "value": ("数值", "Value"),
    "unit": ("单位", "Unit"),
    "qualifier": ("限定", "Qualifier"),
    "quote": ("原文数字", "Quote"),
    "sentence": ("原句", "Sentence"),
    "confidence": ("置信度", "Confidence"),
    "claims": ("条", "claims"),
    "n_claims": ("条数", "Claims"),
    "tab_charts": ("图表", "Charts"),
    "tab_map": ("地图", "Map"),
    "tab_table": ("表格", "Table"),
    "tab_conflicts": ("冲突", "Conflicts"),
    "tab_documents": ("文档", "Documents"),
    "tab_upload": ("上传", "Add text"),
    "tab_about": ("关于", "About"),
    "line_title": ("指标随年份变化", "Indicator over the years"),
    "bar_title": ("地区对比", "Regions side by side"),
    "profile_title": ("地区概况（按类别）", "What the corpus says about a region"),
    "drill_title": ("来源句子", "Source sentences"),
    "first_shown": ("显示前 {n} 条", "first {n} shown"),
    "drill_hint": (
        "点击图中的点或柱、地图上的地区或表格中的一行，查看其来源句子。",
        "Click a point, bar, map region or table row to see the sentences behind it.",
    ),
    "download_csv": ("下载筛选后的表格 (CSV)", "Download filtered table (CSV)"),
    "download_panel": ("下载指标表（地区 × 年份）", "Download indicator table (region × year)"),
    "download_panel_help": (
        "每个地区、年份、指标一行：多数来源认同的数值、来源条数与是否冲突。",
        "One row per region, year and measure: the value most sources agree on, "
        "how many claims back it, and whether they conflict.",
    ),
    "png_hint": (
        "图表右上角的相机按钮可下载 PNG。",
        "The camera button at a chart's top right downloads it as PNG.",
    ),
    "no_data": ("没有数据", "No data"),
    "no_match": ("没有符合筛选条件的数据。", "No claims match these filters."),
    "low_conf_mark": ("低置信度", "low confidence"),
    "conflict_mark": ("数值冲突", "conflicting values"),
    "actual": ("实际", "actual"),
    "planned": ("目标/预测", "target/forecast"),
    "conflicts_intro": (
        "同一地区、指标、年份和类型，不同句子给出不同数值：",
        "Same region, indicator, year and kind, different values in different sentences:",
    ),
    "conflict_spread": ("数值相差 {spread:.0%}（{low} 至 {high}）{newest}",
                        "Values {spread:.0%} apart ({low} to {high}){newest}"),
    "conflict_newest": ("；最新来源：{doc}（{date}）", "; newest source: {doc} ({date})"),
    "no_conflicts": ("当前筛选下没有数值冲突。", "No conflicting values under these filters."),
    "document": ("文档", "Document"),
    "doc_date": ("文档日期", "Document date"),
    "map_note": (
        "颜色：各省级地区的条数；圆点：有坐标的地区",
        "Colour: claims per province; dots: regions with a known centroid",
    ),
    "upload_files": ("上传 .txt 文件", "Upload .txt files"),
    "paste_text": ("或粘贴文本", "Or paste text"),
    "paste_name": ("文档名", "Document name"),
    "extract_button": ("抽取并加入本次会话", "Extract and add to this session"),
    "upload_limit": ("每个文件或粘贴文本最大 {limit} MB（UTF-8、UTF-16、GB18030、Big5 均可）",
                     "Up to {limit} MB per file or paste (UTF-8, UTF-16, GB18030 or Big5)"),
    "over_limit": ("{name}：{size:.1f} MB，超过 {limit} MB 上限，未抽取",
                   "{name}: {size:.1f} MB is over the {limit} MB limit; not extracted"),
    "extracting": ("正在抽取：{done}/{total} 篇，共 {chars:,} 字，约剩 {seconds:.0f} 秒",
                   "Extracting: {done} of {total} documents, {chars:,} characters, "
                   "about {seconds:.0f} s left"),
    "extractor_missing": ("抽取器不可用", "The extractor is not available"),
    "added_docs": ("本次会话添加的文档", "Documents added in this session"),
    "pick_indicator": ("选择指标", "Choose an indicator"),
    "pick_unit": ("单位", "Unit"),
    "pick_kind": ("数值类型", "Kind of value"),
    "tab_name": ("页面", "tab"),
    "link_unknown": ("链接中的{what}在数据中不存在：{values}",
                     "The link names a {what} the table does not have: {values}"),
    "panel_intro": ("{regions} 个地区 × {years} 个年份；每格为多数来源一致的数值（来源条数）；"
                    "点击一格查看原句",
                    "{regions} regions × {years} years; each cell is the value most claims "
                    "agree on (number of claims); click a cell for its sentences"),
    "download_wide": ("下载此表 (CSV)", "Download this table (CSV)"),
    "map_mode": ("地图显示", "The map shows"),
    "map_value": ("指标数值", "values of an indicator"),
    "map_count": ("条数分布", "where the claims are"),
    "map_year": ("年份", "Year"),
    "map_nothing": ("这一指标没有可画在地图上的数值（省、市或有坐标的地区）",
                    "No province, city or located place has a value of this indicator"),
    "map_value_note": ("省、市按数值着色；区县、乡镇、村和港口若有坐标则为圆点，同一色标。"
                       "点击查看该地区的原句。",
                       "Provinces and cities are shaded by value; districts, towns, villages "
                       "and ports with a centroid are dots on the same scale. Click one for its "
                       "sentences."),
    "scale": ("坐标", "Axis"),
    "scale_linear": ("线性", "linear"),
    "scale_log": ("对数", "log"),
    "base_year": ("指数基年（=100）", "Index, base year = 100"),
    "no_index": ("原值", "as stated"),
    "index_unit": ("指数，{year}年=100", "index, {year} = 100"),
    "index_gap": ("{year}年没有实际值的地区未画出", "regions without an actual value in {year} "
                  "are not drawn"),
    "per_capita": ("人均", "per capita"),
    "per_capita_help": ("除以同一地区同一年的常住人口", "divided by the same region-year's "
                        "常住人口 (resident population)"),
    "per_capita_gap": ("{n} 个地区-年份没有常住人口数据，未画出",
                       "{n} region-years have no resident population figure and are not drawn"),
    "chart_sources_short": ("来源：{docs} 篇文档，{span}", "Sources: {docs} documents, {span}"),
    "chart_regions": ("图中地区", "Regions in the chart"),
    "chart_regions_hint": ("条数最多的 {n} 个", "the {n} with most claims"),
    "chart_sources": ("来源：{docs} 篇文档，{span}；{top}", "Sources: {docs} documents, {span}: "
                      "{top}"),
    "doc_search": ("搜索文档", "Search documents"),
    "doc_search_hint": ("输入文件名的一部分", "part of a file name"),
    "doc_search_help": ("共 {n} 篇文档；输入后在下方选择",
                        "{n} documents; type, then choose below"),
    "page": ("页", "Page"),
    "showing_page": ("第 {first}–{last} 行，共 {total} 行", "Rows {first}–{last} of {total}"),
    "docs_listed": ("列出 {shown} 篇，共 {total} 篇", "{shown} of {total} documents listed"),
    "pick_year": ("年份", "Year"),
    "pick_region": ("选择地区", "Choose a region"),
    "pick_document": ("选择文档", "Choose a document"),
    "missing_table": (
        "找不到指标表 {path}。请先运行 `python -m extract seeds/ -o data/claims.csv`，"
        "或在“上传”页加入文本。",
        "No claims table at {path}. Run `python -m extract seeds/ -o data/claims.csv`, "
        "or add text in the Add-text tab.",
    ),
    "empty_table": (
        "指标表 {path} 是空的：抽取器没有找到任何数字指标。",
        "The claims table {path} is empty: the extractor found no numeric claims.",
    ),
    "unreadable_table": (
        "无法读取指标表 {path}：{error}", "Cannot read the claims table {path}: {error}"
    ),
    "doc_missing": ("找不到该文档的原文。", "The text of this document is not available."),
}

CATEGORIES: dict[str, tuple[str, str]] = {
    "economy": ("经济", "Economy"),
    "population": ("人口", "Population"),
    "trade_investment": ("贸易投资", "Trade & investment"),
    "industry": ("产业", "Industry"),
    "agriculture": ("农业", "Agriculture"),
    "environment": ("环境", "Environment"),
    "infrastructure_transport": ("基础设施交通", "Infrastructure & transport"),
    "innovation_talent": ("创新人才", "Innovation & talent"),
    "social_livelihood": ("社会民生", "Social & livelihood"),
    "governance_party": ("治理党建", "Governance & party"),
    "culture_tourism": ("文化旅游", "Culture & tourism"),
    "other": ("其他", "Other"),
}

KINDS: dict[str, tuple[str, str]] = {
    "level": ("实际值", "level"),
    "change": ("增减", "change"),
    "share": ("占比", "share"),
    "cumulative": ("累计", "cumulative"),
    "target": ("目标", "target"),
    "forecast": ("预测", "forecast"),
}

# Kinds that state what is planned or expected, never what happened.
PLANNED_KINDS: frozenset[str] = frozenset({"target", "forecast"})

QUALIFIERS: dict[str, tuple[str, str]] = {
    "exact": ("", ""),
    "approx": ("约", "about"),
    "at_least": ("超", "over"),
    "at_most": ("不到", "under"),
}

LEVELS: dict[str, tuple[str, str]] = {
    "country": ("全国", "country"),
    "macro_region": ("区域", "macro region"),
    "province": ("省级", "province"),
    "city": ("市级", "city"),
    "county": ("县级", "county"),
    "township": ("乡镇", "township"),
    "village": ("村", "village"),
    "site": ("园区/港口", "site"),
}


def _join(pair: tuple[str, str]) -> str:
    zh, en = pair
    if not en or zh == en:
        return zh
    return f"{zh} {en}" if zh else en


def label(key: str, **fields: object) -> str:
    """Return the bilingual label for `key`, with `{fields}` filled in."""
    return _join(LABELS[key]).format(**fields)


def zh(key: str, **fields: object) -> str:
    """Return only the Chinese label, for places too narrow for both."""
    return LABELS[key][0].format(**fields)


def category_label(code: str) -> str:
    """Name a category code in both languages, keeping unknown codes as they are."""
    return _join(CATEGORIES.get(code, (code, "")))


def kind_label(code: str) -> str:
    """Name a kind code in both languages, keeping unknown codes as they are."""
    return _join(KINDS.get(code, (code, "")))


def level_label(code: str) -> str:
    """Name a region level in both languages."""
    return _join(LEVELS.get(code, (code, "")))
