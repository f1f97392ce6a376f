"""Retrieval: passage and sentence search over a real Chroma index, fused with keywords."""

from __future__ import annotations

import pytest

from assistant.retrieve import Retriever, reciprocal_rank_fusion

from .conftest import write

FILLER = [
    "The committee met in the spring to review its annual budget and staffing plan.",
    "Members discussed the timetable for public comments on several unrelated matters.",
    "A working group reported on the renovation of the ministry's archive building.",
    "Travel expenses for the regional offices were approved without amendment.",
    "The secretariat circulated minutes of the previous session to all members.",
]
NEEDLE = "The fisheries agency licenses drones that count salmon in northern rivers."


@pytest.fixture
def needle_bot(fresh_bot, tmp_path):
    """A document whose one relevant sentence sits inside a long passage of routine business."""
    paragraph = " ".join(FILLER[:3] + [NEEDLE] + FILLER[3:])
    others = [" ".join(FILLER[i:] + FILLER[:i]) for i in range(1, 4)]
    write(tmp_path / "docs" / "minutes.txt", "Minutes\n\n" + "\n\n".join([paragraph, *others]))
    fresh_bot.ingest([tmp_path / "docs"])
    return fresh_bot


def test_weights_decide_between_rankings():
    rankings = [["a", "b"], ["b", "a"]]
    assert reciprocal_rank_fusion(rankings)["a"] == reciprocal_rank_fusion(rankings)["b"]
    weighted = reciprocal_rank_fusion(rankings, weights=[1.0, 0.5])
    assert weighted["a"] > weighted["b"]


def test_a_passage_is_ranked_by_its_best_sentence(needle_bot):
    index = needle_bot.index
    question = index.embedder.encode(["Who licenses drones to count salmon?"], query=True)[0]
    by_sentence = index.unit_search(question.tolist(), 10)
    by_passage = dict((c.chunk_id, s) for c, s in index.dense_search(question.tolist(), 10))

    ids = [c.chunk_id for c, _ in by_sentence]
    assert len(ids) == len(set(ids)) == len(index.chunks)  # one entry per chunk
    scores = [s for _, s in by_sentence]
    assert scores == sorted(scores, reverse=True)
    best, score = by_sentence[0]
    assert NEEDLE in best.text
    # the one sentence answers the question more closely than its passage as a whole
    assert score > by_passage[best.chunk_id]


def test_sentence_search_is_a_third_ranking_sharing_the_dense_vote(needle_bot):
    question = "Who licenses drones to count salmon?"
    vector = needle_bot.index.embedder.encode([question], query=True)[0]
    on = Retriever(needle_bot.index, candidates=10, rrf_k=60)._candidates(question, vector)
    off = Retriever(needle_bot.index, candidates=10, rrf_k=60, sentences=False)._candidates(
        question, vector
    )
    assert on.sentences and NEEDLE in on.sentences[0][0].text
    assert on.weights() == [0.5, 0.5, 1.0]
    assert off.sentences == [] and off.weights() == [1.0, 1.0, 1.0]
    assert off.dense == on.dense and off.keyword == on.keyword

    passages = Retriever(needle_bot.index, candidates=10, rrf_k=60).retrieve(question, 1).passages
    assert NEEDLE in passages[0].chunk.text and passages[0].sentence_rank == 1


def test_keyword_mode_skips_both_dense_searches(needle_bot):
    retriever = Retriever(needle_bot.index, candidates=10, rrf_k=60, mode="keyword")
    question = "salmon drones"
    found = retriever._candidates(question, needle_bot.index.embedder.encode([question])[0])
    assert found.dense == [] and found.sentences == [] and found.keyword
