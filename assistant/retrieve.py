"""Hybrid retrieval: dense (Chroma) and keyword (BM25) candidates fused by reciprocal rank."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .index import Index
from .schema import Chunk, Passage


@dataclass(frozen=True)
class Retrieval:
    """The passages for one question, best first, with the question's embedding."""

    passages: list[Passage]
    query_vector: np.ndarray


def reciprocal_rank_fusion(rankings: list[list[str]], *, k: int = 60) -> dict[str, float]:
    """Fuse ranked id lists: each id scores sum(1 / (k + rank)), rank starting at 1.

    >>> fused = reciprocal_rank_fusion([["a", "b"], ["b", "c"]], k=60)
    >>> max(fused, key=fused.get)
    'b'
    """
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores


class Retriever:
    """Retrieve passages from an `Index` with dense, keyword or hybrid search."""

    def __init__(self, index: Index, *, candidates: int, rrf_k: int, mode: str = "hybrid") -> None:
        if mode not in {"hybrid", "dense", "keyword"}:
            raise ValueError(f"unknown retrieval mode '{mode}'")
        self.index = index
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.mode = mode

    def retrieve(self, question: str, k: int) -> Retrieval:
        vector = self.index.embedder.encode([question], query=True)[0]
        dense: list[tuple[Chunk, float]] = []
        keyword: list[tuple[Chunk, float]] = []
        if self.mode in {"hybrid", "dense"}:
            dense = self.index.dense_search(vector.tolist(), self.candidates)
        if self.mode in {"hybrid", "keyword"}:
            keyword = self.index.keyword.search(question, self.candidates)

        dense_rank = {c.chunk_id: r for r, (c, _) in enumerate(dense, start=1)}
        keyword_rank = {c.chunk_id: r for r, (c, _) in enumerate(keyword, start=1)}
        similarity = {c.chunk_id: s for c, s in dense}
        chunks = {c.chunk_id: c for c, _ in dense + keyword}
        fused = reciprocal_rank_fusion([list(dense_rank), list(keyword_rank)], k=self.rrf_k)
        ranked = sorted(fused, key=lambda cid: (-fused[cid], cid))[:k]
        titles = {d: rec["title"] for d, rec in self.index.documents.items()}
        passages = [
            Passage(
                chunk=chunks[cid],
                title=titles.get(chunks[cid].doc_id, chunks[cid].doc_id),
                score=fused[cid],
                dense_rank=dense_rank.get(cid),
                keyword_rank=keyword_rank.get(cid),
                dense_similarity=similarity.get(cid),
            )
            for cid in ranked
        ]
        return Retrieval(passages=passages, query_vector=vector)
