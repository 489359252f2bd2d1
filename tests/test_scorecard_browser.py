"""The scorecard opened in headless Chromium with the network off: it renders, all of it.

Needs Debian's `chromium` and `chromium-driver`. In CI (`CI` set) their absence fails the
test; elsewhere it is skipped with a message.
"""

from __future__ import annotations

import base64
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import scorecard_kit as kit
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from orchestration.scorecard import render_scorecard
from orchestration.scorecard.pdf import write_pdf
from orchestration.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
_ARGUMENTS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1000",
    # Network off: no proxy answers, and no host name resolves.
    "--proxy-server=127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)

pytestmark = pytest.mark.browser


@pytest.fixture
def chromium() -> Iterator[WebDriver]:
    """Headless Chromium with a fresh profile, offline, logging the browser console."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        message = (
            f"browser test needs Debian's chromium and chromium-driver ({', '.join(missing)} "
            "missing): apt-get install chromium chromium-driver"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for argument in (*_ARGUMENTS, f"--user-data-dir={profile}"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        try:
            driver.execute_cdp_cmd("Network.enable", {})
            driver.execute_cdp_cmd(
                "Network.emulateNetworkConditions",
                {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
            )
            yield driver
        finally:
            driver.quit()


def _visible(element: WebElement) -> bool:
    size = element.size
    return element.is_displayed() and size["width"] > 0 and size["height"] > 0


def _full_page_png(driver: WebDriver) -> bytes:
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    content = metrics["cssContentSize"]
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {
                "x": 0,
                "y": 0,
                "width": content["width"],
                "height": content["height"],
                "scale": 1,
            },
        },
    )
    return base64.b64decode(shot["data"])


def assert_renders_offline(
    driver: WebDriver, page: Path, settings: Settings, screenshot: Path
) -> WebElement:
    """Open the page offline and check it rendered whole; return the index element."""
    driver.get(page.as_uri())

    png = _full_page_png(driver)
    screenshot.write_bytes(png)
    assert png.startswith(b"\x89PNG") and len(png) > 50_000

    index = driver.find_element(By.CSS_SELECTOR, '[data-testid="index-value"]')
    assert _visible(index)

    charts = driver.find_elements(By.CSS_SELECTOR, '[data-testid="chart"] svg')
    assert len(charts) == page.read_text(encoding="utf-8").count("<svg") >= 2
    for chart in charts:
        assert _visible(chart) and chart.size["width"] >= 150 and chart.size["height"] >= 60

    cards = driver.find_elements(By.CSS_SELECTOR, '[data-testid="headline"]')
    assert {card.get_attribute("data-kpi") for card in cards} == kit.headline_kpis(settings)
    for card in cards:
        assert _visible(card), card.get_attribute("data-kpi")
        assert _visible(card.find_element(By.CSS_SELECTOR, ".value")), card.text

    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []

    loaded = driver.execute_script(
        "return ['navigation', 'resource'].flatMap("
        "  type => performance.getEntriesByType(type).map(e => e.name));"
    )
    assert all(name.startswith(("file:", "data:")) for name in loaded), loaded

    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})
    assert base64.b64decode(pdf["data"]).startswith(b"%PDF")
    return index


def test_planted_scorecard_renders_offline_in_chromium(
    isolated_settings: Settings, chromium: WebDriver, tmp_path: Path
) -> None:
    kit.publish_planted(isolated_settings)
    page = render_scorecard(isolated_settings)

    index = assert_renders_offline(chromium, page, isolated_settings, tmp_path / "page.png")

    assert index.text.startswith(kit.HEADLINE_INDEX)
    assert len(chromium.find_elements(By.CSS_SELECTOR, '[data-testid="chart"] svg')) == 1 + 5


@pytest.mark.slow
def test_demo_scorecard_renders_offline_in_chromium(
    demo_pipeline, chromium: WebDriver, tmp_path: Path
) -> None:
    page = demo_pipeline.settings.reports_dir / "scorecard" / "scorecard.html"
    assert f"Board scorecard: {page}" in demo_pipeline.output

    index = assert_renders_offline(chromium, page, demo_pipeline.settings, tmp_path / "page.png")

    assert index.text.split("/")[0].strip().isdigit()


@pytest.mark.slow
def test_demo_run_writes_the_scorecard_as_a_pdf_beside_the_page(
    demo_pipeline, chromium: WebDriver
) -> None:
    pdf = demo_pipeline.settings.reports_dir / "scorecard" / "scorecard.pdf"
    assert f"Board scorecard (PDF): {pdf}" in demo_pipeline.output
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF-")
    assert content.count(b"/Type /Page") - content.count(b"/Type /Pages") >= 2  # a whole report


def test_without_chromium_the_pdf_is_skipped_with_the_reason(
    isolated_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    kit.publish_planted(isolated_settings)
    page = render_scorecard(isolated_settings)
    monkeypatch.setenv("EMPATHY_CHROMIUM", "no-such-browser")
    assert write_pdf(page) == (None, "no Chromium found (install it: apt-get install chromium)")
    assert not page.with_suffix(".pdf").exists()
