"""One short claim per cited passage (rag/passage_claims.py): the prompt, the reply, the check."""

from rag import passage_claims as P
from rag.types import Citation

QUOTE = "На захід зібралися представник понад 350 українських і американських компаній у Вашингтоні."


def test_every_prompt_shares_one_prefix_whatever_the_question_or_language():
    en = P.messages("How many companies came?", QUOTE, "en")
    uk = P.messages("Скільки компаній зібралося?", "Інший уривок.", "uk")
    assert en[:-1] == uk[:-1]  # the system turn and examples: one prefix llama.cpp's cache keeps
    assert en[-1].role == "user" and QUOTE in en[-1].content and en[-1].content.endswith("Answer in English.")
    assert uk[-1].content.endswith("Answer in Ukrainian.")


def test_an_english_prompt_gives_the_passages_names_in_english_and_a_ukrainian_one_none():
    assert "Вашингтоні = Washington" in P.messages("Where?", QUOTE, "en")[-1].content
    assert "Words:" not in P.messages("Де?", QUOTE, "uk")[-1].content


def test_a_reply_that_says_none_asks_back_or_is_in_the_wrong_script_is_no_claim():
    assert P.parse("NONE", "en") is None and P.parse(" none. ", "en") is None
    assert P.parse("How many companies came?", "en") is None
    assert P.parse("Понад 350 компаній.", "en") is None and P.parse("More than 350 companies.", "uk") is None
    assert P.parse("Answer: More than 350 companies [1]\nsecond line", "en") == "More than 350 companies."


def test_a_claim_that_drops_the_quotes_bound_is_replaced_by_the_quote():
    bare = P.check("350 companies came.", QUOTE, "How many companies came?", "en")
    assert bare.text is None and "bound 350" in bare.removed
    kept = P.check("More than 350 companies came.", QUOTE, "How many companies came?", "en")
    assert kept == P.Checked("More than 350 companies came.")
    assert P.check("NONE", QUOTE, "How many?", "en") == P.Checked(None)  # nothing written, nothing removed


def test_compose_shows_each_passage_as_its_claim_or_its_quote():
    cites = [Citation(1, "a.txt", "", QUOTE, 0, len(QUOTE), 0.9), Citation(2, "a.txt", "", "Друге речення.", 100, 114, 0.8)]
    answer = P.compose("How many?", cites, [P.Checked("More than 350 companies came."), P.Checked(None, "x (number 5)")], {})
    assert answer.mode == "llm" and answer.text == "More than 350 companies came [1]. «Друге речення.» [2]"
    assert answer.removed == ("x (number 5)",) and "replaced by their quote" in answer.notice
    assert answer.citations == tuple(cites)
    nothing = P.compose("How many?", cites, [P.Checked(None), P.Checked(None)], {})
    assert nothing.mode == "extractive" and nothing.text.startswith("«") and "not shown" in nothing.notice
