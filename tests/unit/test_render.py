from rag.types import Span
from ui.render import article_view, chat_answer, escape_chat, gloss_box, source_cards, unlink_markers

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


def test_only_real_citation_markers_become_links():
    out = chat_answer("They met [1]. Numbers [7] and [1](http://evil) <b>x</b>", [1, 2])
    assert out.count("](#cite-1)") == 2 and "#cite-7" not in out and "[7]" in out
    assert "http://" not in out and "<b>" not in out
    assert unlink_markers(out).count("[1]") == 2 and "#cite" not in unlink_markers(out)


def test_cards_open_their_citation_and_the_gloss_is_labelled_and_escaped():
    answer = {"citations": [{"n": 2, "source": "a.txt", "title": "T", "quote": "Second sentence.", "start": 34, "end": 50}]}
    assert "data-cite='2'" in source_cards(answer, {"a.txt": TEXT}, {}, {"a.txt": SPANS})
    box = gloss_box(2, "Міністр <b>", "The minister <i>", "qwen")
    assert "machine translation by qwen, not a quote" in box
    assert "&lt;b&gt;" in box and "&lt;i&gt;" in box and "<i>" not in box.replace("<i>translating", "")
