"""The claims sampler's parsing and the eval's check on shown LLM sentences."""

from evals.claims import shown_claims
from evals.faithfulness import shown_claim_violations

QUOTE = {"n": 1, "quote": "Зустріч відбулася 5 серпня у Києві.", "source": "a.txt"}
OTHER = {"n": 2, "quote": "Сторони обговорили ППО.", "source": "b.txt"}


def test_shown_claims_pairs_each_sentence_with_the_quotes_its_markers_cite():
    answer = {"mode": "llm", "answer": "They met on 5 August [1]. They discussed air defence [1][2].",
              "citations": [QUOTE, OTHER]}
    claims = shown_claims(answer)
    assert [c["claim"] for c in claims] == ["They met on 5 August.", "They discussed air defence."]
    assert claims[0]["quotes"] == [QUOTE["quote"]] and claims[1]["sources"] == ["a.txt", "b.txt"]


def test_a_shown_sentence_with_a_month_or_number_its_quote_lacks_is_a_violation():
    good = {"mode": "llm", "answer": "They met on 5 August [1].", "citations": [QUOTE]}
    bad = {"mode": "llm", "answer": "They met on 6 July [1].", "citations": [QUOTE]}
    extractive = {"mode": "extractive", "answer": "«…» [1]", "citations": [QUOTE]}
    assert shown_claim_violations([good, extractive]) == []
    found = shown_claim_violations([bad])
    assert len(found) == 1 and "number 6" in found[0] and "month 7" in found[0]


def test_shown_glosses_pair_each_gloss_with_its_quote_and_count_withheld_ones():
    from evals.claims import shown_glosses

    answer = {"citations": [dict(QUOTE, gloss="The meeting took place on 5 August in Kyiv."),
                            dict(OTHER, gloss=None), {"n": 3, "quote": "An English quote.", "source": "c.txt"}]}
    rows = shown_glosses(answer)
    assert [(r["shown"], r["quotes"]) for r in rows] == [(True, [QUOTE["quote"]]), (False, [OTHER["quote"]])]
    assert rows[0]["claim"].startswith("The meeting") and rows[1]["claim"] == ""
