"""The committed answer scorer: it loads onto the shipped EmbeddingGemma and prefers the sentence
that answers over the one that restates the question, in both languages, and the service puts
its scores on the evidence when it is switched on."""

from dataclasses import replace

from rag import models
from rag.answer_scorer import AnswerScorer


def test_the_answering_sentence_outscores_the_one_restating_the_question(settings):
    scorer = AnswerScorer(models.require(models.EMBEDDINGGEMMA, settings))
    restating = "The new library in the town opened last week after two years of building."
    answering = "The building cost 3 million euros, paid by the regional council."
    other = "Children can borrow up to five books at a time."
    scores = scorer.scores("How much did the new library in the town cost?", [restating, answering, other])
    assert scores.index(max(scores)) == 1
    uk = scorer.scores("Скільки коштувала нова бібліотека в місті?",
                       ["Нова бібліотека в місті відкрилася минулого тижня після двох років будівництва.",
                        "Будівництво коштувало 3 мільйони євро, їх сплатила обласна рада."])
    assert uk[1] > uk[0]
    assert scorer.scores("Q?", []) == []


def test_the_service_scores_the_evidence_only_when_the_scorer_is_on(service):
    from rag.service import RagService

    def with_scorer(on: bool) -> RagService:
        other = RagService(replace(service.settings, answer_scorer=on))
        other._backend, other._embedder, other._vectors = service.backend, service.embedder, service._vectors  # share the open store
        return other

    found = with_scorer(False).retrieve("What did Austin and Umerov discuss?")
    assert found.evidence and not any("answer_score" in e.meta for e in found.evidence)
    assert "score_ms" not in found.stages_ms
    scored = with_scorer(True).retrieve("What did Austin and Umerov discuss?")
    assert scored.evidence and all(isinstance(e.meta.get("answer_score"), float) for e in scored.evidence)
    assert "score_ms" in scored.stages_ms


def test_the_openvino_graph_scores_as_torch_does(settings, tmp_path):
    model_dir = models.require(models.EMBEDDINGGEMMA, settings)
    question = "How much did the new library in the town cost?"
    sentences = ["The new library in the town opened last week after two years of building.",
                 "The building cost 3 million euros, paid by the regional council.",
                 "Children can borrow up to five books at a time.",
                 "Будівництво коштувало 3 мільйони євро, їх сплатила обласна рада."]
    exact = AnswerScorer(model_dir).scores(question, sentences)
    for precision in ("bf16", "int8"):
        graph = AnswerScorer(model_dir, runtime="openvino", precision=precision, export_cache=tmp_path)
        scores = graph.scores(question, sentences)
        assert len(scores) == len(sentences)
        assert max(abs(a - b) for a, b in zip(scores, exact)) < 0.1 * (max(exact) - min(exact))
        assert scores.index(max(scores)) == exact.index(max(exact))
