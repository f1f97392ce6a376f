"""Split a document's article body into chunks that keep its structure.

Headings become the `section` of the chunks beneath them and are not part of any chunk.
Paragraphs of one section are packed into chunks of at most `max_chars`; a longer paragraph is
split at sentence boundaries. Chunks never overlap and never cross a section, and each is an
exact slice of the source: `document.text[chunk.start:chunk.end] == chunk.text`.

When the format gives the document `regions` (PDF pages, statute paragraphs, one language side
of a translation unit), chunks never cross a region either and carry its locator, page and link;
a region's own `section` (an article's caption) replaces the heading found in the text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator

from .schema import Chunk, Region, SourceDocument, Unit
from .text import LINE_BREAK, Span, paragraphs, sentences

_LIST_ITEM = re.compile(r"^\s*(?:[-*•・]|\(?\d+[.)]|\(?[a-z][.)]\s)")
_ITEM_START = re.compile(r"^\s*(?:[-*•・]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s")
# "#" and a space or tab (a line break after "#" does not make a heading of the next line)
_MD_HEADING = re.compile(r"^#{1,6}[^\S\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+\S")
_HEADING_MAX_CHARS = 100
# Bumped whenever chunk_document would cut an unchanged document differently, so that the
# next ingest re-chunks instead of reusing the committed chunks.
CHUNK_FORMAT = "3"
# Bumped whenever `evidence_units` splits a chunk differently: stored unit vectors are kept in
# unit order, so vectors made under another format are re-embedded, not misread.
UNITS_FORMAT = "2"


def chunk_id(doc_id: str, section: str, start: int, end: int, text: str) -> str:
    """A stable id from the chunk's document, position, section and content."""
    key = f"{doc_id}\x00{section}\x00{start}\x00{end}\x00{text}"
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{doc_id[:40]}:{digest[:16]}"


def is_heading(paragraph: str) -> bool:
    """A one-line paragraph that reads as a title rather than prose or a list item."""
    if _MD_HEADING.match(paragraph):
        return True
    if LINE_BREAK.search(paragraph) or len(paragraph) > _HEADING_MAX_CHARS:
        return False
    if _LIST_ITEM.match(paragraph) or paragraph.endswith((".", ",", ";", ":", "。", "、")):
        return False
    words = paragraph.split()
    return 0 < len(words) <= 16 and (paragraph[0].isupper() or not paragraph[0].isascii())


def _heading_split(text: str, spans: Iterable[Span]) -> Iterator[Span]:
    """Paragraphs, with a Markdown heading line that has text right under it ("# Scope\nThe Act
    applies...") split off as a paragraph of its own, so the text under it is kept."""
    for start, end in spans:
        while (newline := LINE_BREAK.search(text, start, end)) and _MD_HEADING.match(
            text[start : newline.start()]
        ):
            yield start, start + len(text[start : newline.start()].rstrip())
            start = newline.end()
            while start < end and text[start].isspace():
                start += 1
        yield start, end


def heading_text(paragraph: str) -> str:
    return paragraph.lstrip("#").strip()


def _split_long(text: str, span: Span, max_chars: int) -> list[Span]:
    """Split one paragraph span into pieces of at most `max_chars` at sentence ends."""
    start, end = span
    if end - start <= max_chars:
        return [span]
    pieces: list[Span] = []
    piece_start: int | None = None
    piece_end = start
    for s_start, s_end in sentences(text, start, end):
        if piece_start is not None and s_end - piece_start > max_chars:
            pieces.append((piece_start, piece_end))
            piece_start = None
        if piece_start is None:
            piece_start = s_start
        piece_end = s_end
    if piece_start is not None:
        pieces.append((piece_start, piece_end))
    return pieces


def _pieces(document: SourceDocument) -> list[tuple[int, int, Region | None]]:
    """The body spans to chunk, cut at region boundaries, each with its region (if any)."""
    if not document.regions:
        return [(a, b, None) for a, b in document.body]
    pieces = []
    for region in document.regions:
        for a, b in document.body:
            start, end = max(a, region.start), min(b, region.end)
            if start < end:
                pieces.append((start, end, region))
    return pieces


def chunk_document(document: SourceDocument, *, max_chars: int = 900) -> list[Chunk]:
    """Chunk the body of `document` (see module docstring)."""
    text = document.text
    chunks: list[Chunk] = []
    section = ""
    region: Region | None = None
    pending: list[Span] = []

    def flush() -> None:
        if not pending:
            return
        start, end = pending[0][0], pending[-1][1]
        body = text[start:end]
        chunks.append(
            Chunk(
                chunk_id=chunk_id(document.doc_id, section, start, end, body),
                doc_id=document.doc_id,
                text=body,
                start=start,
                end=end,
                section=section,
                ordinal=len(chunks),
                locator=region.locator if region else "",
                page=region.page if region else None,
                link=region.link if region else "",
                language=(region.language if region else "") or document.language,
            )
        )
        pending.clear()

    for body_start, body_end, region in _pieces(document):
        if region is not None and region.section:
            section = region.section
        for para in _heading_split(text, paragraphs(text, body_start, body_end)):
            para_text = text[para[0] : para[1]]
            if is_heading(para_text) and not (region and region.section):
                flush()
                section = heading_text(para_text)
                continue
            for piece in _split_long(text, para, max_chars):
                # A paragraph ending in ':' introduces what follows (usually a list): keep
                # them in one chunk even past max_chars, so the list is never orphaned.
                introduces = bool(pending) and text[pending[-1][1] - 1] in ":："
                if pending and piece[1] - pending[0][0] > max_chars and not introduces:
                    flush()
                pending.append(piece)
        flush()
    return chunks


def evidence_units(chunk: Chunk) -> list[Unit]:
    """The quotable units of a chunk: its sentences, except that a sentence ending in ':' that
    introduces list items absorbs them, so a list is quoted whole. Each unit carries the text
    it is embedded with: the sentence before it (or the section heading), then itself, since
    "These principles are built on..." means little alone. Offsets are document offsets."""
    spans = sentences(chunk.text)
    units: list[Unit] = []
    previous = chunk.section
    i = 0
    while i < len(spans):
        start, end = spans[i]
        j = i + 1
        if chunk.text[start:end].rstrip().endswith((":", "：")):
            while j < len(spans) and _ITEM_START.match(chunk.text[spans[j][0] : spans[j][1]]):
                end = spans[j][1]
                j += 1
        text = chunk.text[start:end]
        context = f"{previous}\n{text}" if previous else text
        units.append(Unit(chunk.start + start, chunk.start + end, text, context))
        previous = text
        i = j
    return units
