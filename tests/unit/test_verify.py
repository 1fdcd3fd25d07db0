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


def test_a_month_is_a_month_word_not_a_word_that_begins_like_one():
    from rag.verify import months

    assert months("5 травня, у березні, 1 лютого, листопада") == {5, 3, 2, 11}
    assert months("отримали травми на березі, червоний дах, біль у грудях") == set()
    assert not check_claim("They were injured in May.", ["Вони отримали травми на березі."]).supported


def test_an_abbreviations_meaning_counts_only_as_the_whole_phrase():
    assert not check_claim("The Emergency Ministry of State acted.", ["ДСНС діяла."]).supported
