"""The answering checks and the learned answerability judgment: one interface, switchable in
settings, traced in the answer, and behaving alike on rewordings of one question."""

from __future__ import annotations

import numpy as np
import pytest

from assistant import Assistant
from assistant.answerability import FEATURES, Judgment, fit
from assistant.checks import CHECK_NAMES, UNIT_CHECKS, active, refusal
from assistant.errors import InputError
from assistant.settings import Settings

from .test_answer import assert_verbatim

DATED = "The institute was set up on 14 February 2024 by the agency."
UNDATED = "The institute develops evaluation methods for AI safety."


def test_every_check_has_one_interface_and_a_name_settings_accept():
    for check in UNIT_CHECKS:
        assert check.name in CHECK_NAMES
        for method in ("applies", "admits", "reason"):
            assert callable(getattr(check, method))
    assert Settings(checks_off="kinds, premise").checks_off == {"kinds", "premise"}
    assert Settings(checks_off=["scope"]).checks_off == {"scope"}
    with pytest.raises(InputError, match="unknown check"):
        Settings().with_overrides(checks_off="kinds,nonsense")


def test_checks_off_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("ASSISTANT_CHECKS_OFF", "premise,glossary")
    assert Settings().checks_off == {"premise", "glossary"}


@pytest.mark.parametrize(
    "question",
    [
        "When did the agency set up its safety institute?",
        "what date was the safety institute founded",
        "In which year did the safety institute open?",
        "安全研究所はいつ設立されましたか？",
    ],
)
def test_rewordings_asking_for_a_date_need_a_unit_with_a_date(question):
    checks = active(question)
    assert [c.name for c in checks] == ["kinds"]
    assert refusal(checks, question, DATED) is None
    assert refusal(checks, question, UNDATED) == "kinds"
    assert active(question, off={"kinds"}) == ()


@pytest.mark.parametrize(
    "question",
    [
        "What happens when a company breaks the code of conduct?",
        "What did the budget for the strategy fund?",
        "Which of a number of guidelines did the ministries release?",
    ],
)
def test_a_value_word_that_is_not_the_question_word_asks_for_no_value(question):
    assert active(question) == ()


@pytest.mark.parametrize(
    "question",
    [
        "Why did Japan ban the chatbot?",
        "What was the reason the government prohibited the chatbot?",
        "why has japan banned the chatbot",
        "日本がそのチャットボットを禁止した理由は？",
    ],
)
def test_rewordings_that_assume_a_ban_need_a_unit_stating_it(question):
    checks = active(question)
    assert [c.name for c in checks] == ["premise"]
    assert refusal(checks, question, "Japan has no specific restrictions on its use.") == "premise"
    assert refusal(checks, question, "Japan banned the chatbot in May.") is None


@pytest.mark.parametrize(
    "question",
    [
        "Is the chatbot banned in Japan?",
        "Did Japan prohibit the chatbot?",
        "そのチャットボットは禁止されていますか？",
    ],
)
def test_asking_whether_assumes_nothing(question):
    assert active(question) == ()


@pytest.mark.parametrize(
    "question",
    [
        "When was the AI Safety Institute established?",
        "what date was the AI Safety Institute founded",
        "In which year did the IPA set up the AI Safety Institute?",
        "AIセーフティ・インスティテュートが設立されたのはいつですか？",
    ],
)
def test_rewordings_of_an_answerable_question_are_answered_alike(corpus_bot, question):
    answer = corpus_bot.ask(question)
    assert not answer.abstained
    assert "February 14, 2024" in answer.citations[0].quote
    assert answer.decision["by"] in {"threshold", "answerability"}
    assert_verbatim(corpus_bot, answer)


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Why did Japan ban DeepSeek?", "en"),
        ("What was the reason Japan prohibited DeepSeek?", "en"),
        ("日本がDeepSeekを禁止した理由は？", "ja"),
    ],
)
def test_a_false_premise_is_refused_by_the_check_that_decided_in_the_question_language(
    corpus_bot, question, language
):
    answer = corpus_bot.ask(question)
    assert answer.abstained and answer.decision["by"] == "premise"
    japanese = any("\u3040" <= ch <= "\u30ff" for ch in answer.notice)
    assert japanese == (language == "ja")
    data = answer.to_json()
    assert data["decision"]["by"] == "premise" and data["notice"] == answer.notice


def test_switching_a_check_off_changes_what_decides(tmp_path, embedder, corpus_bot):
    question = "Why did Japan ban DeepSeek?"
    settings = corpus_bot.settings.with_overrides(checks_off="premise")
    bot = Assistant(settings, embedder=embedder)
    answer = bot.ask(question)
    assert answer.decision["by"] != "premise"
    assert all(e.refused_by is None for e in bot.evidence(question)[1][0][1])


def _judgment_on_score(threshold: float) -> Judgment:
    """A judgment that answers when the best evidence score is above about 0.5."""
    n = len(FEATURES)
    weights = (20.0,) + (0.0,) * (n - 1)
    return Judgment((0.0,) * n, (1.0,) * n, weights, -10.0, threshold)


def test_a_stored_judgment_decides_and_says_how_sure_it_was(embedder, corpus_bot):
    stored = _judgment_on_score(0.5).to_json()
    bot = Assistant(corpus_bot.settings.with_overrides(answerability=stored), embedder=embedder)
    answer = bot.ask("When was the AI Safety Institute established?")
    assert not answer.abstained and answer.decision["by"] == "answerability"
    assert answer.decision["probability"] >= answer.decision["threshold"] == 0.5
    strict = _judgment_on_score(0.9999).to_json()
    bot = Assistant(corpus_bot.settings.with_overrides(answerability=strict), embedder=embedder)
    refused = bot.ask("What does the interim report propose for AI governance?")
    assert refused.abstained and refused.decision["by"] == "answerability"
    assert refused.notice and refused.decision["reason"] == refused.notice
    off = Assistant(
        corpus_bot.settings.with_overrides(answerability=strict, checks_off="answerability"),
        embedder=embedder,
    )
    assert off.ask("When was the AI Safety Institute established?").decision["by"] == "threshold"


def test_judgments_fitted_on_other_signals_are_not_used():
    stored = _judgment_on_score(0.5).to_json()
    assert Judgment.from_json(stored) is not None
    assert Judgment.from_json({**stored, "features": ["other"]}) is None
    assert Judgment.from_json(None) is None


def test_fitting_learns_the_threshold_and_the_weights_from_data():
    rng = np.random.default_rng(0)
    n = 120
    labels = rng.integers(0, 2, n)
    rows = rng.normal(0.0, 1.0, (n, len(FEATURES)))
    rows[:, 0] += 1.5 * labels  # the first signal separates the classes, the rest is noise
    fitted = fit(rows, labels)
    assert fitted.judgment.weights[0] == max(fitted.judgment.weights, key=abs)
    assert fitted.cv_accuracy > 0.7
    assert fitted.rows == n and fitted.answerable == int(labels.sum())


@pytest.mark.parametrize(
    "question",
    [
        "Who leads the LDP's AI project team?",
        "who is in charge of the ldp ai project team",
        "誰がAI PTを率いていますか？",
    ],
)
def test_rewordings_of_who_heads_a_body_the_documents_name_a_head_for_are_answered(
    corpus_bot, question
):
    """The team is named in the question one way and in the answer by the abbreviation the
    document defines for it ("... Project Team on AI Evolution and Implementation (AI PT)")."""
    answer = corpus_bot.ask(question)
    assert not answer.abstained
    assert "Masaaki Taira" in answer.citations[0].quote
    assert_verbatim(corpus_bot, answer)


@pytest.mark.parametrize(
    "question",
    [
        "Who heads the AI Safety Institute?",
        "who chairs the ai policy study group",
        "AI戦略会議の議長は誰が務めていますか？",
    ],
)
def test_rewordings_of_who_heads_a_body_the_documents_name_no_head_for_abstain(
    corpus_bot, question
):
    answer = corpus_bot.ask(question)
    assert answer.abstained and not answer.citations
    assert answer.decision["by"] == "holder" and answer.notice


@pytest.mark.parametrize(
    ("question", "thing"),
    [
        ("What penalties does the Hiroshima code of conduct set for violations?", "penalties"),
        ("Which penalties does the Hiroshima AI Process code of conduct lay down?", "penalties"),
        ("広島AIプロセスの行動規範にはどのような罰則がありますか？", "罰則"),
    ],
)
def test_rewordings_asking_for_a_kind_of_thing_no_passage_mentions_abstain_naming_it(
    corpus_bot, question, thing
):
    answer = corpus_bot.ask(question)
    assert answer.abstained and answer.decision["by"] == "focus"
    assert thing in answer.notice


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("What has Canada decided on AI rules?", "Canada"),
        ("How does Germany regulate AI?", "Germany"),
        ("韓国のAI基本法は何を定めていますか？", "韓国"),
    ],
)
def test_rewordings_naming_a_country_the_corpus_never_mentions_abstain_naming_it(
    corpus_bot, question, name
):
    answer = corpus_bot.ask(question)
    assert answer.abstained and answer.decision["by"] == "scope"
    assert name in answer.notice


def test_a_false_premise_notice_quotes_what_the_documents_say_instead(corpus_bot):
    answer = corpus_bot.ask("Why did Japan ban DeepSeek?")
    assert answer.abstained and not answer.citations
    said = answer.notice.split("what they say: “", 1)[1].split("”", 1)[0]
    assert "DeepSeek" in said
    assert any(said in corpus_bot.index.document_text(d) for d in corpus_bot.documents())
