from rag.types import Span
from ui.render import article_view, escape_chat, source_cards

TEXT = "Title\nFirst <b>bold</b> sentence. Second sentence.\nРеклама\n"
SPANS = [Span(0, 5), Span(6, 33), Span(34, 50)]


def test_article_view_escapes_marks_the_quote_and_greys_furniture():
    html = article_view("a.txt", "T<script>", TEXT, SPANS, 34, 50)
    assert "<b>" not in html and "&lt;b&gt;" in html and "T&lt;script&gt;" in html
    assert "<mark id='rag-quote'>Second sentence.</mark>" in html
    assert "<span class='rag-furniture'>\nРеклама\n</span>" in html


def test_cards_show_the_quote_between_its_neighbouring_sentences():
    answer = {"citations": [{"n": 1, "source": "a.txt", "title": "T", "quote": "Second sentence.", "start": 34, "end": 50}]}
    html = source_cards(answer, {"a.txt": TEXT}, {}, {"a.txt": SPANS})
    assert "First &lt;b&gt;bold&lt;/b&gt; sentence. <mark>Second sentence.</mark>" in html
    assert "Реклама" not in html


def test_chat_text_cannot_form_links_or_markup():
    out = escape_chat("see [1](http://evil) <img src=x onerror=alert(1)>")
    assert "](" not in out and "<img" not in out and "://" not in out and "[1]" in out
