"""The vector store as a real Chroma server (`chroma run`) on a loopback port: same answers as the
embedded store, nothing lost across a server restart, one clear error while it is down."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.errors import AssistantError

from .conftest import make_settings
from .test_backends import free_port

CHROMA = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
pytestmark = pytest.mark.slow


class ChromaServer:
    def __init__(self, path: Path) -> None:
        self.path, self.port = path, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                CHROMA,
                "run",
                "--path",
                str(self.path),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=2):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("chroma run exited") from None
                time.sleep(0.3)
        raise RuntimeError("the Chroma server did not come up in 60 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture
def server(tmp_path):
    chroma = ChromaServer(tmp_path / "chroma-server")
    chroma.start()
    yield chroma
    chroma.stop()


def test_ingest_and_ask_through_a_chroma_server_survive_a_restart(tmp_path, embedder, server):
    settings = make_settings(tmp_path / "data", chroma_url=server.url)
    bot = Assistant(settings, embedder=embedder)
    report = bot.ingest()
    assert report.total_chunks > 0
    assert not (tmp_path / "data" / "chroma").exists()  # vectors live on the server
    question = "When was the AI Safety Institute established?"
    before = bot.ask(question)
    assert "February 14, 2024" in before.answer

    server.stop()
    with pytest.raises(AssistantError, match="Chroma server"):
        Assistant(settings, embedder=embedder).ask(question)
    server.start()

    again = Assistant(settings, embedder=embedder)
    after = again.ask(question)
    assert after.answer == before.answer
    assert [c.chunk_id for c in after.citations] == [c.chunk_id for c in before.citations]
    unchanged = again.ingest()  # nothing lost: nothing to embed again
    assert unchanged.embedded == 0 and unchanged.units_embedded == 0


def test_unreachable_chroma_url_is_one_clear_error(tmp_path, embedder):
    settings = make_settings(tmp_path / "data", chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(AssistantError, match="Chroma server"):
        Assistant(settings, embedder=embedder).ingest()
    assert not (tmp_path / "data" / "registry.json").exists()
