"""The committed chunks: what every search result and citation is looked up in.

One file per committed state (`chunks.jsonl` in the state's directory, beside the keyword
index built from the same chunks), written whole and never changed: a reader that loaded it
serves exactly the chunks of one commit, whatever other processes write meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict
from functools import cached_property
from pathlib import Path

import orjson

from .schema import Chunk

CHUNKS_FILE = "chunks.jsonl"


class ChunkStore:
    """An immutable set of chunks, in document order, by id and by bilingual link."""

    def __init__(self, chunks: Iterable[Chunk]) -> None:
        self._chunks = list(chunks)
        self.by_id = {c.chunk_id: c for c in self._chunks}

    def __iter__(self) -> Iterator[Chunk]:
        return iter(self._chunks)

    def __len__(self) -> int:
        return len(self._chunks)

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self.by_id

    def get(self, chunk_id: str) -> Chunk | None:
        return self.by_id.get(chunk_id)

    def as_list(self) -> list[Chunk]:
        """The chunks in stored order (row i of the keyword index is chunk i)."""
        return self._chunks

    @cached_property
    def by_document(self) -> dict[str, list[Chunk]]:
        grouped: dict[str, list[Chunk]] = {}
        for chunk in self._chunks:
            grouped.setdefault(chunk.doc_id, []).append(chunk)
        return grouped

    @cached_property
    def by_link(self) -> dict[tuple[str, str], list[Chunk]]:
        """Chunks that share a link (the same provision in two languages), by `link_key`: a
        statute's provisions across its language versions, a translation memory's units
        within it."""
        from .provisions import link_key

        linked: dict[tuple[str, str], list[Chunk]] = {}
        for chunk in self._chunks:
            if chunk.link:
                linked.setdefault(link_key(chunk), []).append(chunk)
        return linked

    @cached_property
    def definitions(self) -> dict[str, list[str]]:
        """The chunks that define each term (statute definitions, in either language)."""
        from .references import defined_terms, located

        found: dict[str, list[str]] = {}
        for chunk in self._chunks:
            if located(chunk.locator):
                for term in defined_terms(chunk.text):
                    found.setdefault(term, []).append(chunk.chunk_id)
        return found

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        with (directory / CHUNKS_FILE).open("wb") as out:
            for chunk in self._chunks:
                out.write(orjson.dumps(asdict(chunk)) + b"\n")

    @classmethod
    def load(cls, directory: Path) -> ChunkStore:
        lines = (directory / CHUNKS_FILE).read_bytes().splitlines()
        return cls(Chunk(**orjson.loads(line)) for line in lines if line.strip())
