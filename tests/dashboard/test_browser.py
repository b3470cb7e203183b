"""End to end in headless Chromium: filter, click a bar, read the sentence, download, share.

Starts `streamlit run dashboard/app.py` on the fixture table and drives it with
Playwright and Debian's chromium. Set ZHIBIAO_SCREENSHOT=docs/screenshot.png
to also save the main view (1400 px wide) for the README.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
WAIT_MS = 60_000  # generous: CI machines are slow and shared

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing: "
                       "install Debian's chromium (scripts/setup.sh does)"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    """A Streamlit server on the fixture table, stopped after the module's tests."""
    here = Path(__file__).resolve().parent
    root = here.parents[1]
    port = free_port()
    env = {**os.environ,
           "ZHIBIAO_DATA": str(here / "fixtures" / "claims.csv"),
           "ZHIBIAO_DOCS": str(here / "fixtures" / "docs"),
           "ZHIBIAO_REGIONS": str(here / "fixtures" / "regions.csv")}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(root / "dashboard" / "app.py"),
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read().decode() if server.stdout else ""
                    pytest.fail(f"streamlit did not start:\n{output}")
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="module")
def browser_context():
    """A fresh Chromium profile, 1400 px wide, that accepts downloads."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="zh-CN",
        )
        try:
            yield context
        finally:
            context.close()


def claims_line(page, shown: int, total: int = 23):
    """The sidebar's 'shown / total 条 claims' line."""
    return page.locator('[data-testid="stSidebar"]').get_by_text(f"{shown} / {total}")


def download_lines(page, button_text: str, target: Path) -> list[str]:
    """Click the sidebar download button whose label starts with `button_text`; its CSV lines."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    with page.expect_download(timeout=WAIT_MS) as info:
        sidebar.get_by_role("button", name=button_text).click()
    info.value.save_as(target)
    payload = target.read_bytes()
    assert payload.startswith(b"\xef\xbb\xbf")
    return payload.decode("utf-8-sig").strip().splitlines()


def test_filter_drill_download_and_share(app_url: str, browser_context, tmp_path: Path) -> None:
    page = browser_context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if r.url.startswith("http") and not r.url.startswith(app_url) else None)
    page.goto(app_url)
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=WAIT_MS)
    claims_line(page, 23).wait_for(timeout=WAIT_MS)

    shot = os.environ.get("ZHIBIAO_SCREENSHOT")
    if shot:
        page.wait_for_timeout(1500)
        page.screenshot(path=shot)

    # Filter: 天津市 with its districts, chosen in the sidebar.
    region = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    region.click()
    page.keyboard.type("天津市")
    page.get_by_role("option", name="天津市", exact=True).click()
    page.keyboard.press("Escape")
    claims_line(page, 6).wait_for(timeout=WAIT_MS)
    page.wait_for_function("() => location.search.includes('region=')", timeout=WAIT_MS)
    assert "region=120000" in page.url  # 天津市, by its code

    # Drill down: click a bar of the regions-side-by-side chart (地区生产总值, 2022).
    bar_chart = page.locator('[data-testid="stPlotlyChart"]').nth(1)
    bar_chart.locator("g.point path").first.wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(500)
    bar_chart.locator("g.point path").first.click(force=True)
    quote = page.locator("mark.zb-quote").first
    quote.wait_for(timeout=WAIT_MS)
    assert quote.inner_text() in {"16311.3億元", "6700億元"}
    assert page.get_by_text("fx_tianjin_trad.txt").first.is_visible()

    # Download the filtered table, then the indicator table built from it.
    lines = download_lines(page, "下载筛选后的表格", tmp_path / "claims.csv")
    assert lines[0].startswith("doc,start,end,quote,sentence,value,unit")
    assert len(lines) == 1 + 6
    assert all(",天津市," in line for line in lines[1:])  # region or province column
    assert any("滨海新区" in line for line in lines[1:])
    panel = download_lines(page, "下载指标表", tmp_path / "indicators.csv")
    assert panel[0].startswith("region,region_code,region_level,province,year,measure,")
    assert len(panel) > 1 and all(",天津市," in line for line in panel[1:])

    # Share: the URL alone reopens the same filter in a new tab.
    shared = browser_context.new_page()
    shared.goto(page.url)
    claims_line(shared, 6).wait_for(timeout=WAIT_MS)
    shared.close()

    assert outside == [], f"the app reached outside its own server: {outside[:5]}"
    page.close()


def test_upload_with_limit_progress_and_refusal(app_url: str, browser_context,
                                                tmp_path: Path) -> None:
    good = tmp_path / "江津报告.txt"
    good.write_bytes("2023年，江津区地区生产总值达到1300亿元。".encode("utf-16"))  # Notepad
    binary = tmp_path / "photo.txt"
    binary.write_bytes(bytes(range(256)) * 200)
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"x" * (6 << 20))
    page = browser_context.new_page()
    page.goto(app_url)
    claims_line(page, 23).wait_for(timeout=WAIT_MS)
    page.get_by_role("tab", name="上传 Add text").click()
    page.get_by_text("最大 5 MB").first.wait_for(timeout=WAIT_MS)  # the limit is stated

    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    uploader.set_input_files([str(huge)])
    page.get_by_text("5.0MB").first.wait_for(timeout=WAIT_MS)  # refused in the browser
    uploader.set_input_files([str(good), str(binary)])
    page.get_by_role("button", name="抽取并加入本次会话").click()
    page.get_by_text("江津报告.txt: 1").first.wait_for(timeout=WAIT_MS)
    page.get_by_text("photo.txt: not text").first.wait_for(timeout=WAIT_MS)
    claims_line(page, 24, 24).wait_for(timeout=WAIT_MS)  # the upload joined the session
    # A reload is a new Streamlit session: the browser's uploads are found again.
    page.wait_for_function("() => document.cookie.includes('zhibiao_uploads=')",
                           timeout=WAIT_MS)
    page.reload()
    claims_line(page, 24, 24).wait_for(timeout=WAIT_MS)
    page.close()
    browser_context.clear_cookies()  # the next test starts as a new browser


def choose(page, widget, text: str) -> None:
    """Pick `text` in a Streamlit selectbox or multiselect (typed, so long lists work)."""
    widget.click()
    page.get_by_role("listbox").first.wait_for(timeout=WAIT_MS)
    page.keyboard.type(text)
    option = page.get_by_role("option", name=text, exact=True)
    option.wait_for(timeout=WAIT_MS)
    option.click()
    page.keyboard.press("Escape")


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def test_main_path_and_the_link_that_reopens_it(app_url: str, browser_context,
                                                tmp_path: Path) -> None:
    page = browser_context.new_page()
    page.goto(app_url)
    charts = page.locator('[data-testid="stPlotlyChart"]')
    charts.first.wait_for(timeout=WAIT_MS)
    claims_line(page, 23).wait_for(timeout=WAIT_MS)

    # Switch the concept, then the scale.
    choose(page, page.locator('[data-testid="stSelectbox"]').first, "常住人口")
    page.wait_for_function("() => location.search.includes('chart=%E5%B8%B8')", timeout=WAIT_MS)
    page.get_by_text("对数 log").click()
    page.wait_for_function("() => location.search.includes('scale=log')", timeout=WAIT_MS)
    charts.first.locator(".yaxislayer-above").first.wait_for(timeout=WAIT_MS)

    # Click a point of the line chart: its sentences open with the number marked.
    point = charts.first.locator(".scatterlayer .trace .points path").first
    point.wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(500)
    point.click(force=True)
    quote = page.locator("mark.zb-quote").first
    quote.wait_for(timeout=WAIT_MS)
    assert "万人" in quote.inner_text()
    page.wait_for_function("() => location.search.includes('drill=fact')", timeout=WAIT_MS)

    # Filter by region (and, after a look at the map, by year).
    choose(page, page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first,
           "北京市")
    claims_line(page, 9).wait_for(timeout=WAIT_MS)
    # The map: move its year.
    open_tab(page, "地图 Map")
    year = page.locator('[data-testid="stMain"] input[type="range"]').last
    year.wait_for(timeout=WAIT_MS)
    page.wait_for_function("() => location.search.includes('map_year=')", timeout=WAIT_MS)
    before = page.url
    year.focus()
    year.press("ArrowLeft")
    page.wait_for_function(f"() => location.href !== {before!r}", timeout=WAIT_MS)
    assert "map_year=2021" in page.url

    open_tab(page, "图表 Charts")
    thumb = page.locator('[data-testid="stSidebar"] input[type="range"]').first
    for year in range(2017, 2023):  # one step at a time: each is a rerun
        thumb.focus()
        thumb.press("ArrowRight")
        page.wait_for_function(f"() => location.search.includes('years={year}')",
                               timeout=WAIT_MS)
    claims_line(page, 7).wait_for(timeout=WAIT_MS)  # 北京市's two 2021 claims are gone
    point = charts.first.locator(".scatterlayer .trace .points path").first
    page.wait_for_function(  # the 2021 point was filtered away: a 2022 point is first now
        "() => location.search.includes('drill=fact') && document.querySelectorAll("
        "'[data-testid=stPlotlyChart]').length > 0", timeout=WAIT_MS)
    page.wait_for_timeout(500)
    point.click(force=True)
    page.wait_for_function("() => decodeURIComponent(location.search).includes('|2022|')",
                           timeout=WAIT_MS)
    page.locator("mark.zb-quote").first.wait_for(timeout=WAIT_MS)

    # A conflict: both sources side by side.
    open_tab(page, "冲突 Conflicts")
    page.get_by_text("≠ 北京市 · 常住人口 · 2022").wait_for(timeout=WAIT_MS)
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "2184.3万人" in body and "2225万人" in body

    # The region × year table, its download read back.
    open_tab(page, "地区×年份 Region × year")
    page.get_by_text("个地区").first.wait_for(timeout=WAIT_MS)
    with page.expect_download(timeout=WAIT_MS) as info:
        page.get_by_role("button", name="下载此表").click()
    info.value.save_as(tmp_path / "wide.csv")
    wide = pd_read(tmp_path / "wide.csv")
    assert wide.iloc[0, 0] == "北京市" and "2022 条数 claims" in wide.columns
    lines = download_lines(page, "下载筛选后的表格", tmp_path / "claims.csv")
    assert len(lines) == 1 + 7

    # The link alone, in a browser that has never seen the app, reopens the same view.
    link = page.url
    page.close()
    # A new context of the same browser: no cookies, no storage, no session of its own.
    fresh = browser_context.browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        again = fresh.new_page()
        again.goto(link)
        claims_line(again, 7).wait_for(timeout=WAIT_MS)
        assert again.get_by_role("tab", name="地区×年份 Region × year").get_attribute(
            "aria-selected") == "true"
        open_tab(again, "图表 Charts")
        again.wait_for_function(  # the line chart's title names the concept of the link
            "() => [...document.querySelectorAll('[data-testid=stPlotlyChart] .gtitle')]"
            ".some(t => t.textContent.includes('常住人口'))", timeout=WAIT_MS)
        assert again.get_by_role("radio", name="对数 log").is_checked()
        again.locator("mark.zb-quote").first.wait_for(timeout=WAIT_MS)
    finally:
        fresh.close()


def test_a_chart_control_reruns_the_charts_alone(app_url: str, browser_context) -> None:
    """The scale is the charts' own control: its rerun sends the redrawn charts and the
    link, never the sidebar again (its filters, counts and downloads stay as they are)."""
    page = browser_context.new_page()
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(
        payload if isinstance(payload, bytes) else payload.encode())))
    page.goto(app_url)
    claims_line(page, 23).wait_for(timeout=WAIT_MS)
    page.locator('[data-testid="stPlotlyChart"] .trace').first.wait_for(timeout=WAIT_MS)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stApp]')"
        ".getAttribute('data-test-script-state') === 'notRunning'", timeout=WAIT_MS)
    frames.clear()
    page.get_by_text("对数 log").click()
    page.wait_for_function("() => location.search.includes('scale=log')", timeout=WAIT_MS)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stApp]')"
        ".getAttribute('data-test-script-state') === 'notRunning'", timeout=WAIT_MS)
    sent = b"".join(frames)
    assert b'"type":"log"' in sent  # the charts were redrawn on the new scale
    assert "/ 23 条 claims".encode() not in sent and "筛选 Filters".encode() not in sent
    claims_line(page, 23).wait_for(timeout=WAIT_MS)  # and the sidebar is still there
    page.close()


def pd_read(path: Path):
    import pandas as pd

    return pd.read_csv(path, encoding="utf-8-sig")
