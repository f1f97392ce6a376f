"""The index: a Chroma collection (dense), a BM25 index (keyword) and a document registry.

Layout of the data directory::

    chroma/                   persistent Chroma, one collection per embedding model (cosine),
                              unless `chroma_url` names a Chroma server that holds them
    keyword-<stamp>/          BM25 index and the chunk records it serves
    documents/<sha256>.txt    verbatim snapshot of each ingested document (citations point here)
    registry.json             the committed state: documents, chunk-set stamp, keyword dir

Ingest is incremental and ordered so that an interruption never leaves readers with indexes that
disagree: snapshots first, then Chroma (adds before deletes), then a new keyword directory, and
last an atomic replace of `registry.json`, which is the commit point. Readers only serve chunks
that the committed keyword index knows; a re-run completes whatever an interrupted run left.
Embeddings are reused by content hash, so an unchanged chunk is never embedded twice.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from .chunking import CHUNK_FORMAT, chunk_document, evidence_units
from .corpus import READ_FORMAT
from .embeddings import Embedder, make_embedder
from .errors import AssistantError, IndexStateError
from .keyword import KEYWORD_FORMAT, KeywordIndex
from .schema import Chunk, KnownDocument, SourceDocument
from .settings import Settings
from .text import tokens

REGISTRY_VERSION = 1
Progress = Callable[[int, int], None]


def passage_text(chunk: Chunk) -> str:
    """What the dense index embeds for a chunk: its section heading, then its text."""
    return f"{chunk.section}\n{chunk.text}" if chunk.section else chunk.text


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _layout(doc: SourceDocument) -> str:
    """What else, beside the file's bytes, decides a document's chunks: its body (declared
    boilerplate can move) and its regions."""
    regions = [
        (r.start, r.end, r.locator, r.page, r.link, r.section, r.language) for r in doc.regions
    ]
    return _sha(json.dumps([doc.body, regions, doc.language]))[:16]


def _write_atomic(path: Path, data: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


@dataclass
class IngestReport:
    """What an ingest changed: `embedded` chunks were sent to the embedding model (and
    `units_embedded` sentence units with them); `reused` chunks had a stored embedding."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    embedded: int = 0
    reused: int = 0
    units_embedded: int = 0
    deleted_chunks: int = 0
    total_chunks: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.embedded)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged; {self.embedded} chunks embedded, "
            f"{self.reused} reused, {self.deleted_chunks} deleted; {self.total_chunks} in index"
        )


class Index:
    """Open (or create) the index in `settings.data_dir`."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.root = settings.data_dir
        self.embedder = embedder or make_embedder(
            settings.embedding_model, batch_size=settings.embedding_batch_size
        )
        self._client: Any = None
        self._collection: Any = None
        self._units: Any = None
        self._keyword: KeywordIndex | None = None
        self._keyword_dir: str | None = None
        self._vocabulary: tuple[KeywordIndex, frozenset[str]] | None = None
        self._registry: dict[str, Any] | None = None
        self._registry_stamp: tuple[int, int, int] | None = None

    # ----------------------------------------------------------------- state on disk
    @property
    def registry_path(self) -> Path:
        return self.root / "registry.json"

    def registry(self) -> dict[str, Any]:
        """The committed registry, re-read only when the file has been replaced (an ingest
        writes a new file and renames it over the old one, so the inode changes)."""
        try:
            stat = self.registry_path.stat()
        except FileNotFoundError:
            self._registry, self._registry_stamp = None, None
            return {"version": REGISTRY_VERSION, "documents": {}, "keyword_dir": None}
        stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if self._registry is not None and stamp == self._registry_stamp:
            return self._registry
        try:
            data = json.loads(self.registry_path.read_text(encoding="utf-8"))
        except ValueError:
            raise IndexStateError(
                f"{self.registry_path} is damaged; delete {self.root} and run 'assistant ingest'"
            ) from None
        self._registry, self._registry_stamp = data, stamp
        return data

    @property
    def documents(self) -> dict[str, dict[str, Any]]:
        return dict((self._registry or self.registry())["documents"])

    def document_text(self, doc_id: str) -> str:
        """The verbatim text of an ingested document, as it was indexed."""
        record = self.documents.get(doc_id)
        if record is None:
            raise IndexStateError(f"no document '{doc_id}' in the index")
        return (self.root / record["snapshot"]).read_text(encoding="utf-8")

    def _connect(self) -> Any:
        """The embedded persistent Chroma in `data_dir`, or the server at `chroma_url`."""
        import chromadb

        options = chromadb.Settings(anonymized_telemetry=False, allow_reset=False)
        url = self.settings.chroma_url
        if not url:
            return chromadb.PersistentClient(path=str(self.root / "chroma"), settings=options)
        parsed = urlsplit(url)
        if parsed.scheme not in {"http", "https"} or not parsed.hostname:
            raise IndexStateError(f"chroma_url must look like http://host:port, not '{url}'")
        try:
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=options,
            )
        except Exception as exc:  # connection refused, DNS, version mismatch
            raise IndexStateError(
                f"cannot reach the Chroma server at {url} ({type(exc).__name__}); start it "
                "with 'chroma run --path DIR --host 127.0.0.1 --port PORT' or unset chroma_url"
            ) from None

    @contextmanager
    def _store_errors(self) -> Iterator[None]:
        """A Chroma server that stops answering gives one clear error, not a traceback."""
        try:
            yield
        except AssistantError:
            raise
        except Exception as exc:
            if not self.settings.chroma_url:
                raise
            self._client = self._collection = self._units = None  # reconnect next time
            raise IndexStateError(
                f"the Chroma server at {self.settings.chroma_url} failed "
                f"({type(exc).__name__}); is it running?"
            ) from None

    def _open(self, suffix: str) -> Any:
        if self._client is None:
            self._client = self._connect()
        model = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(self.settings.embedding_model).name)
        return self._client.get_or_create_collection(
            name=f"{self.settings.collection}-{model}{suffix}"[:63].strip("-_"),
            metadata={"hnsw:space": "cosine", "embedding_model": self.settings.embedding_model},
            embedding_function=None,
        )

    @property
    def collection(self) -> Any:
        """Chunk embeddings (what dense retrieval searches)."""
        if self._collection is None:
            self._collection = self._open("")
        return self._collection

    @property
    def units(self) -> Any:
        """Embeddings of each chunk's quotable units (what the answerer scores), by chunk id."""
        if self._units is None:
            self._units = self._open("-units")
        return self._units

    @property
    def keyword(self) -> KeywordIndex:
        """The committed keyword index (reloaded when an ingest has committed a new one)."""
        registry = self.registry()
        name = registry.get("keyword_dir")
        if name is None:
            raise IndexStateError("the index is empty: run 'assistant ingest' first")
        if self._keyword is None or self._keyword_dir != name:
            self._keyword = KeywordIndex.load(self.root / name)
            self._keyword_dir = name
        return self._keyword

    @property
    def vocabulary(self) -> frozenset[str]:
        """The terms of the indexed text and of the documents' titles and publishers."""
        keyword = self.keyword
        if self._vocabulary is None or self._vocabulary[0] is not keyword:
            words = set(keyword.terms)
            for record in self.documents.values():
                words.update(
                    tokens(f"{record.get('title') or ''}\n{record.get('publisher') or ''}")
                )
            self._vocabulary = (keyword, frozenset(words))
        return self._vocabulary[1]

    @contextmanager
    def _writer_lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # ----------------------------------------------------------------- writing
    def known_files(self) -> dict[str, dict[str, Any]]:
        """Committed document records by file path, for `read_paths` to skip unchanged files;
        empty when the committed chunks were made by another chunking or reading format."""
        registry = self.registry()
        current = f"{CHUNK_FORMAT}/{self.settings.chunk_max_chars}"
        if registry.get("chunking") != current or registry.get("reading") != READ_FORMAT:
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
        with self._writer_lock(), self._store_errors():
            return self._sync(documents, scopes, remove, progress)

    def _sync(
        self,
        documents: list[SourceDocument | KnownDocument],
        scopes: list[Path],
        remove: list[str],
        progress: Progress | None,
    ) -> IngestReport:
        report = IngestReport()
        registry = self.registry()
        old_docs: dict[str, dict[str, Any]] = registry["documents"]
        old_chunks = self.keyword.chunks if registry.get("keyword_dir") else []

        incoming = {d.doc_id: d for d in documents}
        scope_roots = [str(p.resolve()) + os.sep for p in scopes]
        new_docs: dict[str, dict[str, Any]] = {}
        for doc_id, record in old_docs.items():
            in_scope = any(record["path"].startswith(root) for root in scope_roots)
            if doc_id in remove or (in_scope and doc_id not in incoming):
                report.removed.append(doc_id)
            elif doc_id not in incoming:
                new_docs[doc_id] = record

        chunks: list[Chunk] = [c for c in old_chunks if c.doc_id in new_docs]
        # An unchanged document (same bytes, same layout, same chunking) keeps its chunks as
        # committed: re-ingesting a large unchanged corpus reads and hashes, nothing more.
        chunking = f"{CHUNK_FORMAT}/{self.settings.chunk_max_chars}"
        reuse = registry.get("chunking") == chunking
        old_by_doc: dict[str, list[Chunk]] = {}
        for chunk in old_chunks:
            old_by_doc.setdefault(chunk.doc_id, []).append(chunk)
        for doc in documents:
            previous = old_docs.get(doc.doc_id)
            if isinstance(doc, KnownDocument):
                kept = old_by_doc.get(doc.doc_id, [])
                if (
                    previous is None
                    or not reuse
                    or previous.get("stat") != list(doc.stat)
                    or len(kept) != previous.get("chunks")
                ):  # another ingest committed in between
                    raise IndexStateError("the index changed during this ingest; run it again")
                report.unchanged.append(doc.doc_id)
                new_docs[doc.doc_id] = previous
                chunks.extend(kept)
                continue
            layout = _layout(doc)
            if previous is None:
                report.added.append(doc.doc_id)
            elif previous["sha256"] != doc.sha256 or previous.get("layout") != layout:
                report.updated.append(doc.doc_id)
            else:
                report.unchanged.append(doc.doc_id)
            new_docs[doc.doc_id] = {
                **doc.meta(),
                "snapshot": f"documents/{doc.sha256}.txt",
                "layout": layout,
                "stat": list(doc.stat) if doc.stat else None,
                "entry": doc.entry_key,
            }
            kept = old_by_doc.get(doc.doc_id) if reuse and previous is not None else None
            if kept and doc.doc_id in report.unchanged and len(kept) == previous.get("chunks"):
                doc_chunks = kept
            else:
                doc_chunks = chunk_document(doc, max_chars=self.settings.chunk_max_chars)
            new_docs[doc.doc_id]["chunks"] = len(doc_chunks)
            chunks.extend(doc_chunks)
            self._snapshot(doc)

        desired = {c.chunk_id: c for c in chunks}
        # The stamp names the keyword index: new when the chunks or the tokeniser change.
        stamp = _sha("\n".join([KEYWORD_FORMAT, *sorted(desired)]))
        # Nothing to do in the vector store when nothing changed since the last commit, in
        # the same store (a new chroma_url or embedding model is an empty collection).
        store = f"{self.settings.chroma_url or 'embedded'} {self.collection.name}"
        settled = (
            not (report.added or report.updated or report.removed)
            and registry.get("stamp") == stamp
            and registry.get("chunking") == chunking
            and registry.get("store") == store
            and (self.root / f"keyword-{stamp[:16]}").is_dir()
            and self.collection.count() == len(desired)
        )
        if not settled:
            self._reconcile(desired, report, progress)
        report.total_chunks = len(desired)
        keyword_dir = f"keyword-{stamp[:16]}"
        if registry.get("keyword_dir") != keyword_dir or not (self.root / keyword_dir).is_dir():
            ordered = sorted(chunks, key=lambda c: (c.doc_id, c.ordinal))
            tmp = self.root / f".{keyword_dir}.tmp"
            shutil.rmtree(tmp, ignore_errors=True)
            KeywordIndex.build(ordered).save(tmp)
            shutil.rmtree(self.root / keyword_dir, ignore_errors=True)
            os.replace(tmp, self.root / keyword_dir)

        new_registry = {
            "version": REGISTRY_VERSION,
            "stamp": stamp,
            "chunking": chunking,
            "reading": READ_FORMAT,
            "store": store,
            "keyword_dir": keyword_dir,
            "documents": dict(sorted(new_docs.items())),
        }
        if new_registry != registry:
            _write_atomic(
                self.registry_path, json.dumps(new_registry, indent=1, ensure_ascii=False)
            )
        self._registry = new_registry
        self._cleanup(new_registry)
        return report

    def _reconcile(
        self, desired: dict[str, Chunk], report: IngestReport, progress: Progress | None
    ) -> None:
        """Make the vector store hold exactly the vectors of `desired` (and their units)."""
        # A chunk counts as stored only with its unit vectors (older indexes lack them).
        with_units = {m["chunk_id"] for m in self.units.get(include=["metadatas"])["metadatas"]}
        stored = set(self.collection.get(include=[])["ids"])
        complete = stored & with_units
        to_add = [c for cid, c in desired.items() if cid not in complete]
        to_delete = sorted(stored - desired.keys())
        report.embedded, report.reused, report.units_embedded = self._add(to_add, progress)
        # Units whose chunk is not wanted: those of deleted chunks, and orphans an interrupted
        # ingest left behind (units are written before their chunk).
        to_delete_units = sorted((with_units | stored) - desired.keys())
        for start in range(0, len(to_delete), 5000):
            self.collection.delete(ids=to_delete[start : start + 5000])
        for start in range(0, len(to_delete_units), 5000):
            doomed = to_delete_units[start : start + 5000]
            self.units.delete(where={"chunk_id": {"$in": doomed}})
        report.deleted_chunks = len(to_delete)

    def _snapshot(self, doc: SourceDocument) -> None:
        path = self.root / "documents" / f"{doc.sha256}.txt"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(path, doc.text)

    def _add(self, chunks: list[Chunk], progress: Progress | None) -> tuple[int, int, int]:
        """Add chunks to Chroma, embedding only texts whose hash is not stored yet.

        Per batch, a chunk's unit vectors are written before the chunk itself, so a chunk
        that is in the index always has its units (an interruption in between leaves units
        without their chunk, which the next run overwrites)."""
        if progress:
            progress(0, len(chunks))
        embedded = reused = units_embedded = 0
        batch_size = max(self.settings.embedding_batch_size * 4, 64)
        for start in range(0, len(chunks), batch_size):
            batch = chunks[start : start + batch_size]
            units = [(c, i, u) for c in batch for i, u in enumerate(evidence_units(c))]
            texts = [passage_text(c) for c in batch]
            # One encoder call for the batch's units and chunks: longer, length-sorted batches.
            (unit_vectors, e1, r1), (vectors, e2, r2) = self._embed_all(
                [(self.units, [u.context for _, _, u in units]), (self.collection, texts)]
            )
            if units:
                self.units.upsert(
                    ids=[f"{c.chunk_id}#{i}" for c, i, _ in units],
                    embeddings=unit_vectors,
                    metadatas=[
                        {
                            "chunk_id": c.chunk_id,
                            "unit": i,
                            "start": u.start,
                            "end": u.end,
                            "text_sha": _sha(u.context),
                        }
                        for c, i, u in units
                    ],
                )
            embedded += e2
            reused += r2
            units_embedded += e1
            self.collection.upsert(
                ids=[c.chunk_id for c in batch],
                embeddings=vectors,
                documents=[c.text for c in batch],
                metadatas=[
                    {
                        "doc_id": c.doc_id,
                        "section": c.section,
                        "start": c.start,
                        "end": c.end,
                        "ordinal": c.ordinal,
                        "text_sha": _sha(t),
                    }
                    for c, t in zip(batch, texts, strict=True)
                ],
            )
            if progress:
                progress(min(start + batch_size, len(chunks)), len(chunks))
        return embedded, reused, units_embedded

    def _embed_all(self, requests: list[tuple[Any, list[str]]]) -> list[tuple[list[Any], int, int]]:
        """For each (collection, texts): vectors for the texts, reusing any stored in that
        collection under the same text hash, with (embedded, reused) counts. What is missing
        in all of them is embedded in one call, each distinct text once (policy documents
        repeat headings, notices and clauses)."""
        plans = []
        to_encode: dict[str, int] = {}  # text -> row; a text repeated anywhere is embedded once
        for collection, texts in requests:
            hashes = [_sha(t) for t in texts]
            known = self._stored_embeddings(collection, hashes) if texts else {}
            missing = [i for i, h in enumerate(hashes) if h not in known]
            plans.append(([known.get(h) for h in hashes], missing))
            for i in missing:
                to_encode.setdefault(texts[i], len(to_encode))
        fresh = self.embedder.encode(list(to_encode)) if to_encode else []
        results = []
        for (vectors, missing), (_, texts) in zip(plans, requests, strict=True):
            for i in missing:
                vectors[i] = fresh[to_encode[texts[i]]].tolist()
            results.append((vectors, len(missing), len(texts) - len(missing)))
        return results

    def _stored_embeddings(self, collection: Any, hashes: list[str]) -> dict[str, list[float]]:
        found = collection.get(
            where={"text_sha": {"$in": list(set(hashes))}}, include=["embeddings", "metadatas"]
        )
        metadatas = found["metadatas"] or []
        vectors = found["embeddings"] if found["embeddings"] is not None else []
        return {
            str(meta["text_sha"]): [float(x) for x in vector]
            for meta, vector in zip(metadatas, vectors, strict=True)
        }

    def _cleanup(self, registry: dict[str, Any]) -> None:
        keep = registry["keyword_dir"]
        for path in self.root.glob("keyword-*"):
            if path.name != keep:
                shutil.rmtree(path, ignore_errors=True)
        snapshots = {rec["snapshot"] for rec in registry["documents"].values()}
        for path in (self.root / "documents").glob("*.txt"):
            if f"documents/{path.name}" not in snapshots:
                path.unlink(missing_ok=True)

    # ----------------------------------------------------------------- reading
    def unit_vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """Stored unit vectors (rows in unit order) for the chunks that have all of theirs."""
        if not chunk_ids:
            return {}
        with self._store_errors():
            found = self.units.get(
                where={"chunk_id": {"$in": list(chunk_ids)}}, include=["embeddings", "metadatas"]
            )
        rows: dict[str, dict[int, Any]] = {}
        vectors = found["embeddings"] if found["embeddings"] is not None else []
        for meta, vector in zip(found["metadatas"] or [], vectors, strict=True):
            rows.setdefault(str(meta["chunk_id"]), {})[int(meta["unit"])] = vector
        keyword = self.keyword
        out: dict[str, np.ndarray] = {}
        for cid, by_unit in rows.items():
            chunk = keyword.by_id.get(cid)
            if chunk is not None and len(by_unit) == len(evidence_units(chunk)):
                out[cid] = np.asarray([by_unit[i] for i in sorted(by_unit)], dtype=np.float32)
        return out

    def verify(self) -> list[str]:
        """Problems that make the stores disagree (empty when all is well): every committed
        chunk is an exact slice of its document's snapshot and has its vector and all its unit
        vectors; the vector store holds nothing else; the registry and keyword index name the
        same documents."""
        registry = self.registry()
        if registry.get("keyword_dir") is None:
            return [] if not registry["documents"] else ["documents registered without an index"]
        problems: list[str] = []
        chunks = self.keyword.chunks
        documents = registry["documents"]
        if {c.doc_id for c in chunks} - documents.keys():
            problems.append("keyword index has chunks of unregistered documents")
        texts: dict[str, str] = {}
        for chunk in chunks:
            if chunk.doc_id not in texts:
                snapshot = self.root / documents.get(chunk.doc_id, {}).get("snapshot", "-")
                texts[chunk.doc_id] = snapshot.read_text("utf-8") if snapshot.is_file() else ""
            if texts[chunk.doc_id][chunk.start : chunk.end] != chunk.text:
                problems.append(f"chunk {chunk.chunk_id} is not a slice of its document")
        wanted = {c.chunk_id: c for c in chunks}
        with self._store_errors():
            stored = set(self.collection.get(include=[])["ids"])
            unit_meta = self.units.get(include=["metadatas"])["metadatas"]
        units: dict[str, int] = {}
        for meta in unit_meta:
            units[str(meta["chunk_id"])] = units.get(str(meta["chunk_id"]), 0) + 1
        if missing := wanted.keys() - stored:
            problems.append(f"{len(missing)} committed chunks have no vector")
        if extra := stored - wanted.keys():
            problems.append(f"{len(extra)} vectors belong to no committed chunk")
        short = [c for c, chunk in wanted.items() if units.get(c, 0) != len(evidence_units(chunk))]
        if short:
            problems.append(f"{len(short)} committed chunks lack some unit vectors")
        if orphans := units.keys() - wanted.keys():
            problems.append(f"unit vectors of {len(orphans)} chunks that are not committed")
        return problems

    def _nearest(self, collection: Any, vector: list[float], n: int, include: list[str]) -> Any:
        """Chroma's answer for the `n` vectors of `collection` nearest to `vector` (None when
        the collection is empty)."""
        with self._store_errors():
            count = collection.count()
            if count == 0:
                return None
            return collection.query(
                query_embeddings=[vector], n_results=min(n, count), include=include
            )

    def unit_search(self, vector: list[float], n: int) -> list[tuple[Chunk, float]]:
        """The `n` chunks holding the sentences nearest to `vector`, each scored by its best
        sentence (a question often matches one sentence of a long passage far better than the
        passage as a whole)."""
        keyword = self.keyword
        # several of the nearest sentences may share a chunk: ask for more than n
        result = self._nearest(self.units, vector, n * 4, ["metadatas", "distances"])
        if result is None:
            return []
        best: dict[str, float] = {}
        for meta, distance in zip(result["metadatas"][0], result["distances"][0], strict=True):
            cid = str(meta["chunk_id"])
            if cid in keyword.by_id and cid not in best:
                best[cid] = 1.0 - float(distance)
        return [(keyword.by_id[cid], score) for cid, score in list(best.items())[:n]]

    def dense_search(self, vector: list[float], n: int) -> list[tuple[Chunk, float]]:
        """Nearest chunks by cosine similarity, restricted to the committed chunk set."""
        keyword = self.keyword
        result = self._nearest(self.collection, vector, n, ["distances"])
        if result is None:
            return []
        hits: list[tuple[Chunk, float]] = []
        for cid, distance in zip(result["ids"][0], result["distances"][0], strict=True):
            chunk = keyword.by_id.get(cid)
            if chunk is not None:  # ignore chunks of an ingest that has not committed
                hits.append((chunk, 1.0 - float(distance)))
        return hits
