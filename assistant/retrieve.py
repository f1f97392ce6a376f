"""Hybrid retrieval: dense (Chroma) and keyword (BM25) candidates fused by reciprocal rank."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .index import Index
from .schema import Chunk, Passage


@dataclass(frozen=True)
class Retrieval:
    """The passages for one question, best first, with the question's embedding; for a
    message that asks several questions, each part with its own embedding."""

    passages: list[Passage]
    query_vector: np.ndarray
    parts: list[tuple[str, np.ndarray]] = field(default_factory=list)


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

    def retrieve(self, question: str, k: int, parts: Sequence[str] = ()) -> Retrieval:
        """The `k` best passages for `question`. With `parts` (the questions a message asks,
        see `decompose`), every part is searched as well, all rankings are fused, and the best
        passage of each part is kept among the `k` even when the whole message ranks it lower."""
        queries = [question, *parts] if len(parts) > 1 else [question]
        vectors = self.index.embedder.encode(queries, query=True)
        rankings = [self._rankings(q, v) for q, v in zip(queries, vectors, strict=True)]
        chunks: dict[str, Chunk] = {}
        for dense, keyword in rankings:
            chunks.update((c.chunk_id, c) for c, _ in dense + keyword)
        lists = [[c.chunk_id for c, _ in ranking] for pair in rankings for ranking in pair]
        fused = reciprocal_rank_fusion(lists, k=self.rrf_k)
        ranked = sorted(fused, key=lambda cid: (-fused[cid], cid))
        chosen: list[str] = []
        for dense, keyword in rankings[1:]:
            own = reciprocal_rank_fusion(
                [[c.chunk_id for c, _ in dense], [c.chunk_id for c, _ in keyword]], k=self.rrf_k
            )
            best = min(own, key=lambda cid: (-own[cid], cid), default=None)
            if best is not None and best not in chosen:
                chosen.append(best)
        chosen = chosen[:k]
        chosen += [cid for cid in ranked if cid not in chosen][: k - len(chosen)]
        chosen.sort(key=lambda cid: (-fused[cid], cid))

        dense, keyword = rankings[0]
        dense_rank = {c.chunk_id: r for r, (c, _) in enumerate(dense, start=1)}
        keyword_rank = {c.chunk_id: r for r, (c, _) in enumerate(keyword, start=1)}
        similarity = {c.chunk_id: s for c, s in dense}
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
            for cid in chosen
        ]
        return Retrieval(
            passages=passages,
            query_vector=vectors[0],
            parts=list(zip(queries[1:], vectors[1:], strict=True)),
        )

    def _rankings(
        self, query: str, vector: np.ndarray
    ) -> tuple[list[tuple[Chunk, float]], list[tuple[Chunk, float]]]:
        """The dense and keyword candidates for one query (empty for a mode that skips one)."""
        dense: list[tuple[Chunk, float]] = []
        keyword: list[tuple[Chunk, float]] = []
        if self.mode in {"hybrid", "dense"}:
            dense = self.index.dense_search(vector.tolist(), self.candidates)
        if self.mode in {"hybrid", "keyword"}:
            keyword = self.index.keyword.search(query, self.candidates)
        return dense, keyword
