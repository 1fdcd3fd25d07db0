"""Drive the running app through its API with gradio_client: ask, follow-up, upload, remove."""

import re
from pathlib import Path

import pytest
from gradio_client import Client, handle_file

pytestmark = pytest.mark.slow
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def client(server):
    return Client(server, verbose=False)


def ask(client, message, history=None, use_llm=False):
    chat, sources, pick, markdown, answer = client.predict(message, history or [], "news", use_llm, api_name="/ask")
    return chat, sources, answer


def text_of(message):
    content = message["content"]
    return content if isinstance(content, str) else " ".join(part.get("text", "") for part in content)


def test_ask_returns_exact_citations_and_cards(client):
    chat, sources, answer = ask(client, "What did Austin and Umerov discuss?")
    assert answer["citations"][0]["source"] == "002_7498e557ddcf7abd.txt"
    for c in answer["citations"]:
        assert (SEEDS / c["source"]).read_text(encoding="utf-8")[c["start"] : c["end"]] == c["quote"]
    assert "<mark>" in sources and "data-cite='1'" in sources
    # each marker of a real citation is a link that opens it; no other link is in the message
    links = re.findall(r"\]\((#[^)]*|[a-z]+:[^)]*)\)", text_of(chat[-1]))
    assert links and set(links) == {f"#cite-{c['n']}" for c in answer["citations"]}


def test_only_the_latest_answer_keeps_clickable_markers(client):
    chat, _, _ = ask(client, "What did Austin and Umerov discuss?")
    chat, _, answer = ask(client, "Хто такий Скотт Брей?", chat)
    replies = [text_of(m) for m in chat if m["role"] == "assistant"]
    assert "#cite-" not in replies[0] and "[1]" in replies[0]
    assert "#cite-1" in replies[-1] and answer["citations"]


def test_follow_up_is_rewritten_with_the_previous_question(client):
    chat, _, first = ask(client, "Що Умєров обговорив з міністром оборони Японії?")
    chat, _, answer = ask(client, "А коли він про це повідомив?", chat)
    assert answer["question"].startswith("Що Умєров обговорив з міністром оборони Японії?")
    assert any("12 квітня" in c["quote"] for c in answer["citations"])


def test_a_follow_up_stays_with_the_article_of_the_previous_answer(client):
    chat, _, first = ask(client, "What did Umerov tell his Japanese colleague?")
    assert first["citations"] and first["citations"][0]["source"].startswith("003")
    chat, _, answer = ask(client, "And what about air defence?", chat)
    # that talk's article does not mention air defence; the NATO meeting's does, shown as related only
    assert answer["abstained"] and "previous answer" in answer["notice"]
    assert any(c["source"].startswith("004") for c in answer["related"])


def test_abstention_shows_related_passages_not_sources(client):
    _, sources, answer = ask(client, "What did Umerov discuss with the French defence minister?")
    assert answer["abstained"] and not answer["citations"]
    assert "Related passages (not an answer)" in sources


def test_upload_then_remove(client, tmp_path):
    good = tmp_path / "виставка у Житомирі.txt"  # Unicode names survive the upload
    good.write_text("Новина про виставку\nМіністр оборони відвідав виставку бронетехніки у Житомирі.\n", encoding="utf-8")
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x00\x01\x02")
    sneaky = tmp_path / "..\\..\\escape.txt"  # a separator inside a name never leaves the collection
    sneaky.write_text("Новина про полігон\nМіністр оборони оглянув полігон біля Коростеня.\n", encoding="utf-8")
    report, table, _ = client.predict([handle_file(str(good)), handle_file(str(bad)), handle_file(str(sneaky))],
                                      "news", api_name="/upload")
    assert "ingested  виставка у Житомирі.txt" in report and "rejected  broken.txt: binary" in report
    escaped = next(line for line in report.splitlines() if "escape.txt" in line).split()[1]
    assert escaped.endswith("escape.txt") and "/" not in escaped and "\\" not in escaped
    assert {"виставка у Житомирі.txt", escaped} <= {row[0] for row in table["data"]}
    _, _, answer = ask(client, "Яку виставку відвідав міністр у Житомирі?")
    assert answer["citations"][0]["source"] == "виставка у Житомирі.txt"
    for name in ("виставка у Житомирі.txt", escaped):
        report, table, _ = client.predict(name, "news", api_name="/remove")
        assert report == f"removed {name}"
        assert name not in [row[0] for row in table["data"]]


def test_uploaded_markup_renders_as_text(client, tmp_path):
    hostile = tmp_path / "hostile.txt"
    hostile.write_text("Стаття з розміткою\nМіністр сказав <script>alert('x')</script> і "
                       "<img src=x onerror=alert(1)> про оборону Запоріжжя.\n", encoding="utf-8")
    client.predict([handle_file(str(hostile))], "news", api_name="/upload")
    _, sources, answer = ask(client, "Що міністр сказав про оборону Запоріжжя?")
    assert answer["citations"] and answer["citations"][0]["source"] == "hostile.txt"
    assert "<script>" not in sources and "<img" not in sources
    assert "&lt;script&gt;" in sources
    client.predict("hostile.txt", "news", api_name="/remove")
