from rag.coverage import name_pairs
from rag.gloss import clean_gloss, gloss_messages, needs_gloss, term_hints

QUOTE = "Умєров обговорив з Остіном посилення ППО."


def test_only_cyrillic_quotes_for_english_readers_need_a_gloss():
    assert needs_gloss(QUOTE) and not needs_gloss(QUOTE, "uk") and not needs_gloss("Austin met Umerov.")


def test_the_prompt_carries_abbreviations_and_the_questions_spelling_of_names():
    names = name_pairs(QUOTE, "What did Umerov and Austin discuss?")
    assert names == {"Умєров": "Umerov", "Остіном": "Austin"}
    user = gloss_messages(QUOTE, {"ППО": "air defence"}, names)[-1].content
    assert QUOTE in user and "ППО = air defence" in user and "Остіном = Austin" in user


def test_replies_that_are_not_an_english_rendering_are_dropped():
    assert clean_gloss('Translation: "Umerov discussed air defence with Austin."', QUOTE) == \
        "Umerov discussed air defence with Austin."
    assert clean_gloss("Умєров обговорив з Остіном ППО.", QUOTE) is None
    assert clean_gloss("Umerov discussed air defence [1].", QUOTE) is None
    assert clean_gloss("word " * 100, QUOTE) is None
    assert clean_gloss("   ", QUOTE) is None


def test_a_gloss_with_a_number_the_quote_lacks_is_dropped():
    quote = "Остін відвідав Київ у листопаді 2023 року."
    assert clean_gloss("Austin visited Kyiv in November 2023.", quote) == "Austin visited Kyiv in November 2023."
    assert clean_gloss("Austin visited Kyiv from November 1st to December 31st, 2023.", quote) is None
    assert clean_gloss("Russia launched 70 missiles on January 5.", "Росія 5 грудня випустила 70 ракет.") is None
    assert clean_gloss("Russia launched 70 missiles on December 5.", "Росія 5 грудня випустила 70 ракет.")


def test_a_gloss_with_any_word_left_in_cyrillic_is_not_shown():
    from rag.gloss import clean_gloss

    quote = "Жертвами стали Дієго Анджеліні та Ніколас Клевес."
    assert clean_gloss("The victims were Diego Angelini and Nicolas Cleves.", quote)
    assert clean_gloss("The victims were Дієго Анджеліні and Nicolas Cleves.", quote) is None


def test_the_prompt_gives_months_currencies_and_names_worked_out_by_code_and_ends_with_the_quote():
    quote = "24 вересня Сміяненко отримав 600 грн у Києві."
    user = gloss_messages(quote, {}, {})[-1].content
    assert user.endswith(quote)
    for pair in ("вересня = September", "грн = hryvnias", "Сміяненко = Smiianenko", "Києві = Kyiv"):
        assert pair in user
    assert "=" not in gloss_messages(quote, {}, {}, hints=False)[-1].content


def test_hints_leave_adjectives_and_common_nouns_of_a_bodys_name_to_the_model():
    hints = term_hints("Радник глави Адміністрації президента у Кіровоградській області, Європи.")
    assert "Адміністрації" not in hints and "Кіровоградській" not in hints and hints.get("Європи") == "Europe"


def test_the_questions_spelling_of_a_name_wins_over_the_transliteration():
    user = gloss_messages("Зустріч з Остіном.", {}, {"Остіном": "Austin"})[-1].content
    assert "Остіном = Austin" in user and "Ostin" not in user


def test_hints_read_names_after_initials_and_keep_a_womans_name_feminine():
    hints = term_hints("Указ підписав В. Зеленський, а прибула Юлія Тимошенко і Данілов.")
    assert hints == {"Зеленський": "Zelenskyi", "Юлія": "Yuliia", "Тимошенко": "Tymoshenko", "Данілов": "Danilov"}


def test_a_word_with_a_typographic_apostrophe_is_read_by_the_dictionary():
    hints = term_hints("Заяву Прем’єр-міністра прочитав В’ячеслав Квітці-Основ’яненку.")
    assert "Прем’єр-міністра" not in hints  # an ordinary noun, not a name to transliterate
    assert hints["Квітці-Основ’яненку"] == "Kvitka-Osnovianenko" and hints["В’ячеслав"] == "Viacheslav"
