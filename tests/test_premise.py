"""Questions that assume a legal act are answered only by sentences stating that act."""

import pytest

from assistant.premise import assumed_acts, grants


def test_an_assumed_act_must_be_stated_and_not_negated():
    acts = assumed_acts("Why did the report impose sanctions on developers?")
    assert acts
    assert grants(acts, "The government would have the authority to impose fines.")
    assert not grants(acts, "It prefers existing laws instead of imposing new regulations.")
    assert not grants(acts, "It suggests a leadership body for information collection.")
    passed = assumed_acts("When did the Diet pass the AI bill?")
    assert not grants(passed, "The U.S. did not pass AI legislation.")
    assert grants(passed, "The Diet passed the bill in May.")


def test_acts_are_read_in_either_language():
    acts = assumed_acts("日本がDeepSeekの使用を禁止した時期はいつですか？")
    assert grants(acts, "Japan banned the app in 2025.")
    assert not grants(acts, "Japan has no specific restrictions on DeepSeek's use.")
    assert grants(assumed_acts("Why did Japan ban it?"), "日本はその利用を禁止した。")


def test_questions_that_assume_nothing_are_not_checked():
    assert assumed_acts("Which laws regulate the manipulation of information?") == ()
    assert assumed_acts("Is there a ban on DeepSeek?") == ()  # asks whether, assumes nothing
    assert grants((), "anything")


@pytest.mark.parametrize(
    "question",
    [
        "Why did Japan ban DeepSeek?",
        "日本政府はなぜDeepSeekの利用を禁止したのですか？",
        "What does the EU AI Act list as prohibited AI practices?",
    ],
)
def test_a_false_premise_about_a_ban_abstains(corpus_bot, question):
    answer = corpus_bot.ask(question)
    assert answer.abstained and not answer.citations


@pytest.mark.parametrize(
    "question",
    [
        "When was the Hiroshima AI Process Comprehensive Policy Framework adopted?",
        "広島AIプロセス包括的政策枠組みはいつ採択されましたか？",
    ],
)
def test_a_true_premise_is_answered_by_the_sentence_stating_it(corpus_bot, question):
    answer = corpus_bot.ask(question)
    assert not answer.abstained
    assert "adopted in April 2024" in answer.citations[0].quote


@pytest.mark.parametrize(
    "question",
    ["Is there a ban on DeepSeek's use in Japan?", "日本ではDeepSeekの利用は禁止されていますか？"],
)
def test_asking_whether_an_act_happened_is_answered_from_what_the_documents_say(
    corpus_bot, question
):
    answer = corpus_bot.ask(question)
    assert not answer.abstained
    assert any("no specific restrictions" in c.quote for c in answer.citations)
