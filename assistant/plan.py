"""Planning an ingest: which documents and chunks the next committed state holds.

Nothing here touches the vector store: the plan reuses the committed chunks of every document
that has not changed (same bytes, layout and chunking), chunks the rest, and says what changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .chunking import chunk_document
from .chunkstore import ChunkStore
from .errors import IndexStateError
from .keyword import KEYWORD_FORMAT
from .schema import Chunk, KnownDocument, SourceDocument

Registry = dict[str, Any]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _layout(doc: SourceDocument) -> str:
    """What else, beside the file's bytes, decides a document's chunks: its body (declared
    boilerplate can move) and its regions."""
    regions = [
        (r.start, r.end, r.locator, r.page, r.link, r.section, r.language) for r in doc.regions
    ]
    return _sha(json.dumps([doc.body, regions, doc.language]))[:16]


@dataclass
class IngestReport:
    """What an ingest changed: `embedded` chunks were sent to the embedding model (and
    `units_embedded` sentence units with them); `reused` chunks had a stored embedding;
    `collected` vectors no committed chunk uses were deleted after the commit."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    embedded: int = 0
    reused: int = 0
    units_embedded: int = 0
    deleted_chunks: int = 0
    total_chunks: int = 0
    # where the time went, by stage (seconds): read, plan (chunking, snapshots), scan (what the
    # store holds), encode units, encode passages, store writes, state (chunks and keyword
    # index written), commit (registry, then deleting what it no longer uses)
    seconds: dict[str, float] = field(default_factory=dict)

    def timed(self, stage: str, seconds: float) -> None:
        """Add `seconds` to the time of `stage`."""
        self.seconds[stage] = round(self.seconds.get(stage, 0.0) + seconds, 3)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.embedded)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged; {self.embedded} chunks embedded, "
            f"{self.reused} reused, {self.deleted_chunks} deleted; {self.total_chunks} in index"
        )


def plan(
    registry: Registry,
    old: ChunkStore,
    documents: list[SourceDocument | KnownDocument],
    scopes: list[Path],
    remove: list[str],
    report: IngestReport,
    *,
    chunking: str,
    max_chars: int,
    write_snapshot: Callable[[SourceDocument], str],
) -> tuple[dict[str, dict[str, Any]], list[Chunk]]:
    """The documents and chunks of the state to commit; snapshots written on the way."""
    old_docs: dict[str, dict[str, Any]] = registry["documents"]
    incoming = {d.doc_id: d for d in documents}
    scope_roots = [str(p.resolve()) + os.sep for p in scopes]
    new_docs: dict[str, dict[str, Any]] = {}
    for doc_id, record in old_docs.items():
        in_scope = any(record["path"].startswith(root) for root in scope_roots)
        if doc_id in remove or (in_scope and doc_id not in incoming):
            report.removed.append(doc_id)
        elif doc_id not in incoming:
            new_docs[doc_id] = record
    chunks: list[Chunk] = [c for c in old if c.doc_id in new_docs]
    # An unchanged document (same bytes, same layout, same chunking) keeps its chunks as
    # committed: re-ingesting a large unchanged corpus reads and hashes, nothing more.
    reuse = registry.get("chunking") == chunking
    for doc in documents:
        previous = old_docs.get(doc.doc_id)
        kept = old.by_document.get(doc.doc_id, []) if reuse and previous else []
        if isinstance(doc, KnownDocument):
            if (
                previous is None
                or not reuse
                or previous.get("stat") != list(doc.stat)
                or len(kept) != previous.get("chunks")
            ):  # another ingest committed in between
                raise IndexStateError("the index changed during this ingest; run it again")
            report.unchanged.append(doc.doc_id)
            new_docs[doc.doc_id] = previous  # type: ignore[assignment]
            chunks.extend(kept)
            continue
        layout = _layout(doc)
        if previous is None:
            report.added.append(doc.doc_id)
        elif previous["sha256"] != doc.sha256 or previous.get("layout") != layout:
            report.updated.append(doc.doc_id)
        else:
            report.unchanged.append(doc.doc_id)
        # Committed chunks are kept only if each is a slice of the text as read now: chunks
        # whose offsets counted the text otherwise (as a reader that translated line endings
        # did) make the document changed, and it is chunked again.
        if doc.doc_id in report.unchanged and any(
            doc.text[c.start : c.end] != c.text for c in kept
        ):
            report.unchanged.remove(doc.doc_id)
            report.updated.append(doc.doc_id)
        unchanged = doc.doc_id in report.unchanged and len(kept) == previous.get("chunks")  # type: ignore[union-attr]
        doc_chunks = kept if kept and unchanged else chunk_document(doc, max_chars=max_chars)
        new_docs[doc.doc_id] = {
            **doc.meta(),
            "snapshot": write_snapshot(doc),
            "layout": layout,
            "stat": list(doc.stat) if doc.stat else None,
            "entry": doc.entry_key,
            "chunks": len(doc_chunks),
        }
        chunks.extend(doc_chunks)
    return new_docs, chunks


def stamp_of(chunks: dict[str, Chunk]) -> str:
    """Names a committed state: new when the chunk set, what a chunk says of where it is (its
    locator, page, link and language, which its id does not cover) or the keyword tokeniser
    changes."""
    rows = sorted(
        f"{c.chunk_id}\0{c.locator}\0{c.page}\0{c.link}\0{c.language}" for c in chunks.values()
    )
    return _sha("\n".join([KEYWORD_FORMAT, *rows]))
