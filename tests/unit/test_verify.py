"""The claim verifier's checks on names (rag.verify), beyond its doctests."""

from rag.names import TextIndex
from rag.verify import check_claim


def test_an_abbreviations_english_meaning_is_what_the_quote_says():
    assert check_claim("The State Emergency Service will remove them.", ["ДСНС прибере їх."]).supported
    assert not check_claim("The State Forestry Service will remove them.", ["ДСНС прибере їх."]).supported


def test_each_part_of_a_hyphenated_name_is_found():
    assert TextIndex.of(["ТОВ «Полігон-Елітсервіс» отримало землю."]).has("Polihon")
    assert check_claim("TOV Polihon-Elitservis got land.", ["ТОВ «Полігон-Елітсервіс» отримало землю."]).supported
    assert not check_claim("TOV Polihon-Avtoservis got land.", ["ТОВ «Полігон-Елітсервіс» отримало землю."]).supported
