from rag import selection as S
from rag.logistic import Model
from rag.types import Evidence, QuestionPart, make_quote

TEXT = "Міністр відвідав лікарню у Львові. На ремонт лікарні виділили 5 млн грн. Лікарня працює з 1990 року."


def ev(start, end, rank, quotation=None):
    return Evidence(quote=make_quote("a.txt", TEXT, start, end), title="T", score=rank, meta={"rank_score": rank},
                    quotation=quotation)


def test_the_sentence_holding_the_asked_amount_is_cited_over_a_slightly_closer_one():
    evidence = [ev(0, 34, 0.62), ev(35, 72, 0.60), ev(73, 100, 0.50)]
    chosen = S.choose("How much money was allocated for the hospital repairs?", evidence, k=1)
    assert [e.quote.text for e in chosen] == ["На ремонт лікарні виділили 5 млн грн."]
    # asked for nothing checkable, the evidence's own order stands
    assert S.choose("Що відомо про лікарню?", evidence, k=1)[0].quote.start == 0


def test_a_later_sentence_needs_the_given_share_of_the_first_ones_probability():
    rank_only = Model(("rank",), (0.0,), (1.0,), (10.0,), -5.0, 0.9)  # p = 0.5 at rank 0.5
    evidence = [ev(0, 34, 0.60), ev(35, 72, 0.58), ev(73, 100, 0.30)]
    assert len(S.choose("Q?", evidence, k=3, model=rank_only)) == 2
    assert len(S.choose("Q?", evidence, k=3, model=rank_only, second=0.99)) == 1
    assert len(S.choose("Q?", evidence, k=3, model=rank_only, second=0.0)) == 3
    assert len(S.choose("Q?", evidence, k=2, model=rank_only, second=0.0)) == 2
    assert S.choose("Q?", [], model=rank_only) == []


def test_two_sentences_of_one_quotation_are_one_citation():
    whole = make_quote("a.txt", TEXT, 0, 72)
    rank_only = Model(("rank",), (0.0,), (1.0,), (1.0,), 0.0, 0.0)
    chosen = S.choose("Q?", [ev(0, 34, 0.6, whole), ev(35, 72, 0.59, whole), ev(73, 100, 0.5)], k=3, model=rank_only)
    assert [(e.quote.start, e.quotation is not None) for e in chosen] == [(0, True), (73, False)]


def test_the_llm_is_shown_the_passages_the_model_ranks_best_or_all_of_them():
    from rag.answer import prompt_passages

    evidence = [ev(0, 34, 0.62), ev(35, 72, 0.60), ev(73, 100, 0.50)]
    question = "How much money was allocated for the hospital repairs?"
    assert prompt_passages(question, evidence, 0) == evidence and prompt_passages(question, evidence, 5) == evidence
    two = prompt_passages(question, evidence, 2)
    assert S.ranked(question, evidence)[0].quote.text == "На ремонт лікарні виділили 5 млн грн."
    assert [e.quote.start for e in two] == [0, 35]  # in the evidence's order, the weakest left out


def test_scored_evidence_is_weighed_by_the_model_that_knows_the_score():
    plain = [ev(0, 34, 0.62), ev(35, 72, 0.60)]
    scored = [Evidence(e.quote, e.title, e.score, {**e.meta, "answer_score": s}) for e, s in zip(plain, (-2.0, 3.0))]
    assert "answer_share" not in S.sentence_signals("Who came?", plain)[0]
    shares = [r["answer_share"] for r in S.sentence_signals("Who came?", scored)]
    assert shares[1] > 0.99 and abs(sum(shares) - 1.0) < 1e-9
    assert "answer_share" in S.default_model(True).features
    assert "answer_share" not in S.default_model(False).features
    # the scorer's clear preference decides between two sentences the other signals hold nearly level
    assert S.choose("What happened there?", plain, k=1)[0].quote.start == 0
    assert S.choose("What happened there?", scored, k=1)[0].quote.start == 35


def test_each_part_of_a_two_article_question_gets_its_best_sentence_from_an_article_not_cited_yet():
    other = "Мер Одеси підписав договір на 7 млн грн. Договір підписали у травні."
    second = [Evidence(quote=make_quote("b.txt", other, 0, 40), title="B", score=0.5, meta={"rank_score": 0.5}),
              Evidence(quote=make_quote("b.txt", other, 41, 68), title="B", score=0.4, meta={"rank_score": 0.4})]
    whole = [ev(0, 34, 0.62), ev(35, 72, 0.60)]
    parts = [QuestionPart("How much was allocated in Lviv?", tuple(whole)),
             QuestionPart("How much did the Odesa mayor sign for?", tuple(second))]
    q = "How much was allocated in Lviv, and how much did the Odesa mayor sign for?"
    assert {e.quote.source for e in S.choose(q, whole, k=3)} == {"a.txt"}  # the whole question's evidence
    chosen = S.choose_for_parts(q, whole, parts, k=3)
    assert [e.quote.source for e in chosen][:2] == ["a.txt", "b.txt"]
    # a part whose best sentence is in an article already cited adds nothing
    same = S.choose_for_parts(q, whole, [parts[0], parts[0]], k=3)
    assert [e.quote.source for e in same] == [e.quote.source for e in S.choose(q, whole, k=3)]
    assert S.choose_for_parts(q, whole, (), k=3) == S.choose(q, whole, k=3)


SPEECH = ("Письменниця Олена Іваненко виступила у Львові 23 жовтня. "
          "«Місто змінилося на краще, люди стали спокійнішими», — сказала вона. "
          "Вистава тривала дві години.")


def sp(start, end, rank):
    return Evidence(quote=make_quote("b.txt", SPEECH, start, end), title="T", score=rank, meta={"rank_score": rank})


def test_a_question_of_what_someone_said_cites_speech_beside_a_first_sentence_that_is_none():
    first, said, other = sp(0, 56, 0.70), sp(57, 125, 0.55), sp(126, 153, 0.50)
    assert said.quote.text.startswith("«Місто") and other.quote.text.startswith("Вистава")
    rank_only = Model(("rank",), (0.0,), (1.0,), (10.0,), -5.0, 0.9)  # the first well ahead: one citation
    assert S.choose("Where did Olena Ivanenko perform?", [first, said, other], k=3, model=rank_only) == [first]
    for question in ("What did Olena Ivanenko say about the city?", "Як Олена Іваненко описала місто?"):
        assert S.choose(question, [first, said, other], k=3, model=rank_only) == [first, said]
    # the first citation is itself speech: nothing added; nor when only one citation is allowed
    said_first, first_after = sp(57, 125, 0.9), sp(0, 56, 0.5)
    assert S.choose("What did Olena Ivanenko say about the city?", [said_first, first_after, other], k=3,
                    model=rank_only) == [said_first]
    assert S.choose("What did Olena Ivanenko say about the city?", [first, said, other], k=1,
                    model=rank_only) == [first]
    # a speech sentence already among the citations: no other is added
    text = "Письменниця виступила у Львові. «Місто змінилося», — сказала вона. Вона додала, що повернеться."
    a, b, c = (Evidence(quote=make_quote("c.txt", text, x, y), title="T", score=r, meta={"rank_score": r})
               for x, y, r in ((0, 31, 0.70), (32, 66, 0.55), (67, 95, 0.10)))
    gentle = Model(("rank",), (0.0,), (1.0,), (1.0,), 0.0, 0.9)  # the second a near tie, the third not
    assert S.choose("What did she say about the city?", [a, b, c], k=3, model=gentle, second=0.94) == [a, b]
    # who said it asks for a person, not for the speech
    assert S.choose("Who said the city had changed?", [first, said, other], k=3, model=rank_only) == [first]
