from pathlib import Path

import pytest

from rag.ingest.clean import find_body
from rag.ingest.pipeline import parse_article
from rag.ingest.reader import read_document

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
BOILERPLATE = ["Реклама", "ЩЕ ЗА ТЕМОЮ", "ОСТАННЄ", "Читайте також", "Вас також можуть зацікавити",
               "Всі новини", "Відео дня", "Читайте головні новини", "Фото:"]


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_seed_bodies_hold_no_boilerplate_and_offsets_are_exact(path):
    doc = read_document(path)
    article = parse_article(doc)
    assert article.sentences
    for span in article.sentences:
        text = doc.text[span.start : span.end]
        assert text == text.strip() and text
        for marker in BOILERPLATE:
            assert marker not in text


def test_sidebar_headline_is_not_article_content():
    doc = read_document(SEEDS / "000_b64960b494ee34fc.txt")
    article = parse_article(doc)
    body = " ".join(doc.text[s.start : s.end] for s in article.sentences)
    assert "Зеленський обговорив з Остіном посилення української ППО" in doc.text
    assert "Зеленський" not in body
    assert "Кулеба" not in body  # the 'latest news' list
    assert article.title.startswith("Резніков обговорив")


def test_repeated_captions_and_photo_credits_are_dropped():
    doc = read_document(SEEDS / "002_7498e557ddcf7abd.txt")
    body = " ".join(doc.text[s.start : s.end] for s in parse_article(doc).sentences)
    assert "Зустріч міністра оборони України з американським колегою у Вашингтоні" not in body
    assert "Переговори української делегації" not in body
    assert "Вони обговорили стратегічні цілі" in body


def test_inline_read_also_line_is_dropped_but_article_continues():
    doc = read_document(SEEDS / "003_6bcd416754f20f0f.txt")
    body = " ".join(doc.text[s.start : s.end] for s in parse_article(doc).sentences)
    assert "Японський премʼєр підтвердив" not in body
    assert "Японія послідовно надає Україні гуманітарну та фінансову допомогу" in body
    assert "Боррель" not in body


def test_feed_of_timestamped_headlines_ends_the_article():
    text = "Заголовок статті тут\nПерше речення статті.\nІнша новина\n10:33, 29.12.2025\nЩе одна\n10:22, 29.12.2025\n"
    body = find_body(text)
    assert [text[s.start : s.end] for s in body.lines] == ["Перше речення статті."]


def test_crlf_offsets_are_exact_against_the_text():
    text = "Title of the piece\r\nFirst sentence here. Second one follows.\r\nРеклама\r\n"
    body = find_body(text)
    assert [text[s.start : s.end] for s in body.lines] == ["First sentence here. Second one follows."]
    assert text[body.title.start : body.title.end] == "Title of the piece"
