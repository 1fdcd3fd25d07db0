import numpy as np

from rag import answer as A
from rag.types import Evidence, make_quote

SOURCE = "Перше речення. Друге речення про ППО. Третє про фортифікації."


def ev(start, end, score=0.5):
    return Evidence(quote=make_quote("a.txt", SOURCE, start, end), title="T", score=score)


EVIDENCE = [ev(0, 14, 0.6), ev(15, 37, 0.5), ev(38, 61, 0.4)]


def test_markers_pointing_nowhere_drop_the_sentence_and_unmarked_ones_wait_for_support():
    claims = A.parse_claims("Air defence was discussed [2]. They also met [9]. Plain claim.", 3)
    assert claims == [A.Claim("Air defence was discussed.", (2,)), A.Claim("Plain claim.", ())]


def test_markers_after_the_full_stop_and_grouped_markers_count():
    claims = A.parse_claims("Fortifications were discussed. [3] Air defence too [1, 2].", 3)
    assert [c.markers for c in claims] == [(3,), (1, 2)]


def test_fake_sources_block_is_cut():
    claims = A.parse_claims("They met [1].\nSources: [2] «invented quote»", 3)
    assert claims == [A.Claim("They met.", (1,))]


def test_support_check_repoints_misattributed_claim_and_drops_unsupported():
    evidence_vectors = np.eye(3, dtype=np.float32)
    claims = [A.Claim("a", (1,)), A.Claim("b", (2,)), A.Claim("c", (3,)), A.Claim("d", ()), A.Claim("e", ())]
    claim_vectors = np.array([[0, 0, 1], [0, 1, 0], [0.1, 0.1, 0.1], [0.9, 0, 0], [0.5, 0, 0]], dtype=np.float32)
    kept = A.check_support(claims, claim_vectors, evidence_vectors, floor=0.55, margin=0.05, assign=0.6)
    assert kept == [A.Claim("a", (3,)), A.Claim("b", (2,)), A.Claim("d", (1,))]


def test_renumbered_citations_are_exact_quotes_in_order_of_use():
    text, citations = A.renumber([A.Claim("Fortifications.", (3,)), A.Claim("Air defence.", (2, 3))], EVIDENCE)
    assert text == "Fortifications [1]. Air defence [2][1]."
    assert [(c.n, c.quote) for c in citations] == [(1, "Третє про фортифікації."), (2, "Друге речення про ППО.")]
    for c in citations:
        assert SOURCE[c.start : c.end] == c.quote


def test_renumber_cites_the_whole_quotation_once_for_two_of_its_sentences():
    text = '"Перше. Друге", сказав він. Інше.'
    tail = Evidence(quote=make_quote("q.txt", text, 8, 27), title="T", score=0.6,
                    quotation=make_quote("q.txt", text, 0, 27))
    opening = Evidence(quote=make_quote("q.txt", text, 0, 6), title="T", score=0.59)
    other = Evidence(quote=make_quote("q.txt", text, 28, 33), title="T", score=0.5)
    out, citations = A.renumber([A.Claim("He said two things.", (1,)), A.Claim("First.", (2, 3))],
                                [tail, opening, other])
    assert out == "He said two things [1]. First [1][2]."
    assert [(c.n, c.quote) for c in citations] == [(1, '"Перше. Друге", сказав він.'), (2, "Інше.")]


def test_compose_abstains_when_the_model_says_no_answer():
    out = A.compose("Q?", "NOT IN SOURCES", EVIDENCE, {}, lambda xs: np.zeros((len(xs), 3)), np.eye(3))
    assert out.abstained and not out.citations and len(out.related) == 3


def test_compose_falls_back_to_extractive_when_no_claim_survives():
    out = A.compose("Q?", "Something unsupported without markers.", EVIDENCE, {}, lambda xs: np.zeros((len(xs), 3)),
                    np.eye(3))
    assert out.mode == "extractive" and out.citations[0].quote == "Перше речення."


def test_extractive_cites_a_second_sentence_only_near_the_first():
    assert len(A.extractive("Q?", EVIDENCE, {}, k=3, second=2.0).citations) == 1
    out = A.extractive("Q?", EVIDENCE, {}, k=2, second=0.0)
    assert [c.quote for c in out.citations] == ["Перше речення.", "Друге речення про ППО."]


def test_extractive_cites_the_whole_quotation_a_sentence_closes_once():
    text = '"Перше. Друге", сказав він. Інше.'
    tail = Evidence(quote=make_quote("q.txt", text, 8, 27), title="T", score=0.6,
                    quotation=make_quote("q.txt", text, 0, 27))
    opening = Evidence(quote=make_quote("q.txt", text, 0, 6), title="T", score=0.59)
    out = A.extractive("Q?", [tail, opening], {}, k=3, second=0.0)
    assert [(c.quote, c.start, c.n) for c in out.citations] == [('"Перше. Друге", сказав він.', 0, 1)]
    related = A.abstain("Q?", "no", [tail], {}).related  # only extractive answers widen
    assert related[0].quote == 'Друге", сказав він.'


def test_glossary_explains_abbreviations_for_english_answers_only():
    messages = A.build_messages("What about air defence?", EVIDENCE, "en")
    assert "ППО = air defence" in messages[-1].content
    assert "Abbreviations" not in A.build_messages("Що з ППО?", EVIDENCE, "uk")[-1].content
    assert [m.role for m in messages] == ["system", "user", "assistant", "user"]


def test_language_detection():
    assert A.language("Що обговорили?") == "uk" and A.language("What was discussed?") == "en"


def test_english_claims_left_in_cyrillic_are_dropped():
    out = A.compose("What about air defence?", "The protipovitraна оборона is key [2].", EVIDENCE, {},
                    lambda xs: np.eye(3)[[1] * len(xs)], np.eye(3, dtype=np.float32))
    assert out.mode == "extractive"
    ok = A.compose("What about air defence?", "Air defence is key [2].", EVIDENCE, {},
                   lambda xs: np.eye(3)[[1] * len(xs)], np.eye(3, dtype=np.float32))
    assert ok.mode == "llm" and ok.text == "Air defence is key [1]." and ok.citations[0].quote == "Друге речення про ППО."


def test_padding_claims_far_from_the_question_are_dropped_and_claims_capped():
    claims = [A.Claim("Off topic.", (3,)), A.Claim("On topic.", (1,)), A.Claim("Close.", (2,))]
    assert [c.text for c in A.keep_on_topic(claims, EVIDENCE, margin=0.15, limit=3)] == ["On topic.", "Close."]
    assert [c.text for c in A.keep_on_topic(claims, EVIDENCE, margin=1.0, limit=2)] == ["Off topic.", "On topic."]
    assert A.keep_on_topic([], EVIDENCE, 0.1, 3) == []


def test_compose_keeps_only_on_topic_claims():
    raw = "Met first [1]. Fortifications [3]."
    out = A.compose("Q?", raw, EVIDENCE, {}, lambda xs: np.eye(3)[[0, 2]], np.eye(3), topic_margin=0.1, max_claims=3)
    assert out.mode == "llm" and [c.quote for c in out.citations] == ["Перше речення."]
    assert "Fortifications" not in out.text
