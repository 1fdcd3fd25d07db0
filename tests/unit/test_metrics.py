from evals import metrics as M

GOLD = [{"source": "a", "start": 10, "end": 20}]


def test_rank_and_recall():
    assert M.reciprocal_rank([("b", 0, 5), ("a", 15, 30)], GOLD) == 0.5
    assert M.span_recall([("a", 0, 9)], GOLD) == 0.0 and M.span_recall([("a", 19, 25)], GOLD) == 1.0


def test_citation_precision_and_abstention():
    cites = [{"source": "a", "start": 12, "end": 14, "quote": "x"}, {"source": "b", "start": 12, "end": 14, "quote": "y"}]
    assert M.citation_precision(cites, GOLD) == 0.5 and M.citation_precision([], GOLD) is None
    assert M.abstention([True, True, False], [True, False, True]) == (0.5, 0.5)


def test_marker_share_and_facts():
    assert M.marker_share("A [1]. B. C [5].", 2) == 1 / 3
    assert M.fact_coverage("they discussed ППО in 2024", [["2024"], ["air defence", "ППО"], ["NASAM"]]) == 2 / 3
