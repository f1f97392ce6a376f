"""Chunks into stored vectors: each chunk's passage vector and its units' vectors.

A text is embedded only when no vector is stored for it yet (looked up by the hash of the text
in the same store), and each distinct text once per batch: policy documents repeat headings,
notices and clauses. Per batch, a chunk's unit vectors are written before the chunk, so a chunk
in the store always has its units.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

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
    # time in the encoder, split between units and passages by their share of the characters
    # encoded (they are encoded in one call), and the rest of the time (lookups, store writes)
    encode_units: float = 0.0
    encode_passages: float = 0.0
    store: float = 0.0


# How a chunk's passage vector is made: "encoded" (its section and text through the encoder) or
# "units" (the mean of its units' vectors, so each character is encoded once less).
PASSAGE_MODES = ("encoded", "units")


def passage_key(text: str, mode: str) -> str:
    """The hash a passage vector is stored and reused under: its text, and how it was made."""
    return text_hash(text) if mode == "encoded" else text_hash(f"{mode}\n{text}")


def write_vectors(
    stores: Stores,
    embedder: Embedder,
    chunks: list[Chunk],
    *,
    batch_size: int,
    progress: Progress | None = None,
    passages: str = "encoded",
) -> Written:
    """Store the passage and unit vectors of `chunks`; `passages` says how passage vectors are
    made (`PASSAGE_MODES`)."""
    written = Written()
    if progress:
        progress(0, len(chunks))
    for start in range(0, len(chunks), batch_size):
        batch = chunks[start : start + batch_size]
        units = [(c, i, u) for c in batch for i, u in enumerate(evidence_units(c))]
        texts = [passage_text(c) for c in batch]
        # One encoder call for the batch's units and chunks: longer, length-sorted batches.
        began, encoder = time.perf_counter(), embedder.seconds
        (unit_vectors, e1, _, unit_chars), (vectors, e2, r2, passage_chars) = _embed_all(
            embedder,
            [
                (stores.units, [u.context for _, _, u in units]),
                (stores.passages, texts if passages == "encoded" else []),
            ],
        )
        if passages != "encoded":
            vectors, e2, r2 = _from_units(embedder, batch, units, unit_vectors), len(batch), 0
        encoding = embedder.seconds - encoder
        share = unit_chars / ((unit_chars + passage_chars) or 1)
        written.encode_units += encoding * share
        written.encode_passages += encoding * (1 - share)
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
                    "text_sha": passage_key(t, passages),
                    "passages": passages,
                }
                for c, t in zip(batch, texts, strict=True)
            ],
            documents=[c.text for c in batch],
        )
        written.store += time.perf_counter() - began - encoding
        written.embedded += e2
        written.reused += r2
        written.units_embedded += e1
        if progress:
            progress(min(start + batch_size, len(chunks)), len(chunks))
    return written


def _from_units(
    embedder: Embedder,
    batch: list[Chunk],
    units: list[tuple[Chunk, int, Any]],
    vectors: list[list[float]],
) -> list[list[float]]:
    """Each chunk's passage vector as the normalised mean of its units' vectors (a chunk
    without units is encoded)."""
    rows: dict[str, list[list[float]]] = {}
    for (chunk, _, _), vector in zip(units, vectors, strict=True):
        rows.setdefault(chunk.chunk_id, []).append(vector)
    out = []
    for chunk in batch:
        if chunk.chunk_id not in rows:
            rows[chunk.chunk_id] = [embedder.encode([passage_text(chunk)])[0].tolist()]
        mean = np.mean(np.array(rows[chunk.chunk_id]), axis=0)
        out.append((mean / (np.linalg.norm(mean) or 1.0)).tolist())
    return out


def _embed_all(
    embedder: Embedder, requests: list[tuple[VectorStore, list[str]]]
) -> list[tuple[list[list[float]], int, int, int]]:
    """For each (store, texts): vectors for the texts, reusing any stored in that store under
    the same text hash, with (embedded, reused) counts and the characters embedded. What is
    missing in all of them is embedded in one call, each distinct text once."""
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
        chars = sum(len(texts[i]) for i in missing)
        results.append((vectors, len(missing), len(texts) - len(missing), chars))
    return results


def _stored(store: VectorStore, hashes: list[str]) -> dict[str, list[float]]:
    found = store.get(where=one_of("text_sha", sorted(set(hashes))), vectors=True)
    return {str(s.metadata["text_sha"]): s.vector for s in found if s.vector is not None}


def passage_ids(stores: Stores, mode: str) -> set[str]:
    """The ids of the stored passage vectors made the way `mode` says (`PASSAGE_MODES`): a
    vector made the other way counts as missing, and is made again."""
    return {s.id for s in stores.passages.get() if s.metadata.get("passages", "encoded") == mode}


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
