"""Crash safety and concurrency with real processes: `assistant ingest` killed with SIGKILL at
random points, two ingests at once, and questions asked while an ingest runs."""

from __future__ import annotations

import math
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.chunking import chunk_document, evidence_units
from assistant.corpus import read_paths
from assistant.index import passage_text

from .conftest import CORPUS, make_settings

pytestmark = pytest.mark.slow


def make_corpus(folder: Path, copies: int) -> Path:
    """Variants of the seed documents: new text (so it must be embedded), same structure."""
    folder.mkdir(parents=True, exist_ok=True)
    seed = sorted(CORPUS.glob("*.txt"))[-1].read_text(encoding="utf-8")
    paragraphs = [p for p in seed.split("\n\n") if p.strip()][:8]
    for i in range(copies):
        text = "\n\n".join(f"{p} (copy {i})" for p in paragraphs[i % 3 :])
        (folder / f"copy-{i:02d}.txt").write_text(f"Copy {i}\n\n{text}", encoding="utf-8")
    return folder


def copies_for(seconds: float, embedder, tmp: Path) -> int:
    """How many copies keep this machine's encoder busy for about `seconds`: the kills below
    must land inside the ingest on a fast machine as on a slow one."""
    sample = make_corpus(tmp, copies=1)
    doc = read_paths([sample], max_bytes=10**7)[0]
    chunks = chunk_document(doc, max_chars=make_settings(tmp).chunk_max_chars)
    texts = [u.context for c in chunks for u in evidence_units(c)] + [
        passage_text(c) for c in chunks
    ]
    start = time.perf_counter()
    embedder.encode(texts)
    per_copy = time.perf_counter() - start
    return max(6, math.ceil(seconds / per_copy))


def ingest_process(corpus: Path, data: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "ASSISTANT_CORPUS_DIR": str(corpus)}
    return subprocess.Popen(
        [sys.executable, "-m", "assistant", "ingest", str(corpus)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_ingest_killed_at_random_points_is_finished_by_the_next_run(tmp_path, embedder):
    copies = copies_for(40.0, embedder, tmp_path / "sample")
    corpus = make_corpus(tmp_path / "corpus", copies=copies)
    data = tmp_path / "data"
    rng = random.Random(11)
    kills = 0
    for _ in range(4):
        process = ingest_process(corpus, data)
        time.sleep(rng.uniform(2.0, 9.0))  # start-up, reading, embedding, writing: anywhere
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=60)
    assert kills >= 3, "the ingest finished before it could be killed; make the corpus bigger"

    final = ingest_process(corpus, data)
    assert final.wait(timeout=600) == 0, final.stderr.read().decode()
    bot = Assistant(make_settings(data, corpus_dir=corpus), embedder=embedder)
    assert bot.index.verify() == []
    assert sorted(bot.documents()) == sorted(f"copy-{i:02d}" for i in range(copies))
    answer = bot.ask("How does Japan approach AI regulation?")
    for c in answer.citations:
        assert bot.index.document_text(c.doc_id)[c.start : c.end] == c.quote


def test_concurrent_ingests_are_serialised(tmp_path, embedder):
    corpus = make_corpus(tmp_path / "corpus", copies=3)
    data = tmp_path / "data"
    first, second = ingest_process(corpus, data), ingest_process(corpus, data)
    assert first.wait(timeout=600) == 0, first.stderr.read().decode()
    assert second.wait(timeout=600) == 0, second.stderr.read().decode()
    bot = Assistant(make_settings(data, corpus_dir=corpus), embedder=embedder)
    assert bot.index.verify() == []
    assert len(bot.documents()) == 3


def test_questions_during_an_ingest_cite_only_committed_text(tmp_path, embedder):
    corpus = make_corpus(tmp_path / "corpus", copies=2)
    data = tmp_path / "data"
    bot = Assistant(make_settings(data, corpus_dir=corpus), embedder=embedder)
    bot.ingest()
    make_corpus(corpus, copies=5)  # three more documents, and the first two unchanged
    process = ingest_process(corpus, data)
    answers, errors = [], []

    def ask_repeatedly() -> None:
        reader = Assistant(make_settings(data, corpus_dir=corpus), embedder=embedder)
        while process.poll() is None:
            try:
                answer = reader.ask("How does Japan approach AI regulation?")
                for c in answer.citations:
                    text = reader.index.document_text(c.doc_id)
                    assert text[c.start : c.end] == c.quote
                answers.append(answer)
            except Exception as exc:  # noqa: BLE001 - every failure is reported below
                errors.append(repr(exc))

    thread = threading.Thread(target=ask_repeatedly)
    thread.start()
    assert process.wait(timeout=600) == 0, process.stderr.read().decode()
    thread.join(timeout=60)
    assert not errors, errors[:3]
    assert answers, "no question was answered while the ingest ran"
    assert Assistant(make_settings(data, corpus_dir=corpus), embedder=embedder).index.verify() == []
