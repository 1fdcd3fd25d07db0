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


def test_apostrophe_words_get_their_lemma_in_any_apostrophe():
    # pymorphy3's dictionary writes the ASCII apostrophe; the typographic one used to miss the lemma
    # (and split "Дар’я" into a spurious "дар" reading)
    from rag.names import word_forms

    for apostrophe in ("’", "'", "ʼ"):
        assert "marinka" in word_forms(f"Мар{apostrophe}їнці")
        assert word_forms(f"Дар{apostrophe}я") == {"daria"}
    assert sparse.name_terms("у Мар’їнці") == sparse.name_terms("in Marinka")
