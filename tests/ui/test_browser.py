"""A real browser (Debian's Chromium via Playwright): ask, click citation [1], see the quote highlighted."""

import shutil

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def page(server):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server)
        yield page
        browser.close()


def test_ask_click_citation_and_see_the_highlighted_quote(page, output_dir):
    page.fill("#question textarea", "What did Austin and Umerov discuss?")
    page.click("#ask")
    page.wait_for_selector("#citations label", timeout=120_000)
    first_quote = page.inner_text("#sources .rag-card mark")
    assert first_quote
    page.click("#citations label >> nth=0")
    page.wait_for_selector("#article-view mark#rag-quote", timeout=30_000)
    highlighted = page.inner_text("#article-view mark#rag-quote")
    assert highlighted == first_quote
    assert "002_7498e557ddcf7abd.txt" in page.inner_text("#article-view")
    page.screenshot(path=str(output_dir / "ui-answer.png"), full_page=True)
