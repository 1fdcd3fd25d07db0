from rag.decompose import part_asks, question_parts


def test_a_question_joining_two_asks_about_different_names_splits_at_the_join():
    q = ("How much did the state airline Ukraine pay Garant-Service for catering, "
         "and how much did the South-Western Railway commit to Sedna S?")
    assert question_parts(q) == ["How much did the state airline Ukraine pay Garant-Service for catering",
                                 "how much did the South-Western Railway commit to Sedna S?"]
    uk = "Хто очолює дочірню компанію «Укртранснафта» і який колишній заступник заснував ТОВ «ЦНТІ»?"
    assert len(question_parts(uk)) == 2


def test_names_joined_in_one_ask_and_short_sides_stay_whole():
    for q in ("What did Austin and Umerov discuss?",
              "Що обговорили Умєров і Остін у Вашингтоні?",
              "How much did the city spend on roads and schools in Lviv?",
              "When did Kyiv and Lviv sign it?"):
        assert question_parts(q) == [q]


def test_each_part_keeps_the_whole_questions_ask_without_the_other_parts_names():
    q = "Which MPs are linked to the firm that won the Olympic Committee contract and Kryvyi Rih's voucher contract?"
    parts = question_parts(q)
    assert len(parts) == 2
    first, second = part_asks(q, parts)
    assert "Kryvyi Rih" not in first and "Olympic Committee" in first and first.startswith("Which MPs")
    assert "Olympic Committee" not in second and "Kryvyi Rih" in second and second.startswith("Which MPs")
