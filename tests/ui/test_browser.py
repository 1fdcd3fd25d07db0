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


def test_ask_click_a_marker_in_the_answer_and_see_the_quote_and_its_gloss(page, output_dir):
    page.fill("#question textarea", "What did Austin and Umerov discuss?")
    page.click("#ask")
    # the answer streams; when it is done the citations are listed and markers in the chat are links
    page.wait_for_selector("#citations label", timeout=240_000)
    page.wait_for_selector('#chat a[href="#cite-1"]', timeout=30_000)
    cards = page.locator("#sources .rag-card[data-cite]")
    quote_of = {cards.nth(i).get_attribute("data-cite"): cards.nth(i).locator("mark").inner_text()
                for i in range(cards.count())}
    assert "1" in quote_of
    page.click('#chat a[href="#cite-1"] >> nth=0')
    page.wait_for_selector("#article-view mark#rag-quote", timeout=30_000)
    assert page.inner_text("#article-view mark#rag-quote") == quote_of["1"]
    assert "002_7498e557ddcf7abd.txt" in page.inner_text("#article-view")
    # an English reader gets a gloss of the Ukrainian quote, marked as a translation
    page.wait_for_selector("#gloss .rag-gloss-label", timeout=30_000)
    page.wait_for_function("() => !document.querySelector('#gloss').innerText.includes('translating')",
                           timeout=120_000)
    gloss = page.inner_text("#gloss")
    assert "machine translation" in gloss and "not a quote" in gloss and quote_of["1"] in gloss
    # the text is the model's gloss, or a plain note when its reply failed the checks (rag.gloss)
    english = page.inner_text("#gloss .rag-gloss-text")
    assert english == "no translation available" or not any("а" <= ch.lower() <= "я" for ch in english), english
    page.screenshot(path=str(output_dir / "ui-answer.png"), full_page=True)
    # a click on another card opens that quote instead
    other = next((n for n in quote_of if n != "1"), None)
    if other:
        page.click(f'#sources .rag-card[data-cite="{other}"]')
        page.wait_for_function(
            "q => document.querySelector('#article-view mark#rag-quote')?.innerText === q", arg=quote_of[other],
            timeout=30_000)
    # and the list of citations beside the chat opens [1] again
    page.click("#citations label >> nth=0")
    page.wait_for_function(
        "q => document.querySelector('#article-view mark#rag-quote')?.innerText === q", arg=quote_of["1"],
        timeout=30_000)
