import pytest

from rag import answerability as A
from rag.errors import LLMError
from rag.types import Evidence, make_quote

TEXT = "Депутати виділили 5 млн грн на ремонт школи. Роботи почнуться влітку."
EVIDENCE = [Evidence(make_quote("a.txt", TEXT, 0, 44), "T", 0.7), Evidence(make_quote("a.txt", TEXT, 45, 69), "T", 0.6)]
QUESTION = "How much did the deputies allocate for the school?"
UNSURE, SURE = A.Decision(True, 0.3), A.Decision(True, 0.9)


def reading(reply):
    asked = []

    def read(messages):
        asked.append(messages)
        if isinstance(reply, Exception):
            raise reply
        return reply

    return read, asked


@pytest.mark.parametrize("reply, answerable", [("NONE", False), ("None.", False), ("на ремонт школи", False),
                                               ("5 млн грн", True), ("five million", False), ("Ні", False)])
def test_an_unsure_decision_stands_only_if_the_reader_finds_the_asked_item(reply, answerable):
    read, asked = reading(reply)
    decision = A.confirm(QUESTION, EVIDENCE, UNSURE, read, below=0.4)
    assert decision.answerable is answerable and len(asked) == 1
    assert decision.reason == ("" if answerable else "the language model found no answer in the closest passages")
    assert "Роботи почнуться влітку." in asked[0][-1].content and QUESTION in asked[0][-1].content


@pytest.mark.parametrize("question, reply, answerable", [
    ("Why will the works start?", "на ремонт школи", True),  # no checkable kind: any reply but NONE counts
    ("How much did the deputies allocate for 5 schools?", "5", False),  # the question's own number
    ("When did the deputies allocate 5 млн грн?", "влітку", False),  # a copy, but no date
])
def test_a_copy_counts_only_where_it_holds_an_item_the_question_does_not_give(question, reply, answerable):
    read, _ = reading(reply)
    assert A.confirm(question, EVIDENCE, UNSURE, read, below=0.4).answerable is answerable


@pytest.mark.parametrize("reply, answerable", [
    ("Приклад: Депутати виділили", True),  # the passage's opening words echoed back: the reader picked nothing
    ("Депутати виділили...", True),
    ("Роботи почнуться влітку", False),  # a copy from further in, without the asked item
    ("Депутати", False),  # too short to tell an echo from a choice
])
def test_a_reader_that_echoes_the_opening_of_its_passage_leaves_the_decision(reply, answerable):
    read, _ = reading(reply)
    assert A.confirm(QUESTION, EVIDENCE, UNSURE, read, below=0.4).answerable is answerable


def test_a_sure_decision_is_read_when_no_best_sentence_holds_the_asked_kind():
    lacking = A.Decision(True, 0.9, signals={"type_needed": 1.0, "type_top1": 0.0, "type_top3": 0.0})
    holding = A.Decision(True, 0.9, signals={"type_needed": 1.0, "type_top1": 0.0, "type_top3": 1.0})
    assert A.needs_reader(lacking, 0.4) and not A.needs_reader(holding, 0.4)
    assert not A.needs_reader(lacking, 0.0)  # RAG_READER_BELOW=0 turns the reader off
    read, _ = reading("NONE")
    assert not A.confirm(QUESTION, EVIDENCE, lacking, read, below=0.4).answerable


def test_a_sure_or_negative_decision_is_not_read_and_a_failing_llm_changes_nothing():
    read, asked = reading("NONE")
    assert A.confirm(QUESTION, EVIDENCE, SURE, read, below=0.4) == SURE
    no = A.Decision(False, 0.1, "no passage is close enough to the question")
    assert A.confirm(QUESTION, EVIDENCE, no, read, below=0.4) == no
    assert A.confirm(QUESTION, EVIDENCE, UNSURE, read, below=0.0) == UNSURE
    assert asked == []
    failing, _ = reading(LLMError("down"))
    assert A.confirm(QUESTION, EVIDENCE, UNSURE, failing, below=0.4) == UNSURE
    silent, asked = reading("  ")
    assert A.confirm(QUESTION, EVIDENCE, UNSURE, silent, below=0.4) == UNSURE and len(asked) == 1
    assert A.confirm(QUESTION, [], UNSURE, silent, below=0.4) == UNSURE and len(asked) == 1


@pytest.mark.parametrize("name, body, absent", [
    ("Франції", "Умєров говорив з міністром оборони Японії.", True),  # a Ukrainian country name, inflected
    ("Франції", "Умєров говорив з французьким колегою.", False),
    ("France", "Умєров говорив з міністром оборони Японії.", True),
    ("Умєров", "Міністр оборони Японії.", False),  # not a country: the name check's business, not this one's
])
def test_a_country_the_question_names_is_read_in_either_language(name, body, absent):
    from rag.coverage import Entity

    assert A._gazetteer_absent(Entity(name, "name"), [body]) is absent


def test_a_best_sentence_about_another_quoted_body_counts_against_answering_and_says_so():
    question = "Яку ціну запропонувало ТОВ «Альфа-Буд» на тендері?"
    rival = "Тендер виграло ТОВ «Бета-Шлях» з ціною 64 млн грн."
    same = "ТОВ «Альфа-Буд» запропонувало 70 млн грн."
    values = [A.signals(question, [Evidence(make_quote("a.txt", t, 0, len(t)), "T", 0.7)], [], {}, {})[0]["rival1"]
              for t in (rival, same)]
    assert values == [1.0, 0.0]
    model = A.default_model()
    assert model.contributions({**{f: 0.0 for f in A.FEATURES}, "rival1": 1.0})["rival1"] < 0
    reason = A.reason(question, {f: 0.0 for f in A.FEATURES} | {"rival1": 1.0, "type_top3": 1.0}, [], model)
    assert reason == "the closest passage is about another body than «Альфа-Буд»"


def test_a_sum_answers_a_question_that_names_a_kind_of_money_only_if_it_is_of_that_kind():
    question = "Яку заробітну плату отримує директор?"
    income = "Директор задекларував дохід 1,5 млн грн."
    salary = "Зарплата директора становить 30 тис. грн."
    assert not A.type_satisfied("money", income, question) and A.type_satisfied("money", salary, question)
    assert A.type_satisfied("money", income, "Скільки заробив директор?")  # no kind of money named
    # the reader's copy is a sum alone: the kind is read from the passage, not from the copy
    ev = [Evidence(make_quote("a.txt", salary, 0, len(salary)), "T", 0.7)]
    assert A.reader_found(question, ev, "30 тис. грн")


def test_an_age_or_a_term_in_years_is_no_count_of_things_but_answers_how_old():
    age = "На свято прийшла мама 5-річної дитини."
    assert not A.type_satisfied("count", age, "Скільки дітей прийшло на свято?")
    assert A.type_satisfied(A.asked_type("How old is the child?"), age, "How old is the child?")
    assert A.type_satisfied("count", "На свято прийшли 40 дітей.", "Скільки дітей прийшло на свято?")


def test_a_measure_is_answered_by_a_number_with_its_unit_not_by_another_number():
    question = "What is the area in hectares of the new landfill?"
    assert A.asked_type(question) == "area"
    assert not A.type_satisfied("area", "Полігон збудують за 96,4 млн грн до 2020 року, на ньому працюватимуть 40 людей.", question)
    assert A.type_satisfied("area", "Площа полігону — 12,5 га.", question)
    assert A.asked_type("Скільки тонн відходів приймає полігон?") == "mass"
    assert A.type_satisfied("mass", "Полігон приймає 200 тис. тонн відходів на рік.", "Скільки тонн відходів приймає полігон?")
    # a place called an area, or a measure the question only describes, asks no measure
    assert A.asked_type("In what area of the city was he born?") != "area"
    assert A.asked_type("Who owns the house of 824 square metres?") == "person"


def test_the_asked_kind_is_read_in_the_best_sentence_and_in_the_best_two():
    restating = "Управління уклало угоди з ПП «Курорти» на послуги лікування."
    answering = "Вартість угод складає 0,46 млн грн."
    other = "Роботи почнуться влітку."
    question = "What was the total value of the deals with Kurorty?"

    def typed(*texts):
        evidence = [Evidence(make_quote("a.txt", t, 0, len(t)), "T", 0.7 - i / 10) for i, t in enumerate(texts)]
        values = A.signals(question, evidence, [], {}, {})[0]
        return values["type_top1"], values["type_top2"], values["type_top3"]

    assert typed(restating, answering, other) == (0.0, 1.0, 1.0)
    assert typed(restating, other, answering) == (0.0, 0.0, 1.0)
    assert typed(answering, restating, other) == (1.0, 1.0, 1.0)


def test_why_asks_for_a_reason_that_the_selection_weighs_but_the_decision_does_not_require():
    question = "Чому суд розірвав договір?"
    assert A.asked_type(question) == "reason" and A.asked_type("What reason did the firm give?") == "reason"
    # a later "why" does not override the first ask; "чому" as the dative of "що" asks no reason
    assert A.asked_type("Who explained why the plant closed?") == "person"
    assert A.asked_type("Хто пояснив, чому закрили завод?") == "person"
    assert A.asked_type("Скільки і чому заплатили за ремонт?") == "money"
    assert A.asked_type("Чому дорівнює вартість контракту?") == ""
    # the question's own cause word in a sentence that restates it gives no reason
    assert not A.type_satisfied("reason", "Причина пожежі досі невідома.", "Яка причина пожежі?")
    assert A.type_satisfied("reason", "Причиною пожежі стала іскра від генератора.", "Чому сталася пожежа?")
    assert A.type_satisfied("reason", "Договір розірвали, оскільки фірма не оплатила частку.", question)
    assert not A.type_satisfied("reason", "Суд розірвав договір два роки тому.", question)
    assert not A.type_satisfied("reason", "Біль повторюється через 6-48 годин.", question)
    # a reason given without a causal word is common: its absence counts nothing against answering
    restating = "Суд розірвав договір у жовтні."
    evidence = [Evidence(make_quote("a.txt", restating, 0, len(restating)), "T", 0.7)]
    values = A.signals(question, evidence, [], {}, {})[0]
    assert values["type_needed"] == 0.0
    assert A.reader_found(question, evidence, "у жовтні")


def test_an_ordinary_adjective_opening_a_bodys_name_counts_only_where_the_text_writes_it():
    from rag.coverage import question_entities
    from rag.names import TextIndex

    entity = question_entities("Що розробила Державна міграційна служба?")[0]
    assert entity.text == "Державна"
    without = "Міграційною службою створено процедури. ДМС їх затвердила."
    assert A.entity_score(entity, without, TextIndex.of([without])) is None  # says nothing either way
    written = "Державна міграційна служба створила процедури."
    assert A.entity_score(entity, written, TextIndex.of([written])) == 1.0
    surname = question_entities("Що сказав Тарута?")[0]  # a surname is read as a name, present or not
    assert A.entity_score(surname, without, TextIndex.of([without])) == 0.0


def test_a_toponyms_adjective_is_still_read_as_the_place_it_names():
    from rag.coverage import question_entities
    from rag.names import TextIndex

    entity = [e for e in question_entities("Хто оскаржив тендери Служби доріг в Одеській області?") if e.text == "Одеській"][0]
    elsewhere = "Служба доріг у Херсонській області скасувала тендер."
    assert A.entity_score(entity, elsewhere, TextIndex.of([elsewhere])) == 0.0


def test_a_surname_that_is_also_an_adjective_is_still_a_name():
    from rag.coverage import question_entities
    from rag.names import TextIndex

    text = "Засідання відбулося у вівторок."
    for question in ("Коли Годований приїхав до села?", "Що сказав Руслан Годований про прапор?",
                     "Що пообіцяв Годований виборцям?", "Що означає «Приватний рів» у колонці?",
                     "Що означає „Приватний рів“ у колонці?"):
        entity = question_entities(question)[0]
        assert A.entity_score(entity, text, TextIndex.of([text])) == 0.0, question


def test_words_with_a_typographic_apostrophe_are_read_by_the_dictionary():
    assert A._numeral("п’ять") and A._numeral("дев’ятеро")
    assert A._counts_things("Скільки об’єктів збудували?")


def test_a_question_of_two_asks_is_typed_by_an_answer_to_either():
    text = "Колегія визнала вимогу мати асфальтовий завод поруч дискримінаційною."
    evidence = [Evidence(make_quote("a.txt", text, 0, len(text)), "T", 0.7)]
    one = "What fine did the committee impose on the firm?"
    two = one[:-1] + ", and how did the board judge the requirement to have an asphalt plant nearby?"
    assert A.signals(one, evidence, [], {}, {})[0]["type_top1"] == 0.0
    assert A.signals(two, evidence, [], {}, {})[0]["type_top1"] == 1.0


@pytest.mark.parametrize("question, kinds", [("Where and when did it happen?", {"date"}),
                                             ("Де і коли відбувся суд?", {"date"}),
                                             ("Скільки й коли заплатили підряднику?", {"money"}),
                                             ("Скільки отримав Іванов як депутат і як голова комісії?", {"amount"}),
                                             ("How much did the city pay the firm, and when did it sign the deal?", {"money", "date"})])
def test_paired_interrogatives_are_one_ask_and_the_whole_questions_kind_always_counts(question, kinds):
    assert A.decisive_kinds(question) == kinds
