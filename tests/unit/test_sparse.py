from rag import sparse


def test_inflected_forms_share_terms_and_stopwords_drop():
    assert sparse.terms("обговорили") == sparse.terms("обговорив")
    assert sparse.terms("і та the of") == []


def test_document_weights_saturate_and_query_weights_are_unit():
    doc = sparse.encode_document("ППО ППО ППО ППО фортифікації")
    weights = dict(zip(doc.indices, doc.values))
    assert weights[sparse.term_index("ппо")] > weights[sparse.term_index("фортиф")]
    assert weights[sparse.term_index("ппо")] < 4 * weights[sparse.term_index("фортиф")]
    query = sparse.encode_query("ППО і фортифікації")
    assert query.values == [1.0, 1.0] and sorted(query.indices) == query.indices
