import pytest

from rag.coverage import missing_entities, question_entities, without_entities

TEXT = ("Міністр оборони України Рустем Умєров мав у Вашингтоні зустріч із американським колегою "
        "Ллойдом Остіном. Прем’єр-міністр Японії Фуміо Кісіда закликав Штати до підтримки. "
        "Україна отримала F-16 у 2024 році.")


@pytest.mark.parametrize("question", [
    "What did Austin and Umerov discuss?",
    "What did Umerov discuss in Washington?",
    "What did Japanese Prime Minister Kishida say?",
    "Що Умєров обговорив з Остіном?",
    "What happened with the F-16 in 2024?",
])
def test_names_are_found_across_scripts_and_inflections(question):
    assert missing_entities(question, [TEXT]) == []


@pytest.mark.parametrize("question,missing", [
    ("What did Umerov discuss with the French defence minister?", ["French"]),
    ("When will Ukraine receive F-35 jets?", ["F-35"]),
    ("What did Stoltenberg say?", ["Stoltenberg"]),
    ("Що Умєров обговорив з міністром оборони Франції?", ["Франції"]),
])
def test_names_absent_from_the_text_are_reported(question, missing):
    assert missing_entities(question, [TEXT]) == missing


def test_question_words_and_titles_are_not_entities():
    assert [e.text for e in question_entities("Who is the Prime Minister of Japan?")] == ["Japan"]


def test_only_articles_naming_the_questions_entities_may_answer_it():
    from rag.coverage import entity_support

    bodies = {"a.txt": "Міністр оборони Польщі заявив про танки.", "b.txt": "Умєров розповів про танки.",
              "c.txt": "Погода у Львові."}
    assert entity_support("What did the Polish defence minister say about tanks?", bodies) == ({"a.txt"}, [])
    assert entity_support("What did the Polish defence minister say about tanks?", {"b.txt": bodies["b.txt"]}) == \
        (set(), ["Polish"])
    assert entity_support("what about tanks?", bodies) == (set(bodies), [])


@pytest.mark.parametrize("question,text", [
    ("Скільки нагород отримала співачка на 57-му Греммі?", "На 57-й церемонії Греммі вона отримала три нагороди."),
    ("Хто грав у команді з 1916 по 1920 рік?", "Він грав у 1916-1920 роках."),
    ("Скільки платівок продала Beyonce?", "Бейонсе продала 100 мільйонів платівок."),
])
def test_inflected_numbers_ranges_and_soft_c_are_mentioned(question, text):
    assert missing_entities(question, [text]) == []


def test_a_number_is_not_mentioned_inside_another():
    assert missing_entities("What happened in 1920?", ["It happened in 19201 or 920."]) == ["1920"]


def test_an_opening_word_counts_only_where_the_texts_name_it():
    from rag.coverage import entity_support

    texts = ["Загалом Умєров обговорив ППО."]
    assert missing_entities("Замість чого обговорили ППО?", texts) == []
    assert missing_entities("Умєров і Шмигаль: що обговорили?", texts) == ["Шмигаль"]
    assert [e.initial for e in question_entities("Умєров і Остін: що обговорили?")] == [True, False]
    bodies = {"a.txt": "Умєров обговорив ППО.", "b.txt": "Остін обговорив ППО."}
    assert entity_support("Умєров що обговорив?", bodies) == ({"a.txt"}, [])


def test_without_entities_cuts_names_possessives_and_runs_but_keeps_the_rest():
    question = "What did Japan's minister tell Lloyd Austin about the F-16?"
    assert without_entities(question, question_entities(question)) == "What did minister tell about the ?"
    assert without_entities("Що Умєров сказав?", []) == "Що Умєров сказав?"
    # a name inside a longer word is not cut
    assert without_entities("Umerovsky met Umerov", [e for e in question_entities("Umerov")]) == "Umerovsky met"


def test_an_abbreviation_is_mentioned_where_the_text_writes_it_out():
    text = ["Ще раз наголосив, що протиповітряна оборона є одним з ключових елементів."]
    assert missing_entities("А що він сказав про ППО?", text) == []
    assert missing_entities("Що він сказав про ЗСУ?", text) == ["ЗСУ"]
    assert missing_entities("Що сказали про ЗСУ?", ["Збройних сил України"]) == []


def test_an_abbreviated_topic_stays_in_the_question_but_an_abbreviated_name_is_cut():
    question = "Що НАТО сказало про ППО?"
    assert without_entities(question, question_entities(question)) == "Що сказало про ППО?"
