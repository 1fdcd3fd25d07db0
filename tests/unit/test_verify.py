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


def test_a_bound_or_part_of_an_amount_dropped_from_a_claim_is_caught():
    quote = "На захід зібралися понад 350 компаній, на облаштування витрачено 7 мільйонів 200 тисяч гривень."
    assert check_claim("350 companies came.", [quote]).problems == ("bound 350",)
    assert check_claim("More than 350 companies came.", [quote]).supported
    assert check_claim("7 million hryvnias were spent.", [quote]).problems == ("part of 7",)
    assert check_claim("7.2 million hryvnias were spent.", [quote]).supported
    assert check_claim("350 came.", ["Понад 350 компаній, а 350 осіб приїхали."]).supported  # also given bare


def test_a_sum_of_money_is_no_count_and_a_scale_must_match():
    quote = "ТОВ отримає 64 тис грн. за проведення десяти круглих столів."
    assert check_claim("64 тисячі круглих столів.", [quote]).problems == ("unit 64",)
    assert check_claim("64 thousand hryvnias.", [quote]).supported
    assert check_claim("64 million hryvnias.", [quote]).problems == ("number 64",)
