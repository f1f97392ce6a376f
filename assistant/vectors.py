"""Chunks into stored vectors: each chunk's passage vector and its units' vectors.

A text is embedded only when no vector is stored for it yet (looked up by the hash of the text
in the same store), and each distinct text once per batch: policy documents repeat headings,
notices and clauses. Per batch, a chunk's unit vectors are written before the chunk, so a chunk
in the store always has its units.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from .chunking import UNITS_FORMAT, evidence_units
from .embeddings import Embedder
from .schema import Chunk
from .store import Stores, VectorStore, one_of

Progress = Callable[[int, int], None]


def passage_text(chunk: Chunk) -> str:
    """What the dense index embeds for a chunk: its section heading, then its text."""
    return f"{chunk.section}\n{chunk.text}" if chunk.section else chunk.text


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def unit_id(chunk_id: str, unit: int) -> str:
    return f"{chunk_id}#{unit}"


@dataclass
class Written:
    """What `write_vectors` did: chunks whose passage vector was `embedded` or `reused`, and
    unit vectors embedded."""

    embedded: int = 0
    reused: int = 0
    units_embedded: int = 0


def write_vectors(
    stores: Stores,
    embedder: Embedder,
    chunks: list[Chunk],
    *,
    batch_size: int,
    progress: Progress | None = None,
) -> Written:
    """Store the passage and unit vectors of `chunks`."""
    written = Written()
    if progress:
        progress(0, len(chunks))
    for start in range(0, len(chunks), batch_size):
        batch = chunks[start : start + batch_size]
        units = [(c, i, u) for c in batch for i, u in enumerate(evidence_units(c))]
        texts = [passage_text(c) for c in batch]
        # One encoder call for the batch's units and chunks: longer, length-sorted batches.
        (unit_vectors, e1, _), (vectors, e2, r2) = _embed_all(
            embedder, [(stores.units, [u.context for _, _, u in units]), (stores.passages, texts)]
        )
        stores.units.upsert(
            [unit_id(c.chunk_id, i) for c, i, _ in units],
            unit_vectors,
            [
                {
                    "chunk_id": c.chunk_id,
                    "doc_id": c.doc_id,
                    "unit": i,
                    "units": UNITS_FORMAT,
                    "start": u.start,
                    "end": u.end,
                    "text_sha": text_hash(u.context),
                }
                for c, i, u in units
            ],
        )
        stores.passages.upsert(
            [c.chunk_id for c in batch],
            vectors,
            [
                {
                    "doc_id": c.doc_id,
                    "section": c.section,
                    "start": c.start,
                    "end": c.end,
                    "ordinal": c.ordinal,
                    "text_sha": text_hash(t),
                }
                for c, t in zip(batch, texts, strict=True)
            ],
            documents=[c.text for c in batch],
        )
        written.embedded += e2
        written.reused += r2
        written.units_embedded += e1
        if progress:
            progress(min(start + batch_size, len(chunks)), len(chunks))
    return written


def _embed_all(
    embedder: Embedder, requests: list[tuple[VectorStore, list[str]]]
) -> list[tuple[list[list[float]], int, int]]:
    """For each (store, texts): vectors for the texts, reusing any stored in that store under
    the same text hash, with (embedded, reused) counts. What is missing in all of them is
    embedded in one call, each distinct text once."""
    plans = []
    to_encode: dict[str, int] = {}  # text -> row; a text repeated anywhere is embedded once
    for store, texts in requests:
        hashes = [text_hash(t) for t in texts]
        known = _stored(store, hashes) if texts else {}
        missing = [i for i, h in enumerate(hashes) if h not in known]
        plans.append(([known.get(h) for h in hashes], missing))
        for i in missing:
            to_encode.setdefault(texts[i], len(to_encode))
    fresh = embedder.encode(list(to_encode)) if to_encode else []
    results = []
    for (vectors, missing), (_, texts) in zip(plans, requests, strict=True):
        for i in missing:
            vectors[i] = fresh[to_encode[texts[i]]].tolist()
        results.append((vectors, len(missing), len(texts) - len(missing)))
    return results


def _stored(store: VectorStore, hashes: list[str]) -> dict[str, list[float]]:
    found = store.get(where=one_of("text_sha", sorted(set(hashes))), vectors=True)
    return {str(s.metadata["text_sha"]): s.vector for s in found if s.vector is not None}


def unit_counts(stores: Stores) -> tuple[dict[str, int], list[str]]:
    """Stored unit vectors of the current format per chunk, and the ids of those of another
    format (to be collected)."""
    counts: dict[str, int] = {}
    stale: list[str] = []
    for stored in stores.units.get():
        if stored.metadata.get("units") == UNITS_FORMAT:
            cid = str(stored.metadata["chunk_id"])
            counts[cid] = counts.get(cid, 0) + 1
        else:
            stale.append(stored.id)
    return counts, stale
