"""The page itself, through Streamlit's AppTest (no browser).

AppTest cannot click a Plotly chart, so clicks are simulated the way the
charts' callbacks record them: a DrillTarget in session state.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import data
from dashboard.data import DrillTarget
from dashboard.views import (
    TAB_CONFLICTS,
    TAB_DOCUMENTS,
    TAB_KEY,
    TAB_MAP,
    TAB_PANEL,
    TAB_TABLE,
    TAB_UPLOAD,
)
from dashboard.views.upload import JOB_KEY, UPLOAD_LIMIT_MB, decode_upload, unique_name

TIMEOUT = 60
APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


def run_app(query: dict | None = None, state: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def extracted(at: AppTest) -> AppTest:
    """Rerun until the background extraction of a submitted upload has been collected."""
    deadline = time.monotonic() + TIMEOUT
    while JOB_KEY in at.session_state and time.monotonic() < deadline:
        time.sleep(0.05)
        at.run()
    assert JOB_KEY not in at.session_state and not at.exception, at.exception
    return at


def claim_count(at: AppTest) -> int:
    """The sidebar's '**shown** / total 条 claims' line."""
    line = next(m.value for m in at.sidebar.markdown if "/" in m.value and "claims" in m.value)
    return int(line.split("**")[1].replace(",", ""))


def html_blocks(at: AppTest) -> list[str]:
    return [str(h.proto.body) for h in at.get("html")]


def html_of(at: AppTest) -> str:
    return "\n".join(html_blocks(at))


@pytest.mark.usefixtures("fixture_env")
def test_opens_on_the_table_with_all_rows_and_bilingual_labels() -> None:
    at = run_app()
    assert claim_count(at) == 23
    labels = [w.label for w in at.sidebar.multiselect]
    assert labels[:2] == ["地区 Region", "指标 Indicator"]
    # The first chart's indicator is the one with actual values for most region-years.
    assert at.selectbox(key="chart").value == "地区生产总值"


@pytest.mark.usefixtures("fixture_env")
def test_query_params_reopen_the_same_filters() -> None:
    # Regions travel by code (120000 天津市, 500116 江津区); a name is understood too.
    at = run_app(query={"region": ["120000", "江津区"], "years": ["2021", "2022"],
                        "sure": "true"})
    assert at.multiselect(key="region").value == ["天津市", "江津区"]
    assert at.slider(key="years").value == (2021, 2022)
    assert at.toggle(key="sure").value is True
    # 天津市 2022: 滨海新区 + 天津市 GDP; 江津区 2021: forecast + change.
    assert claim_count(at) == 4
    assert at.query_params["region"] == ["120000", "500116"]
    assert not at.warning


@pytest.mark.usefixtures("fixture_env")
def test_a_link_naming_what_the_table_lacks_says_so() -> None:
    at = run_app(query={"region": ["120000", "火星市"], "indicator": ["不存在的指标"],
                        "chart": "也没有"})
    assert at.multiselect(key="region").value == ["天津市"]
    warnings = " ".join(w.value for w in at.warning)
    assert "火星市" in warnings and "不存在的指标" in warnings and "也没有" in warnings
    assert at.selectbox(key="chart").value in ("地区生产总值", "常住人口")


@pytest.mark.usefixtures("fixture_env")
def test_the_link_carries_the_chart_and_the_drill_down() -> None:
    at = run_app()
    at.selectbox(key="chart").set_value("常住人口").run()
    at.radio(key="scale").set_value("log").run()
    at.session_state["drill"] = DrillTarget(region="北京市", measure="常住人口", year=2022,
                                            kind="level")
    at.run()
    link = {k: at.query_params[k] for k in at.query_params}
    assert link["chart"] == "常住人口" and link["scale"] == "log"
    assert link["drill"] == "fact:北京市|常住人口|2022|level"
    again = run_app(query=link)
    assert again.selectbox(key="chart").value == "常住人口"
    assert again.radio(key="scale").value == "log"
    assert again.session_state["drill"] == DrillTarget(region="北京市", measure="常住人口",
                                                       year=2022, kind="level")
    assert "<mark class='zb-quote'>2225万人</mark>" in html_of(again)


@pytest.mark.usefixtures("fixture_env")
def test_widget_changes_filter_the_page() -> None:
    at = run_app()
    at.multiselect(key="region").set_value(["北京市"]).run()
    assert claim_count(at) == 9
    at.toggle(key="sub").set_value(False).run()
    at.multiselect(key="kind").set_value(["target"]).run()
    assert claim_count(at) == 1
    assert at.selectbox(key="chart").value == "常住人口"


@pytest.mark.usefixtures("fixture_env")
def test_sidebar_offers_the_claims_and_the_indicator_table() -> None:
    # AppTest cannot fetch a download's bytes; test_data and test_browser check the content.
    at = run_app()
    buttons = {b.key: b.label for b in at.sidebar.get("download_button")}
    assert buttons == {
        "download_csv": "下载筛选后的表格 (CSV) Download filtered table (CSV)",
        "download_panel": "下载指标表（地区 × 年份） Download indicator table (region × year)",
    }


@pytest.mark.usefixtures("fixture_env")
def test_chart_click_opens_the_source_sentences_with_the_number_marked() -> None:
    target = DrillTarget(region="北京市", measure="常住人口", year=2022, kind="level")
    at = run_app(state={"drill": target})
    body = html_of(at)
    assert "<mark class='zb-quote'>2184.3万人</mark>" in body
    assert "<mark class='zb-quote'>2225万人</mark>" in body
    captions = " ".join(c.value for c in at.caption)
    assert "fx_beijing.txt" in captions and "fx_news.txt" in captions
    assert "数值冲突 conflicting values" in captions
    at.button(key="drill_close").click().run()
    assert "<mark class='zb-quote'>" not in html_of(at)


@pytest.mark.usefixtures("fixture_env")
def test_table_row_drill_shows_that_claim_first() -> None:
    at = run_app(query={TAB_KEY: TAB_TABLE},
                 state={"drill": DrillTarget(claim_id="fx_jiangjin.txt:98")})
    assert at.dataframe(key="claims_table").value.shape[0] == 23
    marks = [h for h in html_blocks(at) if "zb-quote" in h]
    assert "1800亿元" in marks[0]
    assert any("目标 target" in c.value for c in at.caption)
    # The heading names the claim's fact, not an empty target.
    assert any(m.value.startswith("**江津区 · 地区生产总值 · 2026**") for m in at.markdown)


@pytest.mark.usefixtures("fixture_env")
def test_conflicts_tab_shows_both_sources_side_by_side() -> None:
    at = run_app(query={TAB_KEY: TAB_CONFLICTS})
    headings = [m.value for m in at.markdown if m.value.startswith("####")]
    assert headings == ["#### ≠ 北京市 · 常住人口 · 2022 · 实际值 level"]
    body = html_of(at)
    assert "2184.3万人" in body and "2225万人" in body
    summary = next(c.value for c in at.caption if "数值相差" in c.value)
    assert summary.startswith("数值相差 2%（2184.3万人 至 2225万人）；最新来源：")


@pytest.mark.usefixtures("fixture_env")
def test_document_view_highlights_every_claim_of_the_text() -> None:
    at = run_app(query={TAB_KEY: TAB_DOCUMENTS}, state={"document": "fx_tianjin_trad.txt"})
    doc_html = next(h for h in html_blocks(at) if "zb-doc" in h)
    assert doc_html.count("<mark class='zb-claim") == 5
    assert "zb-claim zb-low" in doc_html  # 河北区 12個, confidence 0.4
    assert ">8.2萬個</mark>" in doc_html


@pytest.mark.usefixtures("fixture_env")
def test_tab_is_part_of_the_link() -> None:
    at = run_app(query={TAB_KEY: TAB_CONFLICTS})
    assert at.query_params[TAB_KEY] == TAB_CONFLICTS
    assert quote(TAB_CONFLICTS)  # the label is URL-safe once encoded


def test_missing_table_is_explained(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ZHIBIAO_DATA", str(tmp_path / "claims.csv"))
    at = run_app()
    assert "找不到指标表" in at.warning[0].value
    assert claim_count(at) == 0


def test_empty_table_is_explained(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "claims.csv"
    empty.write_text("doc,start,end,quote\n", encoding="utf-8-sig")
    monkeypatch.setenv("ZHIBIAO_DATA", str(empty))
    at = run_app()
    assert "是空的" in at.warning[0].value


@pytest.mark.usefixtures("fixture_env")
def test_pasted_text_is_extracted_and_joins_the_session() -> None:
    try:
        from extract import extract_text  # noqa: F401
    except ImportError as error:
        pytest.skip(f"extractor not importable yet: {error}")
    at = run_app(query={TAB_KEY: TAB_UPLOAD})
    at.text_area(key="paste_text").input("2023年，江津区地区生产总值达到1300亿元。")
    at.text_input(key="paste_name").input("mine.txt")
    extracted(at.button[0].click().run())  # the form's submit button
    assert claim_count(at) > 23
    assert any("mine.txt" in s.value for s in at.success)


@pytest.mark.usefixtures("fixture_env")
def test_a_second_paste_under_the_default_name_is_added_not_swapped() -> None:
    at = run_app(query={TAB_KEY: TAB_UPLOAD})
    at.text_area(key="paste_text").input("2023年，江津区地区生产总值达到1300亿元。")
    extracted(at.button[0].click().run())
    first = claim_count(at)
    at.text_area(key="paste_text").input("2023年，江津区常住人口136万人。")
    extracted(at.button[0].click().run())
    assert claim_count(at) == first + 1
    assert any("pasted-2.txt" in s.value for s in at.success)


@pytest.mark.usefixtures("fixture_env")
def test_a_paste_is_extracted_off_the_page_with_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    import extract

    release = threading.Event()
    real = extract.extract_text

    def slow(text: str, doc: str, date=None) -> list[dict]:
        assert release.wait(TIMEOUT)  # a long document, still being read
        return real(text, doc, date)

    monkeypatch.setattr(extract, "extract_text", slow)
    at = run_app(query={TAB_KEY: TAB_UPLOAD})
    at.text_area(key="paste_text").input("2023年，江津区常住人口136万人。\n" * 30)
    at.button[0].click().run()
    assert JOB_KEY in at.session_state  # the page was drawn while the extraction ran
    assert any("正在抽取：0/1 篇" in p.proto.text for p in at.get("progress"))
    release.set()
    extracted(at)
    assert any("pasted.txt: 30" in s.value for s in at.success)


@pytest.mark.usefixtures("fixture_env")
def test_a_paste_over_the_limit_is_refused_and_the_limit_is_stated() -> None:
    at = run_app(query={TAB_KEY: TAB_UPLOAD})
    assert any(f"{UPLOAD_LIMIT_MB} MB" in c.value for c in at.caption)
    before = claim_count(at)
    at.text_area(key="paste_text").input("江" * ((UPLOAD_LIMIT_MB << 20) // 3 + 1))
    at.button[0].click().run()
    assert JOB_KEY not in at.session_state
    assert any("pasted.txt" in w.value and "5 MB" in w.value for w in at.warning)
    assert claim_count(at) == before


def test_the_app_opens_a_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               fx) -> None:
    from extract import cli

    store = tmp_path / "corpus.duckdb"
    assert cli.main([str(fx.docs), "-o", str(store)]) in (0, 1)
    assert cli.main([str(fx.docs), "-o", str(tmp_path / "same.csv")]) in (0, 1)
    monkeypatch.setenv("ZHIBIAO_DATA", str(store))
    monkeypatch.setenv("ZHIBIAO_DOCS", str(fx.docs))
    at = run_app()
    lines = (tmp_path / "same.csv").read_text(encoding="utf-8-sig").splitlines()
    assert claim_count(at) == len(lines) - 1 > 0


def test_an_upload_never_takes_a_taken_name() -> None:
    assert unique_name("pasted.txt", {"pasted.txt", "pasted-2.txt"}) == "pasted-3.txt"
    assert unique_name("报告", {"报告"}) == "报告-2"
    assert unique_name("new.txt", {"old.txt"}) == "new.txt"


def test_an_upload_that_is_not_text_is_refused_with_a_reason() -> None:
    problems: list[str] = []
    assert decode_upload("x.txt", bytes(range(128, 256)) * 40, problems) is None
    assert problems and problems[0].startswith("x.txt: not text")
    assert decode_upload("y.txt", "江津区".encode("utf-16"), problems) == "江津区"


@pytest.mark.usefixtures("fixture_env")
def test_region_by_year_tab_shows_the_indicator_table() -> None:
    at = run_app(query={TAB_KEY: TAB_PANEL, "chart": "常住人口"})
    table = at.dataframe(key="panel_table").value
    assert list(table.columns) == ["地区 Region", "2021", "2022", "2023"]
    beijing = table[table["地区 Region"] == "北京市"].iloc[0]
    assert beijing["2022"] == "≠ 2225万人 (2)"  # conflicting claims are marked
    assert any(b.key == "download_wide" for b in at.get("download_button"))


@pytest.mark.usefixtures("fixture_env")
def test_value_map_moves_through_the_years() -> None:
    at = run_app(query={TAB_KEY: TAB_MAP, "chart": "地区生产总值"})
    slider = at.select_slider(key="map_year")
    assert slider.value == 2022 and list(slider.options) == ["2016", "2021", "2022"]
    slider.set_value(2021).run()
    assert not at.exception
    assert at.query_params["map_year"] == "2021"


@pytest.mark.usefixtures("fixture_env")
def test_open_document_scrolls_to_and_flashes_the_claim() -> None:
    at = run_app(state={"drill": DrillTarget(region="北京市", measure="常住人口", year=2022,
                                             kind="level")})
    opener = next(b for b in at.button if b.key and b.key.startswith("open_doc_fx_news"))
    opener.click().run()
    assert at.session_state[TAB_KEY] == TAB_DOCUMENTS
    body = html_of(at)
    assert "<mark class='zb-claim zb-focus' id='zb-focus'" in body
    assert body.count("zb-focus' id=") == 1
    assert at.query_params["at"] == "70" and at.query_params["document"] == "fx_news.txt"


@pytest.mark.usefixtures("fixture_env")
def test_the_region_placeholder_names_regions_of_the_table_opened() -> None:
    at = run_app()
    assert at.multiselect(key="region").placeholder == "全部 All (京津冀, 北京市 …)"


def test_a_charts_source_line_sits_under_its_title(scope) -> None:
    """In the figure (so the PNG carries it), where a long legend cannot run into it."""
    from dashboard.views.charts import line_figure

    series = data.indicator_series(scope, "地区生产总值", "元", "level")
    assert len(series)
    layout = line_figure(series, "地区生产总值", "元", note="来源：2 篇文档").to_dict()["layout"]
    assert "来源：2 篇文档" in str(layout["title"]) and not layout.get("annotations")


@pytest.mark.usefixtures("fixture_env")
def test_what_lives_past_the_first_page_is_frozen_out_of_the_collectors_way() -> None:
    """Streamlit collects garbage after every rerun; the libraries and the opened table,
    frozen after the first page, are then no part of that walk."""
    import gc

    run_app()
    assert gc.get_freeze_count() > 0
