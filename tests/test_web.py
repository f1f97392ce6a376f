"""The web page against a live server on loopback: API, uploads, load, and a real browser."""

from __future__ import annotations

import os
import shutil
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
from gradio_client import Client, handle_file

from assistant import Assistant
from assistant.errors import AssistantError
from assistant.faces.web import serve

from .conftest import CITATION_KEYS, make_settings, write

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def web_bot(tmp_path_factory, embedder) -> Assistant:
    """The corpus in an index of its own: these tests upload documents."""
    bot = Assistant(make_settings(tmp_path_factory.mktemp("web-index")), embedder=embedder)
    bot.ingest()
    return bot


@pytest.fixture(scope="module")
def url(web_bot):
    port = free_port()
    app = serve(web_bot, port=port, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.close()


@pytest.fixture(scope="module")
def client(url):
    return Client(url, verbose=False)


def test_ask_endpoint_returns_the_cli_json(client):
    data = client.predict(question="When was the AI Safety Institute established?", api_name="/ask")
    assert data["abstained"] is False and "February 14, 2024" in data["answer"]
    assert data["citations"][0]["doc_id"] == "gr-japan-ai-governance"
    assert set(data["citations"][0]) == CITATION_KEYS


def test_follow_up_is_answered_about_the_earlier_subject(client):
    data = client.predict(
        question="When was it established?",
        history=["What is the AI Safety Institute?"],
        api_name="/ask",
    )
    assert "AI Safety Institute" in data["standalone_question"]
    assert "February 14, 2024" in data["answer"]


def test_bad_question_is_an_error_not_a_crash(client):
    with pytest.raises(Exception, match="empty"):
        client.predict(question="   ", api_name="/ask")


def test_upload_then_ask_cites_the_new_document(client, tmp_path):
    note = write(
        tmp_path / "Osaka Sandbox Note.md",
        "# Osaka AI sandbox\n\nThe Osaka prefectural government opened an AI regulatory "
        "sandbox for medical startups in March 2026.\n",
    )
    status, _ = client.predict(handle_file(str(note)), api_name="/upload")
    assert "Added" in status
    documents = client.predict(api_name="/documents")
    record = next(d for d in documents if d["doc_id"] == "osaka-sandbox-note")
    assert record["title"] == "Osaka AI sandbox" and "path" not in record
    data = client.predict(
        question="When did Osaka open its AI regulatory sandbox?", api_name="/ask"
    )
    assert data["citations"][0]["doc_id"] == "osaka-sandbox-note"
    assert "March 2026" in data["citations"][0]["quote"]

    again, _ = client.predict(handle_file(str(note)), api_name="/upload")
    assert "already in the corpus" in again


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"  \n", "empty"),
        ("binary.txt", b"\x00\x01\x02\x03", "binary"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
        ("gr-japan-ai-governance.txt", b"A different text under a taken id.", "already in"),
    ],
)
def test_bad_uploads_get_a_message_and_change_nothing(
    client, web_bot, tmp_path, name, content, message
):
    before = web_bot.index.registry_path.read_text()
    path = tmp_path / name
    path.write_bytes(content)
    status, _ = client.predict(handle_file(str(path)), api_name="/upload")
    assert status.startswith("❌") and message in status
    assert "/tmp/" not in status and "gradio" not in status  # the file's own name only
    assert web_bot.index.registry_path.read_text() == before
    assert not (web_bot.settings.data_dir / "uploads" / name).exists()


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ([1, 2], "history item 1 must be text"),
        ([{"q": "What is the AI PT?"}], "history item 1 must be text"),
        (["AI Safety Institute " * 500], "history item 1 is 9999 characters long"),
        (["What is the AI PT?"] * 51, "the limit is 50"),
    ],
)
def test_a_bad_history_is_a_clear_error(client, history, message):
    with pytest.raises(Exception, match=message):
        client.predict(question="When was it established?", history=history, api_name="/ask")
    data = client.predict(question="When was the AI Safety Institute established?", api_name="/ask")
    assert "February 14, 2024" in data["answer"]  # the page still answers


def test_ten_concurrent_users_all_get_correct_answers(url):
    questions = [
        ("When was the AI Safety Institute established?", "February 14, 2024"),
        ("Who chairs the AI PT?", "Masaaki Taira"),
    ] * 5

    def ask(item):
        question, expected = item
        data = Client(url, verbose=False).predict(question=question, api_name="/ask")
        return expected in data["answer"]

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(ask, questions))
    assert results == [True] * 10


def test_exposing_without_a_password_is_refused(web_bot):
    with pytest.raises(AssistantError, match="password"):
        serve(web_bot, host="0.0.0.0", port=free_port(), block=False)


def test_password_protected_page_rejects_anonymous_clients(web_bot):
    port = free_port()
    app = serve(web_bot, port=port, password="s3cret", block=False)
    try:
        url = f"http://127.0.0.1:{port}/"
        with pytest.raises(Exception):  # noqa: B017 - any refusal will do
            Client(url, verbose=False).predict(question="Who chairs the AI PT?", api_name="/ask")
        authed = Client(url, auth=("admin", "s3cret"), verbose=False)
        assert (
            "Masaaki Taira"
            in authed.predict(question="Who chairs the AI PT?", api_name="/ask")["answer"]
        )
    finally:
        app.close()


@pytest.fixture
def page(url):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs it)")
        pytest.skip("chromium is not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSER_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        yield page
        browser.close()


def ask_in_browser(page, question: str) -> None:
    page.locator("#question textarea").fill(question)
    page.locator("#ask").click()


def test_browser_answer_markers_open_the_highlighted_passage(page, tmp_path):
    ask_in_browser(page, "When was the AI Safety Institute established?")
    marker = page.locator("#chat a.cite").first
    marker.wait_for(timeout=30_000)
    assert "February 14, 2024" in page.locator("#chat").inner_text()
    assert "AI Safety Institute" in marker.get_attribute("title")  # hover shows the passage

    page.locator("#sources details.source").first.wait_for(timeout=30_000)
    page.evaluate("document.querySelectorAll('#sources details').forEach(d => d.open = false)")
    marker.click()
    highlighted = page.locator("#source-1[open] mark")
    highlighted.wait_for(timeout=10_000)
    assert "February 14, 2024" in highlighted.inner_text()
    page.screenshot(path=str(tmp_path / "answer.png"), full_page=True)
    assert (tmp_path / "answer.png").stat().st_size > 10_000


def test_browser_abstention_looks_different(page, tmp_path):
    ask_in_browser(page, "How do I bake sourdough bread?")
    page.locator("#chat .abstain").wait_for(timeout=30_000)
    assert "do not answer" in page.locator("#chat .abstain").inner_text()
    assert "No passage in the corpus" in page.locator("#sources").inner_text()
    assert page.locator("#chat a.cite").count() == 0
    page.screenshot(path=str(tmp_path / "abstention.png"), full_page=True)


def test_browser_documents_tab_lists_the_corpus(page):
    page.get_by_role("tab", name="Documents").click()
    table = page.locator("#documents-table")
    table.wait_for(timeout=10_000)
    text = table.inner_text()
    assert "gr-japan-ai-governance" in text and "japan-cautious-shift" in text
