"""The grounding guard on hand-written drafts over real retrieved passages."""

import pytest

from assistant.guard import Guard, split_claims


@pytest.fixture(scope="module")
def passages(corpus_bot):
    question = "When was the AI Safety Institute established and who chairs the AI PT?"
    return corpus_bot.retriever.retrieve(question, 5).passages


@pytest.fixture(scope="module")
def guard(corpus_bot):
    return Guard(
        lambda texts: corpus_bot.index.embedder.encode(texts, query=True),
        corpus_bot.answerer.unit_vectors,
        min_overlap=0.85,
        min_similarity=0.8,  # the cross-language path's mechanics, not the shipped threshold
    )


def marker_of(passages, needle):
    return next(i for i, p in enumerate(passages, 1) if needle in p.chunk.text)


def assert_verbatim(corpus_bot, guarded):
    for c in guarded.citations:
        assert corpus_bot.index.document_text(c.doc_id)[c.start : c.end] == c.quote


def test_split_claims_handles_markers_and_japanese():
    claims = split_claims("It opened in 2024 [1]. 日本は法律を作った。[2] Two sources [1, 3].")
    assert claims == [
        ("It opened in 2024.", [1]),
        ("日本は法律を作った。", [2]),
        ("Two sources.", [1, 3]),
    ]


def test_supported_sentence_is_kept_and_quoted_verbatim(corpus_bot, guard, passages):
    n = marker_of(passages, "February 14, 2024")
    draft = f"The IPA established the AI Safety Institute on February 14, 2024 [{n}]."
    guarded = guard.check(draft, passages)
    assert not guarded.removed and len(guarded.citations) == 1
    assert "February 14, 2024" in guarded.citations[0].quote
    assert guarded.answer.endswith(". [1]")
    assert_verbatim(corpus_bot, guarded)


def test_invented_sentence_is_dropped_and_answer_abstains(guard, passages):
    n = marker_of(passages, "February 14, 2024")
    draft = f"The AI Safety Institute has a staff of 450 engineers in Osaka [{n}]."
    guarded = guard.check(draft, passages)
    assert guarded.abstained and guarded.answer == ""
    assert any("does not support" in r.reason for r in guarded.removed)


def test_wrong_date_is_not_supported(guard, passages):
    n = marker_of(passages, "February 14, 2024")
    guarded = guard.check(
        f"The AI Safety Institute was established on March 3, 2021 [{n}].", passages
    )
    assert guarded.abstained


def test_marker_out_of_range_is_removed_and_renumbered(corpus_bot, guard, passages):
    n = marker_of(passages, "Masaaki Taira")
    draft = (
        f"The AI PT is chaired by Masaaki Taira [{n}][9]. Tokyo banned all AI research in 2020 [1]."
    )
    guarded = guard.check(draft, passages)
    assert guarded.answer == "The AI PT is chaired by Masaaki Taira. [1]"
    assert [c.marker for c in guarded.citations] == [1]
    reasons = " ".join(r.reason for r in guarded.removed)
    assert "points at no source" in reasons and "sentence dropped" in reasons
    assert_verbatim(corpus_bot, guarded)


def test_wrong_marker_is_moved_to_the_supporting_source(corpus_bot, guard, passages):
    right = marker_of(passages, "Masaaki Taira")
    wrong = next(
        i
        for i in range(1, len(passages) + 1)
        if i != right and "Masaaki Taira" not in passages[i - 1].chunk.text
    )
    guarded = guard.check(f"The AI PT is chaired by Masaaki Taira [{wrong}].", passages)
    assert len(guarded.citations) == 1 and "Masaaki Taira" in guarded.citations[0].quote
    assert any("moved" in r.reason for r in guarded.removed)
    assert_verbatim(corpus_bot, guarded)


def test_japanese_sentence_is_checked_against_english_source(corpus_bot, guard, passages):
    n = marker_of(passages, "February 14, 2024")
    supported = guard.check(
        f"AIセーフティ・インスティテュートは2024年2月14日に設立されました[{n}]。", passages
    )
    assert len(supported.citations) == 1
    invented = guard.check(
        f"AIセーフティ・インスティテュートは2019年に廃止されました[{n}]。", passages
    )
    assert invented.abstained


def test_uncited_sentences_and_questions_are_dropped(guard, passages):
    n = marker_of(passages, "Masaaki Taira")
    guarded = guard.check(
        "The AI PT is chaired by Masaaki Taira. "
        f"Question: who chairs the AI PT? [{n}] The AI PT is chaired by Masaaki Taira [{n}].",
        passages,
    )
    reasons = [r.reason for r in guarded.removed]
    assert "sentence dropped: no citation" in reasons
    assert "sentence dropped: a question, not a claim" in reasons
    assert guarded.answer == "The AI PT is chaired by Masaaki Taira. [1]"


def test_swapped_subject_is_not_supported(guard, passages):
    n = marker_of(passages, "Masaaki Taira")
    assert guard.check(f"The Japanese government chairs the AI PT [{n}].", passages).abstained


def test_eval_scores_the_draft_before_the_guard(corpus_bot, guard, passages):
    from assistant.evaluation import _draft_faithfulness
    from assistant.schema import Answer

    n = marker_of(passages, "Masaaki Taira")
    draft = f"The AI PT is chaired by Masaaki Taira [{n}]. The AI PT is a charity in Osaka [{n}]."
    answer = Answer("q", "", False, guard={"draft": draft, "removed": []}, passages=passages)
    assert _draft_faithfulness(answer) == (2, 1)
    assert _draft_faithfulness(Answer("q", "x", False)) == (0, 0)
