"""Where vectors live: a small vector-store protocol and its Chroma implementation.

Everything the index asks of a vector store is in `VectorStore`: upsert precomputed vectors
with metadata, get them back by id or by metadata, query by vector, delete, count. Every
Chroma call of the package is in this module, so another engine (pgvector, Qdrant,
Elasticsearch, through their LangChain vector stores or clients) is one class that implements
the protocol, and `open_stores` choosing it.

Several processes share one embedded Chroma directory: a long-lived reader (the web page) and
the CLI's ingests. An embedded Chroma client keeps what it loaded in memory and does not see
what another process wrote afterwards, nor that it deleted something. `ChromaConnection.renew`
opens a fresh view of the directory; the index calls it whenever another process has committed
(see `Index.refresh`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from .errors import AssistantError, IndexStateError

Metadata = dict[str, str | int | float | bool]


@dataclass(frozen=True, slots=True)
class Stored:
    """One stored vector: its id, its metadata and (when asked for) the vector itself."""

    id: str
    metadata: Metadata
    vector: list[float] | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """One answer to a nearest-vector query: cosine similarity, best first."""

    id: str
    metadata: Metadata
    similarity: float


class VectorStore(Protocol):
    """A named set of vectors with metadata (one per embedding model and purpose)."""

    name: str

    def upsert(
        self,
        ids: Sequence[str],
        vectors: Sequence[Sequence[float]],
        metadatas: Sequence[Metadata],
        documents: Sequence[str] | None = None,
    ) -> None: ...

    def get(
        self,
        *,
        ids: Sequence[str] | None = None,
        where: dict[str, Any] | None = None,
        vectors: bool = False,
    ) -> list[Stored]: ...

    def query(
        self, vector: Sequence[float], n: int, where: dict[str, Any] | None = None
    ) -> list[Hit]: ...

    def delete(self, *, ids: Sequence[str] = (), where: dict[str, Any] | None = None) -> None: ...

    def count(self) -> int: ...


def one_of(key: str, values: Sequence[str | int]) -> dict[str, Any]:
    """A metadata filter: `key` is any of `values`."""
    return {key: {"$in": list(values)}}


class ChromaConnection:
    """An embedded Chroma directory or a Chroma server, and the collections opened on it.

    A failing server gives one `IndexStateError` line and the next call reconnects; an
    embedded store is reopened by `renew` to see other processes' writes."""

    def __init__(self, directory: Path, url: str | None) -> None:
        self.directory = directory
        self.url = url
        self._client: Any = None
        self._collections: dict[str, Any] = {}
        self._lock = threading.Lock()

    @property
    def where(self) -> str:
        """What the registry records as the store: the server, or 'embedded'."""
        return self.url or "embedded"

    def _connect(self) -> Any:
        import chromadb

        options = chromadb.Settings(anonymized_telemetry=False, allow_reset=False)
        if not self.url:
            # Chroma shares one in-memory system per directory within a process; a fresh one
            # is what reads the directory as other processes have left it.
            from chromadb.api.shared_system_client import SharedSystemClient

            SharedSystemClient._identifier_to_system.pop(str(self.directory), None)
            return chromadb.PersistentClient(path=str(self.directory), settings=options)
        parsed = urlsplit(self.url)
        if parsed.scheme not in {"http", "https"} or not parsed.hostname:
            raise IndexStateError(f"chroma_url must look like http://host:port, not '{self.url}'")
        try:
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=options,
            )
        except Exception as exc:  # connection refused, DNS, version mismatch
            raise IndexStateError(
                f"cannot reach the Chroma server at {self.url} ({type(exc).__name__}); start "
                "it with 'chroma run --path DIR --host 127.0.0.1 --port PORT' or unset chroma_url"
            ) from None

    def collection(self, name: str, model: str) -> Any:
        with self._lock:
            if name not in self._collections:
                if self._client is None:
                    self._client = self._connect()
                self._collections[name] = self._client.get_or_create_collection(
                    name=name,
                    metadata={"hnsw:space": "cosine", "embedding_model": model},
                    embedding_function=None,
                )
            return self._collections[name]

    def renew(self) -> None:
        """Drop what this process loaded, so the next call reads the store as it is now.
        A server already serves every process the same state: nothing to do."""
        if not self.url:
            with self._lock:
                self._client, self._collections = None, {}

    def forget(self) -> None:
        """After a failure: reconnect on the next call."""
        with self._lock:
            self._client, self._collections = None, {}

    @contextmanager
    def errors(self) -> Iterator[None]:
        """A Chroma server that stops answering gives one clear error, not a traceback."""
        try:
            yield
        except AssistantError:
            raise
        except Exception as exc:
            if not self.url:
                raise
            self.forget()
            raise IndexStateError(
                f"the Chroma server at {self.url} failed ({type(exc).__name__}); is it running?"
            ) from None


class ChromaStore:
    """One Chroma collection behind `VectorStore`."""

    def __init__(self, connection: ChromaConnection, name: str, model: str) -> None:
        self.connection = connection
        self.name = name
        self.model = model

    @property
    def _collection(self) -> Any:
        return self.connection.collection(self.name, self.model)

    def _read(self, read: Callable[[Any], Any]) -> Any:
        """A read of the collection. An embedded store another process has just written to
        can fail a read from this process's older view of its files ("Error finding id" while
        ids are being deleted): the store is reopened as it is now and read once more."""
        with self.connection.errors():
            try:
                return read(self._collection)
            except Exception as exc:
                if self.connection.url or type(exc).__name__ != "InternalError":
                    raise
                self.connection.renew()
                return read(self._collection)

    def upsert(
        self,
        ids: Sequence[str],
        vectors: Sequence[Sequence[float]],
        metadatas: Sequence[Metadata],
        documents: Sequence[str] | None = None,
    ) -> None:
        if not ids:
            return
        with self.connection.errors():
            self._collection.upsert(
                ids=list(ids),
                embeddings=[list(v) for v in vectors],
                metadatas=list(metadatas),
                documents=list(documents) if documents is not None else None,
            )

    def get(
        self,
        *,
        ids: Sequence[str] | None = None,
        where: dict[str, Any] | None = None,
        vectors: bool = False,
    ) -> list[Stored]:
        include = ["metadatas", "embeddings"] if vectors else ["metadatas"]
        wanted = list(ids) if ids is not None else None
        found = self._read(lambda c: c.get(ids=wanted, where=where, include=include))
        metadatas = found["metadatas"] or [None] * len(found["ids"])
        embeddings = found.get("embeddings") if vectors else None
        if embeddings is None:
            embeddings = [None] * len(found["ids"])
        # An id another process deleted after this one loaded the store comes back empty.
        return [
            Stored(i, m, [float(x) for x in v] if v is not None else None)
            for i, m, v in zip(found["ids"], metadatas, embeddings, strict=True)
            if m is not None
        ]

    def query(
        self, vector: Sequence[float], n: int, where: dict[str, Any] | None = None
    ) -> list[Hit]:
        """The `n` nearest vectors (among those whose metadata matches `where`, if given)."""

        def query(collection: Any) -> dict[str, Any] | None:
            count = collection.count()
            if count == 0 or n <= 0:
                return None
            return collection.query(
                query_embeddings=[list(vector)],
                n_results=min(n, count),
                where=where,
                include=["metadatas", "distances"],
            )

        found = self._read(query)
        if found is None:
            return []
        return [
            Hit(i, m, 1.0 - float(d))
            for i, m, d in zip(
                found["ids"][0], found["metadatas"][0], found["distances"][0], strict=True
            )
            if m is not None
        ]

    def delete(self, *, ids: Sequence[str] = (), where: dict[str, Any] | None = None) -> None:
        with self.connection.errors():
            if ids:
                for start in range(0, len(ids), 5000):
                    self._collection.delete(ids=list(ids[start : start + 5000]))
            if where is not None:
                self._collection.delete(where=where)

    def count(self) -> int:
        with self.connection.errors():
            return int(self._collection.count())


def collection_name(collection: str, model: str, suffix: str = "") -> str:
    """The collection for a corpus, an embedding model and a purpose (Chroma allows 63
    characters of letters, digits, '-' and '_')."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(model).name)
    return f"{collection}-{slug}{suffix}"[:63].strip("-_")


@dataclass(frozen=True)
class Stores:
    """The two vector sets of an index: passages (what dense retrieval searches) and their
    quotable units (what sentence search and the answerer score). `renew` makes the next
    call see what other processes committed; `where` names the store in the registry."""

    passages: VectorStore
    units: VectorStore
    where: str
    renew: Callable[[], None]


def open_stores(data_dir: Path, url: str | None, collection: str, model: str) -> Stores:
    """The vector stores of an index in `data_dir` (or on the Chroma server at `url`)."""
    connection = ChromaConnection(data_dir / "chroma", url)
    return Stores(
        passages=ChromaStore(connection, collection_name(collection, model), model),
        units=ChromaStore(connection, collection_name(collection, model, "-units"), model),
        where=connection.where,
        renew=connection.renew,
    )
