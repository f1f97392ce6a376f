"""One index shared by several processes: ingests killed at every phase of the commit, and
long-lived readers (a Python process, the web page) asking while other processes ingest,
update and remove documents."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from assistant import Assistant

from .conftest import make_settings, write

pytestmark = pytest.mark.slow

DOCS_BEFORE = {
    "alpha": "Alpha notes\n\nThe Foo Board was set up in 2030 to audit AI systems used by "
    "ministries.\n",
    "bravo": "Bravo notes\n\nThe Bar Council publishes an annual report on machine learning "
    "safety every March.\n",
    "charlie": "Charlie notes\n\nThe Qux Office trains civil servants in data protection law "
    "and runs a helpline for local governments.\n",
}
DOCS_AFTER = {
    "alpha": DOCS_BEFORE["alpha"],
    "bravo": "Bravo notes\n\nThe Bar Council publishes a quarterly review of robotics safety "
    "every June.\n",
    "delta": "Delta notes\n\nThe Zed Agency funds university research on natural language "
    "processing with grants of 40 million yen.\n",
}

# Runs `assistant ingest` with one step of the ingest made to stop and wait (to be killed):
# the phase named in argv[1], before or inside the commit.
PAUSING_INGEST = textwrap.dedent(
    """
    import os, sys, time
    import assistant.commit as commit
    import assistant.index as index
    import assistant.store as store
    import assistant.vectors as vectors

    phase = sys.argv.pop(1)

    def pause():
        print("PAUSED", flush=True)
        time.sleep(3600)

    def before(owner, name):
        original = getattr(owner, name)
        def wrapper(*args, **kwargs):
            pause()
            return original(*args, **kwargs)
        setattr(owner, name, wrapper)

    def after_first(owner, name):
        original = getattr(owner, name)
        def wrapper(*args, **kwargs):
            result = original(*args, **kwargs)
            pause()
            return result
        setattr(owner, name, wrapper)

    if phase == "snapshots":
        before(commit.Committer, "write_snapshot")
    elif phase == "vectors":
        after_first(store.ChromaStore, "upsert")
    elif phase == "state":
        before(commit.Committer, "write_state")
    elif phase == "rename":
        original = commit.write_atomic
        def write_atomic(path, data):
            if path.name == "registry.json":
                tmp = path.with_name(f".{path.name}.tmp")
                tmp.write_text(data, encoding="utf-8")
                pause()
            original(path, data)
        commit.write_atomic = write_atomic
    elif phase == "committed":
        before(index.Index, "_collect")
    elif phase == "collecting":
        after_first(store.ChromaStore, "delete")
    elif phase == "files":
        before(commit.Committer, "collect_files")
    from assistant.faces.cli import app
    sys.argv = ["assistant", *sys.argv[1:]]
    app()
    """
)
PHASES_BEFORE_COMMIT = ("snapshots", "vectors", "state", "rename")
PHASES_AFTER_COMMIT = ("committed", "collecting", "files")


def put_corpus(folder: Path, docs: dict[str, str]) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    for name, text in docs.items():
        write(folder / f"{name}.txt", text)
    return folder


def env_for(data: Path, corpus: Path) -> dict[str, str]:
    return {**os.environ, "ASSISTANT_DATA_DIR": str(data), "ASSISTANT_CORPUS_DIR": str(corpus)}


def assert_cited_verbatim(bot: Assistant, answer) -> None:
    for c in answer.citations:
        assert bot.index.document_text(c.doc_id)[c.start : c.end] == c.quote


@pytest.fixture(scope="module")
def committed_before(tmp_path_factory, embedder) -> Path:
    """A data directory holding DOCS_BEFORE, to be copied by each test; the documents were
    read from `<it>/../corpus`, which tests rewrite to DOCS_AFTER (the registry records the
    folder a document came from, so an ingest of that folder drops what is gone from it)."""
    root = tmp_path_factory.mktemp("shared")
    corpus = put_corpus(root / "corpus", DOCS_BEFORE)
    bot = Assistant(make_settings(root / "data", corpus_dir=corpus), embedder=embedder)
    bot.ingest()
    assert bot.index.verify() == []
    return root / "data"


@pytest.mark.parametrize("phase", PHASES_BEFORE_COMMIT + PHASES_AFTER_COMMIT)
def test_an_ingest_killed_at_any_phase_leaves_a_whole_state(
    phase, committed_before, tmp_path, embedder
):
    data = tmp_path / "data"
    shutil.copytree(committed_before, data)
    corpus = put_corpus(committed_before.parent / "corpus", DOCS_AFTER)
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSING_INGEST, phase, "ingest", str(corpus)],
        env=env_for(data, corpus),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    assert line.strip() == "PAUSED", process.stderr.read()
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)

    settings = make_settings(data, corpus_dir=corpus)
    reader = Assistant(settings, embedder=embedder)
    # Before verify collects anything: the committed state has every vector it references.
    committed_missing = [p for p in reader.index.verify() if "committed" in p]
    assert committed_missing == []
    assert reader.index.verify() == []  # garbage, if any, was collected
    expected = DOCS_BEFORE if phase in PHASES_BEFORE_COMMIT else DOCS_AFTER
    assert sorted(reader.documents()) == sorted(expected)
    answer = reader.ask("When was the Foo Board set up?")
    assert not answer.abstained and answer.citations[0].doc_id == "alpha"
    assert_cited_verbatim(reader, answer)
    if phase in PHASES_BEFORE_COMMIT:  # the old state serves whole
        answer = reader.ask("What does the Qux Office train civil servants in?")
        assert [c.doc_id for c in answer.citations][:1] == ["charlie"]
        assert_cited_verbatim(reader, answer)

    report = reader.ingest([corpus])  # the next ingest finishes the job
    assert reader.index.verify() == []
    assert sorted(reader.documents()) == sorted(DOCS_AFTER)
    answer = reader.ask("What does the Zed Agency fund?")
    assert [c.doc_id for c in answer.citations][:1] == ["delta"]
    assert_cited_verbatim(reader, answer)
    if phase in PHASES_AFTER_COMMIT:
        assert report.embedded == 0  # what the killed run stored and committed is kept


def test_verify_leaves_an_ingest_in_progress_alone(committed_before, tmp_path, embedder):
    """Vectors an unfinished ingest has written are not garbage while it holds the lock."""
    data = tmp_path / "data"
    shutil.copytree(committed_before, data)
    corpus = put_corpus(committed_before.parent / "corpus", DOCS_AFTER)
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSING_INGEST, "state", "ingest", str(corpus)],
        env=env_for(data, corpus),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "PAUSED", process.stderr.read()
        reader = Assistant(make_settings(data, corpus_dir=corpus), embedder=embedder)
        assert reader.index.verify() == []
        assert reader.index.last_collected == 0
        stored = {s.id for s in reader.index.stores.passages.get()}
        assert len(stored) > len(reader.index.chunks)  # the new chunks' vectors are still there
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    reader.ingest([corpus])
    assert reader.index.verify() == []
    assert sorted(reader.documents()) == sorted(DOCS_AFTER)


def cli(data: Path, corpus: Path, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        env=env_for(data, corpus),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr


class Asker(threading.Thread):
    """Asks questions in a loop until stopped, recording every failure and every answer."""

    def __init__(self, ask) -> None:
        super().__init__(daemon=True)
        self.ask = ask
        self.stop = threading.Event()
        self.answers: list[dict] = []
        self.errors: list[str] = []

    def run(self) -> None:
        questions = ["When was the Foo Board set up?", "What does the Zed Agency fund?"]
        i = 0
        while not self.stop.is_set():
            question = questions[i % 2]
            i += 1
            try:
                self.answers.append({"question": question, **self.ask(question)})
            except Exception as exc:  # noqa: BLE001 - every failure is reported
                self.errors.append(repr(exc))

    def finish(self) -> None:
        self.stop.set()
        self.join(timeout=120)


def test_a_long_lived_reader_follows_ingests_updates_and_removals(
    committed_before, tmp_path, embedder
):
    data = tmp_path / "data"
    shutil.copytree(committed_before, data)
    corpus = tmp_path / "corpus"
    reader = Assistant(make_settings(data, corpus_dir=corpus), embedder=embedder)
    reader.warm_up()

    def ask(question: str) -> dict:
        answer = reader.ask(question)
        for c in answer.citations:
            assert reader.index.document_text(c.doc_id)[c.start : c.end] == c.quote
        return answer.to_json()

    asker = Asker(ask)
    asker.start()
    extra = write(tmp_path / "extra" / "delta.txt", DOCS_AFTER["delta"])
    cli(data, corpus, "ingest", str(extra))  # a new document
    time.sleep(1)
    assert "delta" in reader.documents()
    found = reader.ask("What does the Zed Agency fund?")
    assert [c.doc_id for c in found.citations][:1] == ["delta"]
    bravo = put_corpus(tmp_path / "bravo", {"bravo": DOCS_AFTER["bravo"]})
    cli(data, corpus, "ingest", str(bravo / "bravo.txt"))  # an update
    cli(data, corpus, "remove", "delta")  # a removal
    time.sleep(1)
    asker.finish()
    print(f"long-lived reader: {len(asker.answers)} answered, {len(asker.errors)} failed")
    assert not asker.errors, asker.errors[:3]
    assert len(asker.answers) > 10
    assert "delta" not in reader.documents()
    after = reader.ask("What does the Zed Agency fund?")
    assert all(c.doc_id != "delta" for c in after.citations)
    assert reader.ask("When was the Foo Board set up?").citations[0].doc_id == "alpha"
    assert reader.index.verify() == []


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_page_keeps_answering_while_the_cli_changes_the_index(committed_before, tmp_path):
    from gradio_client import Client

    data = tmp_path / "data"
    shutil.copytree(committed_before, data)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--no-ingest", "--port", str(port)],
        env=env_for(data, corpus),
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "server.log").open("w"),
    )
    try:
        client = None
        deadline = time.monotonic() + 180
        while client is None:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            try:
                client = Client(f"http://127.0.0.1:{port}/", verbose=False)
            except Exception:  # noqa: BLE001 - not up yet
                assert time.monotonic() < deadline, "the page did not start"
                time.sleep(1)

        def alive() -> None:  # a page that died says why
            assert server.poll() is None, (tmp_path / "server.log").read_text()[-3000:]

        def ask(question: str) -> dict:
            alive()
            return client.predict(question=question, api_name="/ask")

        def listed() -> set[str]:
            alive()
            return {d["doc_id"] for d in client.predict(api_name="/documents")}

        asker = Asker(ask)
        asker.start()
        extra = write(tmp_path / "extra" / "delta.txt", DOCS_AFTER["delta"])
        cli(data, corpus, "ingest", str(extra))
        time.sleep(1)
        assert "delta" in listed()
        answer = ask("What does the Zed Agency fund?")
        assert [c["doc_id"] for c in answer["citations"]][:1] == ["delta"]
        bravo = put_corpus(tmp_path / "bravo", {"bravo": DOCS_AFTER["bravo"]})
        cli(data, corpus, "ingest", str(bravo / "bravo.txt"))
        cli(data, corpus, "remove", "delta")
        time.sleep(1)
        asker.finish()
        print(f"page: {len(asker.answers)} answered, {len(asker.errors)} failed")
        assert not asker.errors, asker.errors[:3]
        assert len(asker.answers) > 5
        assert "delta" not in listed()
        answer = ask("What does the Zed Agency fund?")
        assert all(c["doc_id"] != "delta" for c in answer["citations"])
        answer = ask("When was the Foo Board set up?")
        assert answer["citations"][0]["doc_id"] == "alpha"
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
