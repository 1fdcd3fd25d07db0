"""The real pipeline on seeds/: EmbeddingGemma, embedded Qdrant, evidence, abstention."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from rag.errors import EmbedderMismatchError, InputError, StoreError

pytestmark = pytest.mark.slow
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
AUSTIN_UMEROV = "002_7498e557ddcf7abd.txt"


def assert_quotes_exact(answer):
    for c in answer.citations + answer.related:
        text = (SEEDS / c.source).read_text(encoding="utf-8")
        assert text[c.start : c.end] == c.quote


def test_ingest_is_idempotent(service):
    before = service.store().count_chunks()
    results = service.ingest([SEEDS])
    assert {r.status for r in results} == {"unchanged"}
    assert service.store().count_chunks() == before
    assert len(service.articles()) == 5


def test_english_question_cites_the_right_article_with_exact_quotes(service):
    answer = service.ask("What did Austin and Umerov discuss?", use_llm=False)
    assert not answer.abstained and answer.citations
    assert answer.citations[0].source == AUSTIN_UMEROV
    assert_quotes_exact(answer)
    found = service.retrieve("What did Austin and Umerov discuss?")
    assert {e.quote.source for e in found.evidence} == {AUSTIN_UMEROV}


def test_answering_a_retrieval_equals_asking(service):
    question = "Скільки ракет випустила Росія 5 грудня?"
    found = service.retrieve(question)
    from_found, asked = service.answer(found, use_llm=False), service.ask(question, use_llm=False)
    assert from_found.citations and from_found.citations == asked.citations
    assert from_found.text == asked.text and from_found.timings["retrieve_ms"] == found.retrieve_ms


def test_ukrainian_question_works_the_same(service):
    answer = service.ask("Що Умєров обговорив з міністром оборони Японії?", use_llm=False)
    assert not answer.abstained
    assert answer.citations[0].source == "003_6bcd416754f20f0f.txt"
    assert_quotes_exact(answer)


@pytest.mark.parametrize("question", [
    "What did Umerov discuss with the French defence minister?",
    "When will Ukraine receive F-16 fighter jets?",
    "Що сказав Кулеба про обстріли морпортів?",  # only in a 'latest news' list
    "What is the population of Kyiv?",
])
def test_unanswerable_questions_abstain_with_related_passages(service, question):
    answer = service.ask(question, use_llm=False)
    assert answer.abstained and not answer.citations
    assert_quotes_exact(answer)


def test_sidebar_text_is_never_quoted(service):
    found = service.retrieve("Зеленський обговорив з Остіном посилення української ППО")
    for e in found.evidence:
        assert "Зеленський обговорив з Остіном" not in e.quote.text


def test_json_contract(service):
    data = service.ask("How many missiles did Russia launch on 5 December?", use_llm=False).to_dict()
    assert set(data) >= {"question", "answer", "abstained", "citations", "timings"}
    assert set(data["timings"]) >= {"retrieve_ms", "generate_ms"}
    cite = data["citations"][0]
    assert set(cite) == {"n", "source", "title", "quote", "start", "end", "score"}
    assert "70 ракет" in " ".join(c["quote"] for c in data["citations"])
    assert "[1]" in data["answer"]


def test_changed_file_replaces_its_points_and_remove_deletes_them(service, tmp_path):
    path = tmp_path / "extra.txt"
    path.write_text("Тестова стаття про навчання\nМіністр провів навчання з бджолярами у Полтаві.\n", encoding="utf-8")
    assert service.ingest([path])[0].status == "ingested"
    path.write_text("Тестова стаття про навчання\nМіністр провів навчання з пасічниками у Полтаві.\n", encoding="utf-8")
    assert service.ingest([path])[0].status == "replaced"
    texts = [p["text"] for p in service.store().chunk_payloads("extra.txt", ["source", "text"])]
    assert texts and all("бджолярами" not in t for t in texts)
    assert service.remove("extra.txt")
    assert "extra.txt" not in {r.source for r in service.articles()}
    assert not service.store().chunk_payloads("extra.txt")


def test_duplicates_under_another_name_are_skipped(service, tmp_path):
    copy = tmp_path / "copy_of_002.txt"
    copy.write_bytes((SEEDS / AUSTIN_UMEROV).read_bytes())
    result = service.ingest([copy])[0]
    assert result.status == "duplicate" and AUSTIN_UMEROV in result.detail


def test_bad_files_are_reported_and_good_ones_ingested(service, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "good.md").write_text("# Новина про тест\n\nМіністр оборони відвідав виставку дронів у Львові.\n")
    results = {r.source: r for r in service.ingest([tmp_path], collection="test_bad_files")}
    assert results["empty.txt"].status == "rejected" and "empty" in results["empty.txt"].detail
    assert results["image.txt"].status == "rejected" and "binary" in results["image.txt"].detail
    assert results["good.md"].status == "ingested"


def test_questions_that_are_not_questions_get_clear_errors(service):
    for bad, message in [("", "empty"), ("?!...", "no words"), ("x" * 20000, "at most")]:
        with pytest.raises(InputError, match=message):
            service.ask(bad, use_llm=False)
    answer = service.ask("Що\x00 обговорили\x07 Умєров і Остін?", use_llm=False)
    assert answer.citations


def test_missing_collection_and_mismatched_embedder_are_clear(service):
    with pytest.raises(StoreError, match="is empty"):
        service.ask("anything at all?", collection="nothing_here", use_llm=False)
    store = service.store("test_other_embedder")
    store.ensure("st:another-model", service.embedder.dim)
    with pytest.raises(EmbedderMismatchError, match="built with embedder 'st:another-model'"):
        store.check_embedder(service.embedder.id)
    store.drop()


def test_prune_removes_articles_whose_files_are_gone(service, tmp_path):
    folder = tmp_path / "prune"
    folder.mkdir()
    for name in ("one.txt", "two.txt"):
        (folder / name).write_text(f"Стаття {name}\nМіністр оборони відвідав завод {name} у Вінниці.\n", encoding="utf-8")
    service.ingest([folder], collection="test_prune")
    (folder / "two.txt").unlink()
    kept = [r.source for r in service.ingest([folder], collection="test_prune")]
    assert service.prune(kept, collection="test_prune") == ["two.txt"]
    assert [r.source for r in service.articles("test_prune")] == ["one.txt"]


def test_answer_language_can_be_forced_and_evidence_count_set(service):
    found = service.retrieve("What did Austin and Umerov discuss?", evidence_k=3)
    assert len(found.evidence) == 3


def test_the_hybrid_search_is_also_a_llama_index_retriever(service):
    from rag.retrieve import HybridRetriever

    nodes = HybridRetriever(service.store(), service.embedder, service.settings).retrieve("Хто такий Скотт Брей?")
    assert nodes and nodes[0].node.metadata["source"] == "004_e11d588df30af07a.txt"
    text = (SEEDS / "004_e11d588df30af07a.txt").read_text(encoding="utf-8")
    assert text[nodes[0].node.start_char_idx : nodes[0].node.end_char_idx] == nodes[0].node.get_content()


def test_upload_names_are_reduced_to_a_base_name_inside_the_collection(service, tmp_path, settings):
    names = {"../../evil.txt": "evil.txt", "/etc/passwd_copy.txt": "passwd_copy.txt",
             "..\\..\\windows.txt": "windows.txt", "Новина – тест ✓.txt": "Новина – тест ✓.txt"}
    files = []
    for i, raw in enumerate(names):
        path = tmp_path / f"upload{i}.txt"
        path.write_text(f"Стаття {i}\nМіністр оборони відвідав полігон номер {i} на Волині.\n", encoding="utf-8")
        files.append((path, raw))
    def outside_store() -> list[Path]:
        return sorted(p for p in tmp_path.parent.rglob("*") if settings.data_dir not in p.parents)

    before = outside_store()
    results = service.ingest_named(files, collection="test_upload_names")
    assert [r.source for r in results] == list(names.values()) and all(r.status == "ingested" for r in results)
    assert sorted(r.source for r in service.articles("test_upload_names")) == sorted(names.values())
    # nothing was written beside the uploads or at the absolute path the name pointed to
    assert outside_store() == before and not Path("/etc/passwd_copy.txt").exists()
    assert not any(p.name in names.values() for p in settings.data_dir.rglob("*"))
    for bad in ("..", "../", "", "\x00\x07"):
        with pytest.raises(InputError, match="not a usable file name"):
            service.ingest_named([(files[0][0], bad)], collection="test_upload_names")


def test_oversized_and_unsupported_files_get_a_line_each_and_the_rest_is_ingested(service, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    line = "Міністр оборони говорив про постачання снарядів і ремонт техніки без жодної крапки "
    with open(folder / "huge.txt", "w", encoding="utf-8") as f:  # 50 MB of text
        for _ in range(50 * 1024 * 1024 // len(line.encode()) + 1):
            f.write(line)
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    (folder / "archive.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    (folder / ".hidden.txt").write_text("ignored")
    (folder / "good.txt").write_text("Новина про ремонт\nУ Полтаві відремонтували двадцять бронемашин.\n", encoding="utf-8")
    results = {r.source: r for r in service.ingest([folder], collection="test_mixed")}
    assert set(results) == {"huge.txt", "photo.png", "archive.zip", "good.txt"}
    assert results["huge.txt"].status == "rejected" and "MB is over the 20 MB limit" in results["huge.txt"].detail
    assert results["photo.png"].status == "rejected" and "unsupported file type .png" in results["photo.png"].detail
    assert results["archive.zip"].status == "rejected" and "unsupported file type .zip" in results["archive.zip"].detail
    assert results["good.txt"].status == "ingested"


def test_a_long_line_without_sentence_breaks_is_chunked_with_exact_offsets(service, tmp_path):
    words = [f"слово{i}" for i in range(1500)]
    text = "Дуже довгий рядок\n" + " ".join(words) + "\n"
    path = tmp_path / "long_line.txt"
    path.write_text(text, encoding="utf-8")
    result = service.ingest([path], collection="test_long_line")[0]
    assert result.status == "ingested" and result.chunks > 5
    found = service.retrieve("слово1234", collection="test_long_line")
    assert found.hits and all(text[h.start : h.end] == h.text for h in found.hits)
    assert all(len(h.text) < 5000 for h in found.hits)


def test_a_follow_up_is_answered_from_its_own_turn_within_the_previous_questions_subject(service):
    from rag.followup import contextualise

    question = contextualise(["Про що Умєров говорив з помічником генсека НАТО?"], "А що він сказав про ППО?")
    answer = service.ask(question, use_llm=False)
    assert not answer.abstained  # "ППО" is written out as "протиповітряна оборона" in the article
    assert answer.citations[0].source.startswith("004")
    # the turn as asked ranks the sentences: the air-defence one is among the first passages,
    # where the previous question alone puts the article's lead and its NATO sentences first
    found = service.retrieve(question)
    assert any("протиповітрян" in e.quote.text for e in found.evidence[:3])
    assert not any("протиповітрян" in e.quote.text for e in service.retrieve(question.text).evidence[:3])


def test_a_follow_up_that_names_nobody_new_stays_with_the_previous_answers_article(service):
    from rag.followup import contextualise

    first, then = "What did Umerov discuss with Austin?", "And what about air defence?"
    question = service.follow_up([first], then)
    assert question.previous_sources == (AUSTIN_UMEROV,)
    answer = service.ask(question, use_llm=False)
    assert not answer.abstained and {c.source for c in answer.citations} == {AUSTIN_UMEROV}
    assert "ППО" in answer.citations[0].quote
    # without the previous answer's article, the NATO meeting's air-defence sentence is closer
    alone = service.ask(contextualise([first], then), use_llm=False)
    assert alone.citations[0].source.startswith("004")
    # a follow-up naming someone new is not held to the previous article
    other = service.ask(service.follow_up([first], "And with Bray?"), use_llm=False)
    assert not other.abstained and other.citations[0].source.startswith("004")


def test_a_long_follow_up_keeps_the_conversation_and_does_not_quote_the_previous_answer_again(service):
    first = "What did Umerov discuss with Austin?"
    then = "And what did they say they discussed during that meeting in Washington?"  # 12 words
    question = service.follow_up([first], then)
    assert question.is_follow_up and question.previous_sources == (AUSTIN_UMEROV,)
    previous = question.previous_citations
    assert previous and previous == service.ask(first, use_llm=False).citations
    answer = service.ask(question, use_llm=False)
    assert not answer.abstained and {c.source for c in answer.citations} == {AUSTIN_UMEROV}
    # without leaving out what was just quoted, this turn cites the previous answer's sentence again
    assert not {(c.start, c.end) for c in answer.citations} & {(c.start, c.end) for c in previous}
    assert_quotes_exact(answer)


def test_a_follow_up_is_read_by_its_own_turn_and_its_hidden_previous_turn_asks_no_llm(service, monkeypatch):
    first, then = "What did Umerov discuss with Austin?", "And what about air defence?"
    found = service.retrieve(service.follow_up([first], then))
    assert found.turn == then and first in found.question  # the cited sentence is chosen for the turn
    assert service.answer(found, use_llm=False).question == found.question  # the answer keeps the conversation
    calls = []
    real = service.ask
    monkeypatch.setattr(service, "ask", lambda *a, **kw: calls.append(kw) or real(*a, **kw))
    service.follow_up([first], then)
    assert [(c["use_llm"], c["glosses"], c["reader"]) for c in calls] == [(False, False, False)]


def test_a_follow_up_on_a_topic_the_previous_article_lacks_says_so(service):
    from rag.followup import contextualise

    first, then = "What did Umerov tell his Japanese colleague?", "And what about air defence?"
    question = service.follow_up([first], then)
    assert question.previous_sources and all(s.startswith("003") for s in question.previous_sources)
    answer = service.ask(question, use_llm=False)
    assert answer.abstained and "previous answer does not mention air defence" in answer.notice
    assert any("протиповітрян" in c.quote for c in answer.related)  # where it is mentioned, shown as related
    assert not service.ask(contextualise([first], then), use_llm=False).abstained


def test_an_extractive_citation_of_a_quotations_tail_holds_the_whole_quotation(service):
    answer = service.ask("Що Остін сказав про союзників і партнерів?", use_llm=False)
    c = answer.citations[0]
    assert c.source == AUSTIN_UMEROV and c.quote.startswith('"Як я сказав у Києві')
    assert c.quote.endswith('також", – сказав Остін.')  # the tail the evidence ranked first, with its speaker
    found = service.retrieve("Що Остін сказав про союзників і партнерів?")
    assert found.evidence[0].quote.text.startswith("Я впевнений")  # the evidence itself stays a sentence
    assert_quotes_exact(answer)


def test_a_questions_variants_encoded_in_one_pass_agree_with_separate_calls(service):
    embedder = service.embedder
    inner = getattr(embedder, "inner", embedder)
    question = "What did Austin and Umerov discuss?"
    together = inner.embed_variants([("query", question), ("question", question), ("question", "What did discuss?")])
    apart = np.vstack([inner.embed_queries([question]), inner.embed_questions([question, "What did discuss?"])])
    assert together.shape == apart.shape
    assert float(np.min(np.sum(together * apart, axis=1))) >= 0.995  # bf16 batches pad differently
    assert float(together[0] @ together[1]) < 0.99  # the two prompts do give different vectors
    found = service.retrieve(question)
    scored = {"score_ms"} if service.settings.answer_scorer else set()
    assert set(found.stages_ms) == {"encode_ms", "search_ms", "evidence_ms", "parts_ms"} | scored
    assert all(v >= 0 for v in found.stages_ms.values())


class _Reader:
    """A stand-in LLM for the reader: a fixed reply, its calls and a fixed token count."""

    name = "fake-reader"

    def __init__(self, reply):
        self.reply, self.calls = reply, []

    def complete(self, messages, max_tokens, timeout_s):
        self.calls.append(messages)
        return self.reply

    def usage(self, messages, reply):
        return {"in": 100, "out": 3}


@pytest.mark.parametrize("reply, abstained", [("NONE", True), ("з питань ППО", False)])
def test_an_unsure_decision_asks_the_reader_and_counts_its_tokens(service, monkeypatch, reply, abstained):
    from rag.answerability import Decision

    found = service.retrieve("What did Umerov discuss with Austin?")
    unsure = replace(found, decision=Decision(True, 0.3, signals=found.decision.signals))
    reader = _Reader(reply)
    monkeypatch.setattr(service, "llm", lambda: reader)
    answer = service.answer(unsure, use_llm=False, glosses=False)
    assert len(reader.calls) == 1 and answer.abstained is abstained
    assert answer.tokens == {"in": 100, "out": 3} and "reader_ms" in answer.timings
    if abstained:
        assert "the language model found no answer" in answer.notice
    reader.calls.clear()
    assert service.answer(unsure, use_llm=False, glosses=False, reader=False).tokens == {}  # --no-llm: not asked
    assert reader.calls == []


def test_a_question_about_two_articles_searches_each_part_and_cites_both(service):
    question = ("What did Reznikov and Austin discuss after the missile attack of 5 December, "
                "and what did Umerov tell the Japanese minister Kihara?")
    found = service.retrieve(question)
    assert [p.text for p in found.parts][1].startswith("What did")
    assert len(found.parts) == 2 and all(p.evidence for p in found.parts)
    assert found.stages_ms["parts_ms"] > 0  # the parts' search and scoring, timed apart from the evidence
    answer = service.answer(found, use_llm=False)
    assert {c.source for c in answer.citations} >= {"001_eb6e7accd20b1e4b.txt", "003_6bcd416754f20f0f.txt"}
    assert_quotes_exact(answer)
    assert service.retrieve("What did Austin and Umerov discuss?").parts == ()
