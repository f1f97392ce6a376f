"""The small typed values that flow through the pipeline.

SourceDocument -> Chunk -> Passage (a retrieved chunk) -> Citation / Answer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Region:
    """A located stretch of a document's text: a PDF page, a statute paragraph, one language
    side of a bilingual translation unit. Chunks never cross a region and carry its
    `locator` ("p. 2", "Act No. 53 of 2025, Article 7, paragraph (2)"), `page` and `link` (shared
    by the Japanese and English text of the same provision); `section` overrides the heading."""

    start: int
    end: int
    locator: str = ""
    page: int | None = None
    link: str = ""
    section: str = ""
    language: str = ""


@dataclass(frozen=True)
class SourceDocument:
    """A document as read from disk, with its metadata and the spans that are its article body.

    `body` lists the (start, end) character ranges that may be chunked and cited; text outside
    them (contact blocks, teaser lists, navigation) is kept for offsets but never indexed.
    """

    doc_id: str
    path: str
    text: str
    sha256: str
    title: str
    publisher: str | None = None
    date: str | None = None
    language: str = "en"
    body: tuple[tuple[int, int], ...] = ()
    regions: tuple[Region, ...] = ()  # when the format has them; in text order, not overlapping
    # (size, mtime_ns) of the file when read, and a hash of its manifest entry: an ingest that
    # finds both unchanged can reuse the document's record without reading the file again.
    stat: tuple[int, int] | None = None
    entry_key: str = ""
    # A statute: its number, title, abbreviations, last amendment included, whether it is a
    # translation, and the date its text is as of (from the manifest, when known).
    law: dict[str, Any] | None = None

    def meta(self) -> dict[str, Any]:
        meta = {
            "doc_id": self.doc_id,
            "path": self.path,
            "sha256": self.sha256,
            "title": self.title,
            "publisher": self.publisher,
            "date": self.date,
            "language": self.language,
        }
        if self.law:
            meta["law"] = self.law
        return meta


@dataclass(frozen=True)
class KnownDocument:
    """A file found unchanged since the last ingest (same path, size, modification time and
    manifest entry): it is not read again, and its committed record and chunks are kept."""

    doc_id: str
    path: str
    stat: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Chunk:
    """A contiguous span of a source document: `document.text[start:end] == text`."""

    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    section: str
    ordinal: int
    locator: str = ""  # where a reader finds it: "p. 2", "Act No. 53 of 2025, Article 7"
    page: int | None = None
    link: str = ""  # shared with the same provision in the other language, if any
    language: str = ""


@dataclass(frozen=True)
class Unit:
    """A quotable unit of a chunk (a sentence, or a list with its lead-in), in document offsets;
    `context` is what gets embedded for it (the unit after the one before it)."""

    start: int
    end: int
    text: str
    context: str


@dataclass(frozen=True)
class Passage:
    """A chunk returned by retrieval, with the scores that put it there."""

    chunk: Chunk
    title: str
    score: float
    dense_rank: int | None = None
    keyword_rank: int | None = None
    dense_similarity: float | None = None
    sentence_rank: int | None = None  # rank by its best sentence


@dataclass(frozen=True)
class Citation:
    """Citation `[marker]`: the verbatim `quote` found at `start:end` of document `doc_id`."""

    marker: int
    doc_id: str
    title: str
    section: str
    chunk_id: str
    quote: str
    start: int
    end: int
    locator: str = ""
    page: int | None = None
    parallel: dict[str, Any] | None = None  # the same provision in the other language
    note: str | None = None  # e.g. a translation's "no legal effect"
    version: str = ""  # a statute's: "as of 2026-07-20", "as amended up to Act No. 62 of 2026"

    @classmethod
    def of(cls, marker: int, passage: Passage, start: int, end: int, quote: str) -> Citation:
        """The citation of `quote` (at `start:end`) inside a retrieved passage."""
        chunk = passage.chunk
        return cls(
            marker=marker,
            doc_id=chunk.doc_id,
            title=passage.title,
            section=chunk.section,
            chunk_id=chunk.chunk_id,
            quote=quote,
            start=start,
            end=end,
            locator=chunk.locator,
            page=chunk.page,
        )

    def annotated(
        self, parallel: dict[str, Any] | None, note: str | None, version: str
    ) -> Citation:
        """This citation with the same provision in the other language (see
        `provisions.counterpart`), its document's note and its version."""
        return replace(self, parallel=parallel, note=note, version=version)


@dataclass
class Answer:
    """An answer whose sentences carry `[n]` markers pointing at `citations`."""

    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    backend: str = "extractive"
    timings_ms: dict[str, float] = field(default_factory=dict)
    evidence_score: float = 0.0
    standalone_question: str = ""  # the question as answered, after follow-up rewriting
    guard: dict[str, Any] | None = None  # generated answers: the draft and what was removed
    notice: str | None = None  # e.g. the configured backend failed and the default answered
    # what decided to answer or abstain: {"by": "answerability" | "threshold" | a check's name
    # | "scope" | "parts", with its probability or score, threshold and reason}
    decision: dict[str, Any] | None = None
    passages: list[Passage] = field(default_factory=list, repr=False)  # what retrieval returned

    def to_json(self) -> dict[str, Any]:
        """The stable JSON contract shared by the CLI, the API and the web page."""
        return {
            "question": self.question,
            "standalone_question": self.standalone_question or self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [asdict(c) for c in self.citations],
            "backend": self.backend,
            "guard": self.guard,
            "notice": self.notice,
            "decision": self.decision,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }
