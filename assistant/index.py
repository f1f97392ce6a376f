"""The index: committed chunks, their keyword index and their vectors, kept in step.

`Index` coordinates three parts that each own their piece: `commit.Committer` (registry,
format stamps, snapshots, the commit itself), `store.Stores` (vectors, behind a small
protocol) and `chunkstore.ChunkStore` with `keyword.KeywordIndex` (the committed chunks and
their BM25 index, loaded once per committed state).

Writing (`sync`, under the writer lock): plan the new chunk set, write snapshots, store the
vectors it lacks, write its state directory, commit, and only then collect what no committed
state references. Reading: `refresh` (one `stat` of the registry) follows a commit made by
another process; searches only ever return committed chunks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .chunking import UNITS_FORMAT, evidence_units
from .chunkstore import ChunkStore
from .commit import Committer, Registry
from .embeddings import Embedder, make_embedder
from .errors import IndexStateError
from .keyword import KeywordIndex
from .plan import IngestReport, plan, stamp_of
from .schema import Chunk, KnownDocument, SourceDocument
from .settings import Settings
from .store import Stores, one_of, open_stores
from .text import tokens
from .vectors import Progress, passage_ids, passage_text, unit_counts, unit_id, write_vectors

__all__ = ["Index", "IngestReport", "Progress", "passage_text"]


@dataclass(frozen=True)
class State:
    """One committed state as a reader serves it."""

    directory: str
    chunks: ChunkStore
    keyword: KeywordIndex
    vocabulary: frozenset[str]


class Index:
    """Open (or create) the index in `settings.data_dir`."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.root = settings.data_dir
        self.embedder = embedder or make_embedder(
            settings.embedding_model,
            batch_size=settings.embedding_batch_size,
            url=settings.embeddings_url,
            in_flight=settings.embeddings_in_flight,
        )
        self.committer = Committer(self.root, settings.chunk_max_chars)
        self.stores: Stores = open_stores(
            self.root, settings.chroma_url, settings.collection, settings.embedding_model
        )
        self._state: State | None = None
        self._generation: int | None = None
        self._lock = threading.RLock()
        self.last_collected = 0  # vectors the last `verify` or ingest deleted as garbage

    # ----------------------------------------------------------------- reading
    @property
    def registry_path(self) -> Path:
        return self.committer.path

    def registry(self) -> Registry:
        return self.committer.read()

    def refresh(self) -> int:
        """The committed generation; when another process has committed since this one last
        looked, the vector store is reopened so that it serves what was committed."""
        generation = int(self.registry()["generation"])
        with self._lock:
            if generation != self._generation:
                self.stores.renew()
                self._generation = generation
        return generation

    @property
    def state(self) -> State:
        """The committed chunks and keyword index (loaded again after a commit)."""
        for _ in range(3):
            registry = self.registry()
            name = registry.get("keyword_dir")
            if name is None:
                raise IndexStateError("the index is empty: run 'assistant ingest' first")
            with self._lock:
                if self._state is not None and self._state.directory == name:
                    return self._state
                try:
                    self._state = self._load_state(name, registry)
                    return self._state
                except FileNotFoundError:
                    continue  # another process committed and collected it meanwhile: re-read
        raise IndexStateError(f"the index in {self.root} keeps changing; try again")

    def _load_state(self, name: str, registry: Registry) -> State:
        chunks = ChunkStore.load(self.root / name)
        keyword = KeywordIndex.load(self.root / name, chunks.as_list())
        words = set(keyword.terms)
        for record in registry["documents"].values():
            words.update(tokens(f"{record.get('title') or ''}\n{record.get('publisher') or ''}"))
        return State(name, chunks, keyword, frozenset(words))

    @property
    def chunks(self) -> ChunkStore:
        return self.state.chunks

    @property
    def keyword(self) -> KeywordIndex:
        return self.state.keyword

    @property
    def vocabulary(self) -> frozenset[str]:
        """The terms of the indexed text and of the documents' titles and publishers."""
        return self.state.vocabulary

    @property
    def documents(self) -> dict[str, dict[str, Any]]:
        return dict(self.registry()["documents"])

    def document_text(self, doc_id: str) -> str:
        """The verbatim text of an ingested document, as it was indexed."""
        record = self.documents.get(doc_id)
        if record is None:
            raise IndexStateError(f"no document '{doc_id}' in the index")
        return self.committer.snapshot_text(record)

    def dense_search(
        self, vector: list[float], n: int, doc_ids: Iterable[str] = ()
    ) -> list[tuple[Chunk, float]]:
        """Nearest committed chunks by cosine similarity (of these documents, if named)."""
        chunks = self.chunks
        hits = self.stores.passages.query(vector, n, _of_documents(doc_ids))
        return [(chunks.by_id[h.id], h.similarity) for h in hits if h.id in chunks]

    def unit_search(
        self, vector: list[float], n: int, doc_ids: Iterable[str] = ()
    ) -> list[tuple[Chunk, float]]:
        """The `n` committed chunks holding the sentences nearest to `vector`, each scored by
        its best sentence (a question often matches one sentence of a long passage far better
        than the passage as a whole)."""
        chunks = self.chunks
        best: dict[str, float] = {}
        # several of the nearest sentences may share a chunk: ask for more than n
        for hit in self.stores.units.query(vector, n * 4, _of_documents(doc_ids)):
            cid = str(hit.metadata.get("chunk_id"))
            if cid in chunks and cid not in best:
                best[cid] = hit.similarity
        return [(chunks.by_id[cid], score) for cid, score in list(best.items())[:n]]

    def unit_vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """Stored unit vectors (rows in unit order) for the chunks that have all of theirs."""
        chunks = self.chunks
        sizes = {c: len(evidence_units(chunks.by_id[c])) for c in chunk_ids if c in chunks}
        ids = [unit_id(c, i) for c, size in sizes.items() for i in range(size)]
        found = {s.id: s for s in self.stores.units.get(ids=ids, vectors=True)} if ids else {}
        out: dict[str, np.ndarray] = {}
        for cid, size in sizes.items():
            rows = [found.get(unit_id(cid, i)) for i in range(size)]
            if all(r and r.vector and r.metadata.get("units") == UNITS_FORMAT for r in rows):
                out[cid] = np.asarray([r.vector for r in rows], dtype=np.float32)  # type: ignore[union-attr]
        return out

    # ----------------------------------------------------------------- writing
    def known_files(self) -> dict[str, dict[str, Any]]:
        """Committed document records by file path, for `read_paths` to skip unchanged files;
        empty when the committed chunks were made by another chunking or reading format."""
        registry = self.registry()
        if not self.committer.formats_match(registry):
            return {}
        return {record["path"]: record for record in registry["documents"].values()}

    def sync(
        self,
        documents: list[SourceDocument | KnownDocument],
        *,
        scopes: list[Path] = (),  # type: ignore[assignment]
        remove: list[str] = (),  # type: ignore[assignment]
        progress: Progress | None = None,
    ) -> IngestReport:
        """Make the index hold `documents` (added or replaced), drop documents that lived under a
        directory in `scopes` but are no longer there, and drop the ids in `remove`."""
        with self.committer.writing():
            self.refresh()  # another ingest may have committed while this one waited
            report = self._sync(documents, scopes, remove, progress)
            with self._lock:  # this process wrote it: its view of the store is current
                self._generation = int(self.registry()["generation"])
            return report

    def _sync(
        self,
        documents: list[SourceDocument | KnownDocument],
        scopes: list[Path],
        remove: list[str],
        progress: Progress | None,
    ) -> IngestReport:
        report = IngestReport()
        clock = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            report.timed(stage, now - clock)
            clock = now

        registry = self.registry()
        old = self.chunks if registry.get("keyword_dir") else ChunkStore([])
        new_docs, chunks = plan(
            registry,
            old,
            documents,
            scopes,
            remove,
            report,
            chunking=self.committer.chunking,
            max_chars=self.settings.chunk_max_chars,
            write_snapshot=self.committer.write_snapshot,
        )
        desired = {c.chunk_id: c for c in chunks}
        # The stamp names the state directory: new when the chunks or the tokeniser change.
        stamp = stamp_of(desired)
        name = self.committer.state_dir(stamp)
        mode = self.settings.passage_vectors  # changing how passage vectors are made unsettles
        store = f"{self.stores.where} {self.stores.passages.name}" + f" {mode}" * (
            mode != "encoded"
        )
        settled = (
            not (report.added or report.updated or report.removed)
            and registry.get("stamp") == stamp
            and self.committer.formats_match(registry)
            and registry.get("store") == store
            and (self.root / name).is_dir()
            and self.stores.passages.count() == len(desired)
        )
        lap("plan")
        if not settled:
            scan = self._scan()  # one pass over the store serves both ends of the ingest
            missing = self._missing(desired, scan)
            lap("scan")
            batch = max(self.settings.embedding_batch_size * 4, 64)
            written = write_vectors(
                self.stores,
                self.embedder,
                missing,
                batch_size=batch,
                progress=progress,
                passages=self.settings.passage_vectors,
            )
            report.embedded, report.reused = written.embedded, written.reused
            report.units_embedded = written.units_embedded
            report.timed("encode units", written.encode_units)
            report.timed("encode passages", written.encode_passages)
            report.timed("store writes", written.store)
            clock = time.perf_counter()
        report.total_chunks = len(desired)
        ordered = ChunkStore(sorted(chunks, key=lambda c: (c.doc_id, c.ordinal)))

        def save(directory: Path) -> None:
            ordered.save(directory)
            KeywordIndex.build(ordered.as_list()).save(directory)

        self.committer.write_state(name, save)
        lap("state")
        committed = self.committer.commit(
            registry,
            {
                "stamp": stamp,
                "store": store,
                "keyword_dir": name,
                "documents": dict(sorted(new_docs.items())),
            },
        )
        # Only now is anything deleted: vectors and files the committed state does not use.
        if not settled:
            # unit vectors rewritten in the current format are no longer stale
            rewritten = {
                unit_id(c.chunk_id, i) for c in missing for i in range(len(evidence_units(c)))
            }
            stored, counts, stale = scan
            report.deleted_chunks = self._collect(desired, (stored, counts, stale - rewritten))
        self.committer.collect_files(committed)
        lap("commit")
        return report

    def _scan(self) -> tuple[set[str], dict[str, int], set[str]]:
        """What the vector store holds: passage ids, current-format unit vectors per chunk,
        and the ids of unit vectors of another format."""
        counts, stale = unit_counts(self.stores)
        return passage_ids(self.stores, self.settings.passage_vectors), counts, set(stale)

    @staticmethod
    def _missing(
        desired: dict[str, Chunk], scan: tuple[set[str], dict[str, int], set[str]]
    ) -> list[Chunk]:
        """Desired chunks whose passage vector or some unit vector is not stored."""
        stored, counts, _ = scan
        return [
            c
            for cid, c in desired.items()
            if cid not in stored or counts.get(cid, 0) != len(evidence_units(c))
        ]

    def _collect(
        self,
        desired: dict[str, Chunk],
        scan: tuple[set[str], dict[str, int], set[str]] | None = None,
    ) -> int:
        """Delete vectors of chunks no committed state holds (superseded ones, and those an
        interrupted ingest left), and unit vectors of another units format; the number of
        passage vectors deleted. Call with the writer lock held, after the commit. `scan` is
        the store as it was before this ingest wrote (its writes were all of desired chunks,
        in the current format, so nothing they added is garbage)."""
        stored, counts, stale = scan or self._scan()
        doomed = sorted(stored - desired.keys())
        self.stores.passages.delete(ids=doomed)
        orphans = sorted(counts.keys() - desired.keys())
        for start in range(0, len(orphans), 5000):
            self.stores.units.delete(where=one_of("chunk_id", orphans[start : start + 5000]))
        self.stores.units.delete(ids=sorted(stale))
        self.last_collected = len(doomed) + len(stale) + sum(counts[c] for c in orphans)
        return len(doomed)

    # ----------------------------------------------------------------- checking
    def verify(self) -> list[str]:
        """Problems that make the stores disagree (empty when all is well): every committed
        chunk is an exact slice of its document's snapshot and has its vector and all its unit
        vectors; the registry and keyword index name the same documents.

        When no ingest is running, garbage (vectors no committed chunk uses, left by an ingest
        killed after its commit) is collected first, and the vector store must then hold
        nothing else; `last_collected` says how much was deleted."""
        self.last_collected = 0
        with self.committer.writing(wait=False) as writer:
            registry = self.registry()
            if registry.get("keyword_dir") is None:
                return (
                    [] if not registry["documents"] else ["documents registered without an index"]
                )
            chunks = self.chunks
            documents = registry["documents"]
            wanted = {c.chunk_id: c for c in chunks}
            if writer:
                self._collect(wanted)
                self.committer.collect_files(registry)
            return self._problems(chunks, documents, wanted, strict=writer)

    def _problems(
        self,
        chunks: ChunkStore,
        documents: dict[str, dict[str, Any]],
        wanted: dict[str, Chunk],
        *,
        strict: bool,
    ) -> list[str]:
        problems: list[str] = []
        if {c.doc_id for c in chunks} - documents.keys():
            problems.append("keyword index has chunks of unregistered documents")
        texts: dict[str, str] = {}
        for chunk in chunks:
            if chunk.doc_id not in texts:
                record = documents.get(chunk.doc_id)
                path = self.committer.snapshot_path(record) if record else None
                texts[chunk.doc_id] = (
                    self.committer.snapshot_text(record) if path and path.is_file() else ""  # type: ignore[arg-type]
                )
            if texts[chunk.doc_id][chunk.start : chunk.end] != chunk.text:
                problems.append(f"chunk {chunk.chunk_id} is not a slice of its document")
        stored = {s.id for s in self.stores.passages.get()}
        units, stale = unit_counts(self.stores)
        if missing := wanted.keys() - stored:
            problems.append(f"{len(missing)} committed chunks have no vector")
        short = [c for c, chunk in wanted.items() if units.get(c, 0) != len(evidence_units(chunk))]
        if short:
            problems.append(f"{len(short)} committed chunks lack some unit vectors")
        if strict:  # with an ingest running, its uncommitted vectors are not garbage yet
            if extra := stored - wanted.keys():
                problems.append(f"{len(extra)} vectors belong to no committed chunk")
            if orphans := units.keys() - wanted.keys():
                problems.append(f"unit vectors of {len(orphans)} chunks that are not committed")
            if stale:
                problems.append(f"{len(stale)} unit vectors of another units format")
        return problems


def _of_documents(doc_ids: Iterable[str]) -> dict[str, Any] | None:
    """A vector-store filter for the vectors of these documents; None for all."""
    ids = sorted(set(doc_ids))
    return {"doc_id": {"$in": ids}} if ids else None
