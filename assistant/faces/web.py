"""The chat web page: a Gradio face over `Assistant`. It holds no retrieval logic.

Layout: an "Ask" tab (chat with streamed answers whose `[n]` markers show the cited passage on
hover and open it in the sources panel on click; example questions; k and backend settings) and
a "Documents" tab (the corpus, and upload). Named API endpoints (`/ask`, `/documents`,
`/upload`) return the same JSON as the CLI.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from ..answerers import BACKEND_NAMES  # noqa: E402
from ..corpus import SUPPORTED_SUFFIXES
from ..errors import AssistantError
from ..lawapi import fetch_law
from ..markers import own_markers
from ..pipeline import Assistant
from ..schema import Answer, Citation
from .text import partial_notes

BACKENDS = BACKEND_NAMES  # the table of backends (`answerers.BACKENDS`)
EXAMPLES = (
    "When was the AI Safety Institute established?",
    "What are the five strategic objectives of AI Strategy 2022?",
    "What did the AI Policy Study Group's interim report of February 2025 recommend?",
    "AIセーフティ・インスティテュートが設立されたのはいつですか？",
    "AI事業者ガイドラインはいつ公表されましたか？",
)
DOCUMENT_COLUMNS = ["doc_id", "title", "publisher", "date", "language", "chunks"]

CSS = """
#sources .source {border:1px solid var(--border-color-primary);border-radius:8px;
  padding:.5rem .7rem;margin:.5rem 0}
#sources .source[open] {border-color: var(--color-accent)}
#sources .source summary {cursor:pointer;font-weight:600}
#sources .meta {color:var(--body-text-color-subdued);font-size:.85em}
#sources mark {background:#ffe58a;color:#111;padding:0 .1em}
#sources .passage {white-space:pre-wrap;line-height:1.45}
#sources .pair {display:grid;grid-template-columns:1fr 1fr;gap:12px}
#sources .caution {color:#a15c00}
.abstain {border-left:4px solid #d9822b;background:rgba(217,130,43,.12);padding:.4rem .7rem;
  border-radius:4px}
#sources .empty {border-left:4px solid #d9822b;padding:.4rem .7rem}
a.cite {text-decoration:none;font-weight:600}
.draft {color:var(--body-text-color-subdued);font-style:italic}
.notice {font-size:.85em;color:var(--body-text-color-subdued);margin-bottom:.3rem}
"""

# Clicking a marker opens and highlights its source in the panel (event delegation survives
# Gradio re-rendering the chat).
HEAD = """
<script>
document.addEventListener('click', function (event) {
  const link = event.target.closest('a.cite');
  if (!link) return;
  event.preventDefault();
  const target = document.getElementById((link.getAttribute('href') || '').slice(1));
  if (!target) return;
  document.querySelectorAll('#sources details.source').forEach(d => d.open = false);
  target.open = true;
  target.scrollIntoView({behavior: 'smooth', block: 'nearest'});
}, true);
</script>
"""


def _attr(text: str) -> str:
    return html.escape(" ".join(text.split()), quote=True)


def render_answer(answer: Answer, upto: int | None = None) -> str:
    """The chat message: the answer's markers become links that show the quote on hover
    (bracketed numbers inside a quoted passage are the source's own, shown as text)."""
    if answer.abstained:
        return f'<div class="abstain">⚠️ {html.escape(answer.answer)}</div>'
    end = len(answer.answer) if upto is None else upto
    by_marker = {c.marker: c for c in answer.citations}
    parts, pos = [], 0
    for match in own_markers(answer.answer, [c.quote for c in answer.citations]):
        c = by_marker.get(int(match[1]))
        if c is None or match.end() > end:
            continue
        tip = _attr(f"{c.title} — {c.section}: “{c.quote}”")
        parts.append(html.escape(answer.answer[pos : match.start()], quote=False))
        parts.append(f'<a class="cite" href="#source-{c.marker}" title="{tip}">[{c.marker}]</a>')
        pos = match.end()
    parts.append(html.escape(answer.answer[pos:end], quote=False))
    notes = partial_notes(answer) if upto is None else []
    parts += [f'<div class="notice partial">in part: {html.escape(n)}</div>' for n in notes]
    return "".join(parts)


def render_sources(bot: Assistant, answer: Answer | None) -> str:
    """The sources panel: each citation's document, section, date and passage, quote marked."""
    if answer is None:
        return (
            '<div id="sources-empty" class="meta">Sources of the latest answer appear here.</div>'
        )
    if answer.abstained:
        return (
            '<div class="empty">No passage in the corpus answers this question, so nothing is '
            "cited. Try rephrasing, or add a document that covers it.</div>"
        )
    documents = bot.documents()
    parts = [f"<div class=meta>Question answered: {html.escape(answer.standalone_question)}</div>"]
    for c in answer.citations:
        record = documents.get(c.doc_id, {})
        chunk = bot.chunk(c.chunk_id)
        if chunk is not None and chunk.start <= c.start and c.end <= chunk.end:
            a, b = c.start - chunk.start, c.end - chunk.start
            passage = (
                f"{html.escape(chunk.text[:a])}<mark>{html.escape(chunk.text[a:b])}</mark>"
                f"{html.escape(chunk.text[b:])}"
            )
        else:
            passage = f"<mark>{html.escape(c.quote)}</mark>"
        located = f"{html.escape(c.locator)} · " if c.locator else ""
        language = html.escape(chunk.language if chunk else "")
        body = f'<div class="passage" lang="{language}">{passage}</div>'
        if c.note:
            body += f'<div class="meta note">{html.escape(c.note)}</div>'
        if c.parallel:
            body = _side_by_side(c, body)
        parts.append(
            f'<details class="source" id="source-{c.marker}"{" open" if c.marker == 1 else ""}>'
            f"<summary>[{c.marker}] {html.escape(c.title)}</summary>"
            f"<div class=meta>{located}{html.escape(c.section or '—')} · "
            f"{html.escape(c.version or record.get('date') or 'undated')} · "
            f"{html.escape(c.doc_id)} · characters {c.start}–{c.end}</div>{body}</details>"
        )
    return "\n".join(parts)


def _side_by_side(c: Citation, body: str) -> str:
    """The cited text and the same provision in the other language, in two columns, each with
    its language and version; a caution where the two versions differ."""
    other = c.parallel or {}
    version = f" · {other['version']}" if other.get("version") else ""
    right = (
        f'<div class="meta">Same provision ({html.escape(other["language"])}'
        f"{html.escape(version)}) · {html.escape(other.get('title', ''))}</div>"
        f'<div class="passage parallel" lang="{html.escape(other["language"])}">'
        f"{html.escape(other['text'])}</div>"
    )
    if other.get("note"):
        right += f'<div class="meta note">{html.escape(other["note"])}</div>'
    caution = (
        '<div class="meta caution">The two versions state different numbers or references '
        "here: they are of different dates, and the Japanese text is the law.</div>"
        if other.get("differs")
        else ""
    )
    return f'<div class="pair"><div>{body}</div><div>{right}</div></div>{caution}'


def document_rows(bot: Assistant) -> list[list[Any]]:
    return [
        [
            doc_id,
            r.get("title"),
            r.get("publisher") or "",
            r.get("date") or "",
            r.get("language"),
            r.get("chunks"),
        ]
        for doc_id, r in bot.documents().items()
    ]


def build(bot: Assistant) -> gr.Blocks:
    """The Gradio app for `bot` (call `.queue()` and `.launch()` on it, or use `serve`)."""

    def respond(
        question: str, chat: list[dict[str, Any]], asked: list[str], k: float, backend: str
    ) -> Iterator[tuple[Any, ...]]:
        if backend not in BACKENDS:
            raise gr.Error(f"unknown answer backend '{backend}'")
        try:
            stream = bot.ask_stream(question, k=int(k), history=asked, backend=backend)
            chat = [*chat, {"role": "user", "content": question}]
            asked = [*asked, question]
            draft = ""
            for item in stream:
                if isinstance(item, str):
                    # A chat model's draft, shown greyed until the guard has checked it.
                    draft += item
                    content = f'<div class="draft">checking… {html.escape(draft)}</div>'
                    yield [*chat, {"role": "assistant", "content": content}], gr.skip(), asked, ""
                    continue
                answer = item
        except AssistantError as error:
            raise gr.Error(str(error)) from None
        notice = f'<div class="notice">{html.escape(answer.notice)}</div>' if answer.notice else ""
        chat.append({"role": "assistant", "content": ""})
        if not answer.abstained and not draft:
            # Stream the extractive answer in, a few words at a time.
            ends = [m.end() for m in re.finditer(r"\S+\s*", answer.answer)]
            for i in range(0, len(ends), 6):
                chat[-1] = {"role": "assistant", "content": render_answer(answer, ends[i])}
                yield chat, gr.skip(), asked, ""
                time.sleep(0.02)
        chat[-1] = {"role": "assistant", "content": notice + render_answer(answer)}
        yield chat, render_sources(bot, answer), asked, ""

    def add_document(file: Any, progress: gr.Progress = gr.Progress()) -> tuple[str, Any]:  # noqa: B008
        if file is None:
            return "Choose a file to add.", document_rows(bot)
        path = Path(file if isinstance(file, str) else file.name)
        name = Path(getattr(file, "orig_name", None) or path.name).name
        progress(0, desc="checking")
        try:
            report = bot.add_upload(
                path, name, progress=lambda done, total: progress((done, total), unit="chunks")
            )
        except AssistantError as error:
            return f"❌ Not added: {html.escape(str(error))}", document_rows(bot)
        if report.unchanged:
            return f"ℹ️ {html.escape(name)} is already in the corpus, unchanged.", document_rows(bot)
        verb = "Updated" if report.updated else "Added"
        return (
            f"✅ {verb} {html.escape(name)}: {report.total_chunks} chunks in the index now, "
            f"{report.embedded} new.",
            document_rows(bot),
        )

    def add_law(law: str) -> tuple[str, Any]:
        """Fetch a statute from e-Gov's law API into the corpus and ingest it."""
        try:
            saved = fetch_law(bot.settings, law)
            report = bot.ingest([saved.path])
        except AssistantError as error:
            return f"❌ Not added: {html.escape(str(error))}", document_rows(bot)
        verb = "Updated" if report.updated else "Unchanged:" if report.unchanged else "Added"
        return (
            f"✅ {verb} {html.escape(saved.title)} ({html.escape(saved.law_num)}, as of "
            f"{saved.as_of}): {report.total_chunks} chunks in the index now, "
            f"{report.embedded} new.",
            document_rows(bot),
        )

    def api_ask(
        question: str, k: int = 0, history: list[str] | None = None, backend: str = ""
    ) -> dict[str, Any]:
        """Answer a question; returns the same JSON object as `assistant ask --json`."""
        try:
            return bot.ask(
                question, k=k or None, history=history or [], backend=backend or None
            ).to_json()
        except AssistantError as error:
            raise gr.Error(str(error)) from None

    def api_documents() -> list[dict[str, Any]]:
        """The ingested documents with their metadata (no file-system paths)."""
        hidden = {"path", "snapshot"}
        return [
            {"doc_id": d, **{key: v for key, v in r.items() if key not in hidden}}
            for d, r in bot.documents().items()
        ]

    with gr.Blocks(title="Japanese AI policy assistant", analytics_enabled=False) as app:
        gr.Markdown(
            "## Japanese AI policy assistant\n"
            "Answers quote the documents verbatim; every `[n]` points at its passage. "
            "Hover a marker to read the quote, click it to open the source."
        )
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                asked = gr.State([])
                with gr.Row():
                    with gr.Column(scale=3):
                        chat = gr.Chatbot(
                            label="Conversation",
                            height=480,
                            elem_id="chat",
                            feedback_options=None,
                            render_markdown=False,
                        )
                        with gr.Row():
                            box = gr.Textbox(
                                placeholder="Ask about Japanese AI policy (English or 日本語)",
                                show_label=False,
                                scale=8,
                                elem_id="question",
                                max_lines=4,
                            )
                            send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                        gr.Examples(list(EXAMPLES), inputs=box, label="Examples")
                        with gr.Accordion("Settings", open=False):
                            k = gr.Slider(
                                1, 20, value=bot.settings.k, step=1, label="Passages to read (k)"
                            )
                            backend = gr.Dropdown(
                                list(BACKENDS),
                                value=bot.settings.backend,
                                label="Answer backend (a chat model that is unavailable falls "
                                "back to extractive)",
                            )
                        clear = gr.Button("New conversation", size="sm")
                    with gr.Column(scale=2):
                        gr.Markdown("### Sources")
                        sources = gr.HTML(render_sources(bot, None), elem_id="sources")
            with gr.Tab("Documents", id="documents") as documents_tab:
                table = gr.Dataframe(
                    value=document_rows(bot),
                    headers=DOCUMENT_COLUMNS,
                    interactive=False,
                    elem_id="documents-table",
                    label="Corpus",
                )
                upload = gr.File(
                    label=f"Add a document ({', '.join(sorted(SUPPORTED_SUFFIXES))}; up to "
                    f"{bot.settings.max_upload_bytes // 1_000_000} MB)",
                    file_types=sorted(SUPPORTED_SUFFIXES),
                    file_count="single",
                    elem_id="upload",
                )
                status = gr.Markdown(elem_id="upload-status")
                with gr.Row():
                    law_box = gr.Textbox(
                        label="Add a statute from e-Gov (law id, number or title)",
                        placeholder="507AC0000000053 · 令和七年法律第五十三号 · Act No. 53 of 2025",
                        scale=4,
                        elem_id="law",
                    )
                    law_button = gr.Button("Fetch and add", scale=1, elem_id="fetch-law")
                law_status = gr.Markdown(elem_id="law-status")

        for trigger in (box.submit, send.click):
            trigger(
                respond,
                [box, chat, asked, k, backend],
                [chat, sources, asked, box],
                api_visibility="private",
            )
        clear.click(
            lambda: ([], render_sources(bot, None), []),
            None,
            [chat, sources, asked],
            api_visibility="private",
        )
        upload.upload(add_document, [upload], [status, table], api_name="upload")
        for trigger in (law_box.submit, law_button.click):
            trigger(add_law, [law_box], [law_status, table], api_visibility="private")
        gr.api(api_ask, api_name="ask")
        gr.api(api_documents, api_name="documents")
        # The list follows ingests and removals made elsewhere (the CLI, another page).
        app.load(lambda: document_rows(bot), None, table, api_visibility="private")
        documents_tab.select(lambda: document_rows(bot), None, table, api_visibility="private")
    return app


def check_exposure(host: str, password: str | None) -> None:
    """Refuse to bind beyond loopback without a password."""
    if host not in {"127.0.0.1", "localhost", "::1"} and not password:
        raise AssistantError(
            f"refusing to expose the page on {host} without a password (set --password "
            "or ASSISTANT_WEB_PASSWORD)"
        )


def serve(
    bot: Assistant,
    *,
    host: str = "127.0.0.1",
    port: int = 7860,
    password: str | None = None,
    user: str = "admin",
    open_browser: bool = False,
    block: bool = True,
) -> gr.Blocks:
    """Start the web page; with `block=False` return at once (`.close()` the result to stop).
    Binding to anything but loopback requires a password."""
    check_exposure(host, password)
    app = build(bot)
    # Requests wait in order rather than being dropped; two run at once (the cores we have).
    app.queue(default_concurrency_limit=2, max_size=None)
    app.launch(
        server_name=host,
        server_port=port,
        auth=(user, password) if password else None,
        inbrowser=open_browser,
        prevent_thread_lock=not block,
        show_error=False,
        quiet=True,
        ssr_mode=False,
        css=CSS,
        head=HEAD,
        max_file_size=bot.settings.max_upload_bytes,
    )
    return app
