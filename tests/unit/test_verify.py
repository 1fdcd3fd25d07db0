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


def test_two_amounts_are_one_only_when_one_scale_follows_the_other():
    assert not check_claim("3.2 million people.", ["3 млн осіб і 200 тис. дітей"]).supported
    assert check_claim("They got 2 million hryvnias.", ["2 млн грн і 300 тис грн"]).supported
    assert check_claim("7 million 200 thousand hryvnias were spent.", ["7 мільйонів 200 тисяч гривень"]).supported
    assert check_claim("200 thousand hryvnias.", ["7 мільйонів 200 тисяч гривень"]).problems == ("part of 200",)
    assert check_claim("7.2 million hryvnias.", ["понад 7 млн 200 тис. грн"]).problems == ("bound 7.2",)


def test_a_bound_must_keep_its_direction_and_a_currency_may_come_first():
    assert check_claim("fewer than 70 missiles.", ["понад 70 ракет"]).problems == ("bound 70",)
    assert not check_claim("Prices rose by 12%.", ["Ціни зросли більш ніж на 12%."]).supported
    assert check_claim("up to 10 metres.", ["хвилі до 10 метрів"]).supported  # a claim may bound a bare number
    assert check_claim("USD 1 million.", ["1 млн доларів США"]).supported
    assert check_claim("1 million US dollars.", ["1 млн доларів США"]).supported
    assert check_claim("It cost 1.2 million.", ["1,2 млн грн"]).supported  # no noun: not a count
    assert check_claim("The pit is 5 m deep.", ["Яма глибиною 5 м."]).supported
    assert check_claim("$29,70 million.", ["на суму $29,70млн."]).supported
