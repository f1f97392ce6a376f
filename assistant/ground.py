"""Check an answer against what it cites before anyone sees it."""

from __future__ import annotations

from collections.abc import Callable

from .markers import marker_numbers
from .schema import Answer, Citation


def invalid_citations(answer: Answer, document_text: Callable[[str], str]) -> list[Citation]:
    """Citations whose quote is not exactly `document[start:end]`, plus markers the answer
    text writes that no citation carries (returned as placeholder citations with an empty
    quote). Bracketed numbers inside a quoted passage are the source's, not markers."""
    bad: list[Citation] = []
    cache: dict[str, str] = {}
    for citation in answer.citations:
        if citation.doc_id not in cache:
            try:
                cache[citation.doc_id] = document_text(citation.doc_id)
            except Exception:  # noqa: BLE001 - a missing document is simply an invalid citation
                cache[citation.doc_id] = ""
        text = cache[citation.doc_id]
        in_range = 0 <= citation.start < citation.end <= len(text)
        if not in_range or text[citation.start : citation.end] != citation.quote:
            bad.append(citation)
    known = {c.marker for c in answer.citations}
    # Only the answer's own markers count: a quoted passage may carry footnote numbers.
    own = marker_numbers(answer.answer, [c.quote for c in answer.citations])
    for marker in sorted(set(own) - known):
        bad.append(Citation(marker, "", "", "", "", "", 0, 0))
    return bad
