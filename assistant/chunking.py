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
from .text import LINE_BREAK, Span, lines, paragraphs, sentences

_LIST_ITEM = re.compile(r"^\s*(?:[-*•・]|\(?\d+[.)]|\(?[a-z][.)]\s)")
_ITEM_START = re.compile(r"^\s*(?:[-*•・]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s")
# The title of a statute's item or sub-item: 一　, 十二　, イ　, (i) , (xvii)-2
_PROVISION_ITEM = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+(?:の[一二三四五六七八九十]+)?|[イロハニホヘトチリヌルヲワカヨタレソツネナラム]"
    r"|（[一二三四五六七八九十0-9０-９]+）|\([ivxlc]+\)(?:-\d+)?|\([a-z]\))[\u3000 ]"
)
# Chunks of a statute provision: the locator the statute reader gives ("Act No. 53 of 2025,
# Article 7, paragraph (2)"). Their units are whole lines: a paragraph with its proviso, an item.
_PROVISION = re.compile(r"\bNo\. \d+ of \d{4}, ")
# A list of items is quoted with its lead-in as one unit up to this length; past it, each item
# is a unit of its own, embedded with the lead-in.
PROVISION_UNIT_CHARS = 800
# "#" and a space or tab (a line break after "#" does not make a heading of the next line)
_MD_HEADING = re.compile(r"^#{1,6}[^\S\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+\S")
_HEADING_MAX_CHARS = 100
# Bumped whenever chunk_document would cut an unchanged document differently, so that the
# next ingest re-chunks instead of reusing the committed chunks.
CHUNK_FORMAT = "4"
# Bumped whenever `evidence_units` splits a chunk differently: stored unit vectors are kept in
# unit order, so vectors made under another format are re-embedded, not misread.
UNITS_FORMAT = "3"


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
            # A statute's paragraph is one provision: kept whole (up to a generous limit) so
            # that its items stay with their lead-in; its units are quoted item by item.
            limit = max_chars * 4 if region and _PROVISION.search(region.locator) else max_chars
            for piece in _split_long(text, para, limit):
                # A paragraph ending in ':' introduces what follows (usually a list): keep
                # them in one chunk even past max_chars, so the list is never orphaned.
                introduces = bool(pending) and text[pending[-1][1] - 1] in ":："
                if pending and piece[1] - pending[0][0] > max_chars and not introduces:
                    flush()
                pending.append(piece)
        flush()
    return chunks


def evidence_units(chunk: Chunk) -> list[Unit]:
    """The quotable units of a chunk: its sentences, except that a sentence that introduces
    list items (ending in ':', or followed by a statute's numbered items) absorbs them, so a
    list is quoted whole. In a statute provision the units are lines (a paragraph with its
    proviso, an item), never part of one; a list longer than PROVISION_UNIT_CHARS is quoted
    item by item, each embedded with its lead-in. Each unit carries the text it is embedded
    with: the unit before it (or the section heading), then itself, since "These principles
    are built on..." means little alone. Offsets are document offsets."""
    statute = bool(_PROVISION.search(chunk.locator))
    spans = list(lines(chunk.text, 0, len(chunk.text))) if statute else sentences(chunk.text)
    units: list[Unit] = []
    previous = chunk.section
    i = 0
    while i < len(spans):
        start, end = spans[i]
        j = i + 1
        lead = chunk.text[start:end].rstrip()
        item = _PROVISION_ITEM if statute else _ITEM_START
        if lead.endswith((":", "：")) or (statute and _is_item(chunk.text, spans, j, item)):
            while j < len(spans) and _is_item(chunk.text, spans, j, item):
                j += 1
            if statute and spans[j - 1][1] - start > PROVISION_UNIT_CHARS:
                units.append(_unit(chunk, start, end, previous))
                units.extend(_unit(chunk, a, b, lead) for a, b in spans[i + 1 : j])
                previous, i = chunk.text[spans[j - 1][0] : spans[j - 1][1]], j
                continue
            end = spans[j - 1][1]
        units.append(_unit(chunk, start, end, previous))
        previous = chunk.text[start:end]
        i = j
    return units


def _is_item(text: str, spans: list[Span], j: int, item: re.Pattern[str]) -> bool:
    return j < len(spans) and bool(item.match(text[spans[j][0] : spans[j][1]]))


def _unit(chunk: Chunk, start: int, end: int, before: str) -> Unit:
    text = chunk.text[start:end]
    return Unit(
        chunk.start + start, chunk.start + end, text, f"{before}\n{text}" if before else text
    )
