"""Shared fixtures: the real embedding model, loaded once, and real Chroma indexes in tmp dirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.embeddings import Embedder, make_embedder

ROOT = Path(__file__).resolve().parents[1]
CITATION_KEYS = {
    "marker",
    "doc_id",
    "title",
    "section",
    "chunk_id",
    "quote",
    "start",
    "end",
    "locator",
    "page",
    "parallel",
    "note",
    "version",
}
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    model = make_embedder(Settings().embedding_model)  # the default model: what users get
    model.encode(["load the model once for the whole run"])
    return model


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    return Settings(**{"data_dir": data_dir, "corpus_dir": CORPUS, **overrides})


@pytest.fixture(scope="session")
def corpus_bot(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Assistant:
    """An assistant over the real corpus, ingested once (read-only for tests)."""
    bot = Assistant(make_settings(tmp_path_factory.mktemp("corpus-index")), embedder=embedder)
    bot.ingest()
    return bot


@pytest.fixture
def fresh_bot(tmp_path: Path, embedder: Embedder) -> Assistant:
    """An assistant over an empty index of its own, for tests that write."""
    return Assistant(make_settings(tmp_path / "data"), embedder=embedder)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
