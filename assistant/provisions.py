"""One provision, two languages: pairing a statute's Japanese text with its translation.

The statute reader links every paragraph as `<law number>|art<N>-p<P>` ("Act No. 53 of
2025|art6-p1"), the same in the e-Gov Japanese text and the English translation, so once both
are ingested (as separate documents) each paragraph finds its counterpart by that link. A
bilingual translation memory (TMX) links its two sides inside one document instead.

The English translation of a law can be of an older version than the Japanese text (APPI's is
of the 2021 text; the Japanese of 2026). Each side's version travels with it, and a pair whose
references and numbers differ (an article renumbered, an amount changed, an item added) is
marked `differs`, so the English is never shown as the current wording where it is not.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from .schema import Chunk
from .text import ERA_YEAR, era_year, kanji_number, normalize

# "Act No. 53 of 2025|art6-p1": a statute provision, linked across documents by its law.
_LAW_LINK = "|"


def link_key(chunk: Chunk) -> tuple[str, str]:
    """The key a chunk's counterpart shares: the law-qualified link of a statute provision
    across documents, or (document, link) for the two sides of a translation memory."""
    if _LAW_LINK in chunk.link:
        return "", chunk.link
    return chunk.doc_id, chunk.link


_JA_NUMERAL = re.compile(r"[〇一二三四五六七八九十百千]+")
_DIGITS = re.compile(r"\d+")
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_ROMAN_ITEM = re.compile(r"\(([ivxlc]+)\)")


def _roman(numeral: str) -> int:
    total = 0
    for a, b in zip(numeral, numeral[1:] + " ", strict=True):
        value = _ROMAN[a]
        total += -value if b != " " and _ROMAN[b] > value else value
    return total


# Small numbers (paragraph and item numbers, "two or more") are written so differently in the
# two languages ("the preceding paragraph", 前二項) that only larger ones are compared.
SMALLEST_COMPARED = 10


def numbers(text: str) -> Counter[int]:
    """The numbers of at least SMALLEST_COMPARED a provision states or refers to, whatever the
    script: 第二十七条 and "Article 27" both give 27, 平成七年 and 1995 give 1995, "五十万円"
    gives 500000."""
    folded = normalize(text)
    found: Counter[int] = Counter()
    folded = ERA_YEAR.sub(lambda m: f" {era_year(m.group(1), m.group(2))} ", folded)
    folded = _ROMAN_ITEM.sub(lambda m: f" {_roman(m.group(1))} ", folded)
    for run in _JA_NUMERAL.findall(folded):
        value = kanji_number(run)
        if value is not None:
            found[value] += 1
    for run in _DIGITS.findall(folded):
        found[int(run)] += 1
    return Counter({n: c for n, c in found.items() if n >= SMALLEST_COMPARED})


def differs(one: str, other: str) -> bool:
    """Whether two language versions of a provision state different numbers or references
    (a sign that one was amended after the other was translated). Words cannot be compared
    across languages; numbers and article references can."""
    return set(numbers(one)) != set(numbers(other))


def version_of(meta: Mapping[str, Any]) -> str:
    """How current a statute's text is, for showing beside it: its as-of date (from the
    manifest), else the last amending act the text includes, else its promulgation date; a
    translation whose date is not recorded says so. "" for a document that is not a statute."""
    law = meta.get("law") or {}
    if not law:
        return ""
    if law.get("as_of"):
        return f"as of {law['as_of']}"
    if law.get("version"):
        return f"as amended up to {law['version']}"
    if law.get("translation"):
        return "translation; the version it translates is not recorded"
    return f"as promulgated on {meta['date']}" if meta.get("date") else ""


def counterpart(
    chunk: Chunk,
    linked: Mapping[tuple[str, str], list[Chunk]],
    documents: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any] | None:
    """The same provision in the other language, with its document's title and version, the
    translation note, and whether the two versions differ; None if it is not ingested."""
    if not chunk.link:
        return None
    others = [o for o in linked.get(link_key(chunk), []) if o.language != chunk.language]
    if not others:
        return None
    other = others[0]
    meta = documents.get(other.doc_id, {})
    law = meta.get("law") or {}
    return {
        "chunk_id": other.chunk_id,
        "doc_id": other.doc_id,
        "language": other.language,
        "locator": other.locator,
        "text": other.text,
        "title": meta.get("title", other.doc_id),
        "version": version_of(meta),
        "note": law.get("note"),
        "differs": other.doc_id != chunk.doc_id and differs(chunk.text, other.text),
    }
