"""About: what the data is, where it comes from, how it was made, what goes wrong.

Modelled on Our World in Data's sources panel: an analyst should be able to
cite a figure and know how far to trust it without leaving the page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.i18n import label
from dashboard.views.geomap import BOUNDARY_SOURCE

MAX_LISTED = 200  # documents the sources table lists (each one's text is read for its title)

WHAT = """
**这是什么 What this is.** 每一行是一条“数字指标”：某地、某年、某项指标的一个数值，
从中文新闻或政府文本中的一句话里抽取出来，并保留原句与在原文中的位置。
Each row is one numeric claim — a value of one indicator for one place and year —
taken from one sentence of a Chinese news or government text, with the sentence and
its character offsets kept so every number can be checked against its source.

数值以基本单位存储（1200亿元 → 1.2e11 元），界面上换算为万、亿、万亿。
Values are stored in base units and shown with 万 (10⁴), 亿 (10⁸), 万亿 (10¹²).
**类型 Kind** 区分实际值与目标、预测：目标 target（到2026年…、力争）和预测 forecast（预计、有望）
在图中为虚线空心点，表格中写明，绝不与实际数字混淆。
**限定 Qualifier**: 约 approx, 超 at least, 不到 at most.
"""

HOW = """
**如何抽取 How claims are extracted.** `python -m extract` reads each text (UTF-8 or GB18030,
traditional characters converted to simplified), cuts it into sentences, finds every number
with its magnitude word and unit or counter (2184.3万人, 十五个村, 两千余人), reads the
qualifier and the kind from cue words around it (约, 超过, 增长, 占比, 累计, 到…年, 预计), and
then resolves the region (全市, 全区 and abbreviations such as 津 resolved from the whole
document), the year (今年/去年 from the document's date; a period gives its end year; a
target its target year) and a short indicator label with its category. Dates, issue numbers,
phone numbers, numbers inside names (5号线, “十三五”) and rhetorical counts (7点要求) are not
claims. Each row gets a confidence for how sure region, year and indicator are.
"""

WRONG = """
**已知问题 What the extractor gets wrong.**
- 地区：缩写与“全市/全区”依赖上下文，可能归错（如把江津的“津”当成天津）；
  园区、港口有时被归到所在城市。
  Region: abbreviations and 全市/全区 depend on context and are sometimes attached
  to the wrong place.
- 年份：没有明确年份的句子用文档日期推断，文档日期本身也可能是推断的；无法推断时年份为空。
  Year: sentences without a year take the document's date, itself sometimes inferred;
  some rows have none.
- 指标名：同一指标可能有不同写法（GDP、地区生产总值），跨文档比较前请检查。
  Indicator labels: one indicator may appear under two names; check before comparing documents.
- 拆分：一句多个数字（分别达…、由…上升到…）偶尔拆错或漏掉。
  Splitting: sentences listing several numbers are occasionally split wrongly.
- 冲突：同一事实的不同数值可能是修订、口径不同或抽取错误，见“冲突”页。
  Conflicts may be revisions, different definitions or extraction errors: see the Conflicts tab.
"""


def document_sources(scope: data.Scope, docs: Sequence[str],
                     text_of: Callable[[str], str | None], dates: dict[str, str]) -> pd.DataFrame:
    """One row per document: title (its first line), date, length and claims extracted."""
    counts = data.claims_per_doc(scope, docs)
    rows = []
    for doc in docs:
        text = text_of(doc) or ""
        title = next((line.strip() for line in text.splitlines() if line.strip()), "")
        rows.append({"文档 Document": doc, "标题 Title (first line)": title[:60],
                     "日期 Date": dates.get(doc, ""), "字数 Characters": len(text),
                     "条数 Claims": counts.get(doc, 0)})
    return pd.DataFrame(rows)


def render_about(scope: data.Scope, source: Path, docs: Sequence[str],
                 text_of: Callable[[str], str | None], dates: dict[str, str]) -> None:
    """The sources panel."""
    st.markdown(WHAT)
    summary = data.table_summary(scope)
    st.markdown(f"**数据表 Table:** `{source}` · {summary['claims']:,} 条 claims · "
                f"{summary['docs']:,} 篇文档 documents · "
                f"{summary['regions']:,} 个地区 regions · "
                f"{summary['measures']:,} 项指标 indicators")
    st.markdown("**文档来源 Where each document comes from.** 种子文档来自公开的中文新闻与"
                "政府网站（党报、政府门户），日期取自 `seeds/manifest.csv`，标题为原文首行。 "
                "The seed documents were collected from public Chinese news and government "
                "web pages; dates come from `seeds/manifest.csv`, titles are each text's first "
                "line. Documents added in this session are listed too.")
    listed = list(docs[:MAX_LISTED])
    if len(docs) > len(listed):
        st.caption(label("docs_listed", shown=f"{len(listed):,}", total=f"{len(docs):,}"))
    st.dataframe(document_sources(scope, listed, text_of, dates), hide_index=True,
                 width="stretch")
    st.markdown(f"**地图边界 Map boundaries.** {BOUNDARY_SOURCE} 区县与村镇没有边界，"
                "若地区表给出坐标则显示为圆点 (districts and villages are shown as dots when the "
                "region table `extract/data/regions.csv` gives a centroid).")
    st.markdown(HOW)
    st.markdown(WRONG)
    st.caption(f"低置信度 Low confidence: < {data.LOW_CONFIDENCE}. "
               f"冲突 Conflict: same region, measure, year, kind and unit, stated in different "
               f"sentences with values more than {data.CONFLICT_TOLERANCE:.0%} apart.")
