"""The dashboard as a user meets it, in headless Chromium. Prints figures; asserts nothing.

    python -m benchmarks.dashboard_browser [--rows N] [--bundled] [--changes 12]

Starts the app (`python -m dashboard --data STORE`) on a generated store of N
claims (default 1,000,000; built once with benchmarks.dashboard_speed's
generator and kept in ~/.cache/zhibiao, reused after), or on the bundled
table with --bundled, and drives it with Playwright and Debian's chromium:

- page open -> first two charts drawn: from navigation to both the line and
  the bar chart having their traces on screen;
- filter change -> redrawn: a sidebar filter changed (the first a region, then
  the low-confidence and sub-region toggles in turn) until the script has run
  and the claim count and charts are back on screen; median and max;
- server RSS: the Streamlit process's resident memory at the end (and peak).

The last line is machine-readable:
    rows=N first_charts_s=X filter_median_ms=Y filter_max_ms=Z rss_mb=W
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "zhibiao"
GENERATOR = "v2"  # bump when benchmarks.dashboard_speed.synthetic_claims changes
TIMEOUT_MS = 300_000

CHARTS_DRAWN = """() => {
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  return charts.length >= 2 && [...charts].slice(0, 2).every(c => c.querySelector('.trace'));
}"""
IDLE = """(before) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const line = [...document.querySelectorAll('[data-testid="stSidebar"] p')]
    .map(p => p.textContent).find(t => t.includes(' / ') && t.includes('claims')) || '';
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"] .trace');
  return app && app.getAttribute('data-test-script-state') === 'notRunning'
    && line !== before && line !== '' && charts.length > 0;
}"""
CLAIMS_LINE = """() => [...document.querySelectorAll('[data-testid="stSidebar"] p')]
  .map(p => p.textContent).find(t => t.includes(' / ') && t.includes('claims')) || ''"""


def generated_store(rows: int) -> Path:
    """The store of `rows` synthetic claims, built on first use."""
    path = CACHE / f"dashboard_{GENERATOR}_{rows}.duckdb"
    if not path.exists():
        from benchmarks.dashboard_speed import synthetic_claims, write_store

        CACHE.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        write_store(synthetic_claims(rows), partial)
        partial.rename(path)
        print(f"built {path} ({rows:,} claims) in {time.perf_counter() - started:.0f} s")
    return path


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak) of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(data: Path, docs: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "ZHIBIAO_DOCS": str(docs)}
    server = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "--data", str(data), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return server, url
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the dashboard did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--bundled", action="store_true", help="the bundled table instead")
    parser.add_argument("--changes", type=int, default=12)
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"dashboard_browser: skipped, {CHROMIUM} is missing (scripts/setup.sh installs it "
              "when run as root)")
        return
    from playwright.sync_api import sync_playwright

    from dashboard.data import DEFAULT_CLAIMS, DEFAULT_DOCS

    data = DEFAULT_CLAIMS if args.bundled else generated_store(args.rows)
    with tempfile.TemporaryDirectory() as empty:
        server, url = start_server(data, DEFAULT_DOCS if args.bundled else Path(empty))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                     args=["--no-sandbox", "--disable-gpu"])
                # The server's first session opens the table; time a user's, after it.
                warm = browser.new_page()
                warm.goto(url)
                warm.wait_for_function(CHARTS_DRAWN, timeout=TIMEOUT_MS)
                warm.close()
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                started = time.perf_counter()
                page.goto(url)
                page.wait_for_function(CHARTS_DRAWN, timeout=TIMEOUT_MS)
                first = time.perf_counter() - started
                total = page.evaluate(CLAIMS_LINE)
                rows = int(total.split("/")[1].split()[0].replace(",", ""))
                times = [change(page, 0)]
                for i in range(1, args.changes):
                    times.append(change(page, i))
                browser.close()
            rss, peak = memory_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"table: {data} ({rows:,} claims)")
    print(f"page open -> first two charts: {first:.2f} s")
    print("filter changes (ms): " + ", ".join(f"{t * 1000:.0f}" for t in times))
    print(f"server RSS {rss:.0f} MB (peak {peak:.0f} MB)")
    print(f"rows={rows} first_charts_s={first:.2f} filter_median_ms="
          f"{statistics.median(times) * 1000:.0f} filter_max_ms={max(times) * 1000:.0f} "
          f"rss_mb={rss:.0f}")


def change(page, step: int) -> float:
    """One filter change, timed until the page is redrawn: a region first, then toggles."""
    before = page.evaluate(CLAIMS_LINE)
    sidebar = page.locator('[data-testid="stSidebar"]')
    if step == 0:
        sidebar.locator('[data-testid="stMultiSelect"]').first.click()
        page.get_by_role("listbox").first.wait_for(timeout=TIMEOUT_MS)
        page.keyboard.type("天津市")
        option = page.get_by_role("option", name="天津市", exact=True)
        option.wait_for(timeout=TIMEOUT_MS)
        started = time.perf_counter()
        option.click()
        page.keyboard.press("Escape")
    else:
        toggle = ("隐藏低置信度", "含下辖地区")[step % 2]
        target = sidebar.get_by_text(toggle)
        started = time.perf_counter()
        target.click()
    page.wait_for_function(IDLE, arg=before, timeout=TIMEOUT_MS)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
