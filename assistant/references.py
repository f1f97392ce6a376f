"""Which law and which provision a question names, in any script.

"Article 22", "Art. 22(1)", "Article 22, paragraph (1)", 第二十二条第一項 and 第22条1項 all name
article 22 (paragraph 1). A law is named by what its own files say: its title, the
abbreviations e-Gov records for it (ＡＩ法, 個人情報保護法), its number ("Act No. 53 of 2025",
令和七年法律第五十三号), the acronym of its English title (APPI), and the glossary's other-language
names for any of these ("AI Promotion Act" for ＡＩ法). Nothing here lists questions' words: the
names come from the ingested documents and the glossary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .glossary import other_names
from .laws import japanese_law_number
from .text import kanji_number, normalize

_NUM = r"[0-9〇一二三四五六七八九十百千]{1,8}"
_JA = re.compile(rf"第?({_NUM})条(?:の({_NUM}))?(?:第?({_NUM})項)?")
_EN = re.compile(
    r"\b(?:article|art\.?)\s*(\d{1,4})(?:-(\d{1,3}))?"
    r"(?:\s*\((\d{1,3})\)|,?\s*paragraph\s*\(?(\d{1,3})\)?)?",
    re.IGNORECASE,
)


_LOCATOR = re.compile(
    r"^(?P<law>[A-Za-z ]+No\. \d+ of \d{4}), (?P<suppl>Supplementary Provisions[^,]*, )?"
    r"Article (?P<article>[\d-]+)(?:, paragraph \(?(?P<paragraph>\d+)\)?)?"
)


def located(locator: str) -> tuple[str, str, str | None] | None:
    """(law number, article, paragraph) of a main-provision locator the statute reader wrote
    ("Act No. 53 of 2025, Article 6, paragraph (1)"); None for anything else.

    >>> located("Act No. 53 of 2025, Article 6, paragraph (1)")
    ('Act No. 53 of 2025', '6', '1')
    """
    found = _LOCATOR.match(locator)
    if not found or found.group("suppl"):
        return None
    return found.group("law"), found.group("article"), found.group("paragraph")


@dataclass(frozen=True)
class Provision:
    article: str  # "22", "2-2"
    paragraph: str | None = None


def provisions(question: str) -> list[Provision]:
    """The articles (and paragraphs) a question cites, in order.

    >>> provisions("What does Art. 22(1) say, and 第二十三条?")
    [Provision(article='22', paragraph='1'), Provision(article='23', paragraph=None)]
    >>> provisions("第22条1項と Article 2-2, paragraph (3)")
    [Provision(article='22', paragraph='1'), Provision(article='2-2', paragraph='3')]
    """
    folded = normalize(question)
    found: list[tuple[int, Provision]] = []
    for m in _JA.finditer(folded):
        if not m.group(0).startswith("第") and not m.group(3):
            continue  # a bare "22条" counts only with its paragraph ("22条1項")
        main, sub = kanji_number(m.group(1)), m.group(2) and kanji_number(m.group(2))
        paragraph = m.group(3) and kanji_number(m.group(3))
        if main:
            article = f"{main}-{sub}" if sub else str(main)
            found.append((m.start(), Provision(article, str(paragraph) if paragraph else None)))
    for m in _EN.finditer(folded):
        article = m.group(1) + (f"-{m.group(2)}" if m.group(2) else "")
        paragraph = m.group(3) or m.group(4)
        found.append((m.start(), Provision(article, paragraph)))
    return [p for _, p in sorted(found, key=lambda x: x[0])]


def without_references(question: str) -> str:
    """The question with its provision references ("Art. 16", 第十八条第三項) blanked out, for
    checks that read the rest of it as words.

    >>> without_references("What does Art. 16 require?")
    'What does   require?'
    """
    out = question
    for pattern in (_EN, _JA_ANY):
        out = pattern.sub(lambda m: " " * len(m.group(0)) if m.group(0).strip() else "", out)
    return re.sub(r" {2,}", "  ", out)


_JA_ANY = re.compile(
    r"第[0-9０-９〇一二三四五六七八九十百千]{1,8}条(?:の[0-9０-９〇一二三四五六七八九十百千]+)?(?:第?[0-9０-９〇一二三四五六七八九十百千]{1,8}項)?|[0-9０-９]{1,4}条[0-9０-９]{1,3}項"
)


def _acronym(title: str) -> str:
    """'Act on the Protection of Personal Information' -> 'appi' (capitalised words)."""
    words = [w for w in re.split(r"[\s,-]+", title) if w[:1].isupper()]
    return "".join(w[0] for w in words).casefold() if len(words) >= 3 else ""


def law_names(meta: Mapping[str, Any]) -> frozenset[str]:
    """The folded names a statute document is known by (see the module docstring)."""
    law = meta.get("law") or {}
    return _names(
        law.get("number", ""),
        law.get("title", ""),
        meta.get("title", ""),
        tuple(law.get("abbreviations") or ()),
    )


@lru_cache(maxsize=1024)
def _names(
    number: str, title: str, doc_title: str, abbreviations: tuple[str, ...]
) -> frozenset[str]:
    names = {number, title, doc_title, *abbreviations}
    acronym = _acronym(title)
    if acronym:
        names.add(acronym)
    for _ in range(2):  # glossary names, and theirs: title -> ＡＩ法 -> "AI Promotion Act"
        for name in list(names):
            names.update(other_names(name))
    return frozenset(normalize(n) for n in names if n and len(normalize(n)) >= 3)


def named_laws(question: str, documents: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """The law numbers of the ingested statutes a question names."""
    folded = normalize(question)
    named = {japanese_law_number(folded)} - {""}
    for meta in documents.values():
        law = meta.get("law") or {}
        if not law.get("number"):
            continue
        for name in law_names(meta):
            pattern = rf"\b{re.escape(name)}\b" if name.isascii() else re.escape(name)
            if any(not _foreign(folded[: m.start()]) for m in re.finditer(pattern, folded)):
                named.add(law["number"])
                break
    known = {(m.get("law") or {}).get("number") for m in documents.values()}
    return named & known


# A name qualified by another jurisdiction ("EUのAI法", "韓国のAI法") is that jurisdiction's
# law, not the Japanese one of the same short name; "日本のAI法" and "我が国の" are the home one.
_QUALIFIER = re.compile(r"([a-z]{2,}|[\u30a0-\u30ff\u4e00-\u9fff]{1,6})の$")
_HOME = {"日本", "我が国", "わが国", "本邦"}


def _foreign(before: str) -> bool:
    """Whether the text just before a law's name qualifies it with another jurisdiction."""
    if any(before.endswith(f"{home}の") for home in _HOME):
        return False
    return bool(_QUALIFIER.search(before))


def without_law_names(question: str, documents: Mapping[str, Mapping[str, Any]]) -> str:
    """The question (folded) with the names of the ingested laws it names taken out: within
    one law, its own name says nothing about which provision is meant."""
    folded = normalize(question)
    names = sorted(
        {
            n
            for meta in documents.values()
            if (meta.get("law") or {}).get("number")
            for n in law_names(meta)
        },
        key=len,
        reverse=True,
    )
    for name in names:
        if name.isascii() and name.replace(" ", "").isalnum():
            folded = re.sub(rf"\b{re.escape(name)}\b", " ", folded)
        else:
            folded = folded.replace(name, " ")
    folded = re.sub(r"[\s、,]+", " ", folded).strip()
    return folded if _LEFT.search(folded) else normalize(question)


_LEFT = re.compile(r"[^\W\d_]{2,}|[^\x00-\x7f]")


def of_law(documents: Mapping[str, Mapping[str, Any]], laws: Iterable[str]) -> set[str]:
    """The ids of the documents that hold any of these laws (each language version)."""
    wanted = set(laws)
    return {d for d, meta in documents.items() if (meta.get("law") or {}).get("number") in wanted}


# How statutes define their terms, in either language: 「X」とは…をいう, （以下「X」という。）,
# The term "X" as used in this Act means, (referred to below as "X"), "X" means.
_DEFINES = (
    re.compile(r"「([^「」]{1,40})」とは"),
    re.compile(r"以下(?:単に)?「([^「」]{1,40})」という"),
    re.compile(r'[Tt]he term "([^"]{1,80})"[^.;]{0,40}?\bmeans'),
    re.compile(r'referred to (?:below |hereinafter )?as (?:the |an? )?"([^"]{1,80})"'),
    re.compile(r'(?:^|[\s(])"([^"]{1,80})" means'),
)
# A question asking what a term means: とは, 定義, 意味 / define, definition, mean, "what is".
_ASKS_MEANING = re.compile(
    r"とは|定義|意味|\bdefin|\bmean(?:s|ing)?\b|\bwhat (?:is|are) (?:an? |the )?[\"“]", re.I
)


def defined_terms(text: str) -> set[str]:
    """The terms a provision defines (folded).

    >>> sorted(defined_terms('The term "personal data" as used in this Act means data.'))
    ['personal data']
    >>> sorted(defined_terms("機関（以下「研究開発機関」という。）は、「個人情報」とは、…をいう。"))
    ['個人情報', '研究開発機関']
    """
    return {normalize(m.group(1)).strip() for p in _DEFINES for m in p.finditer(text)}


def asked_definitions(question: str, defined: Iterable[str]) -> set[str]:
    """The defined terms a question asks the meaning of: it names them and asks what they
    mean (the longest term named wins over the terms inside it)."""
    if not _ASKS_MEANING.search(question):
        return set()
    folded = normalize(question)
    named = sorted((t for t in defined if len(t) >= 2 and t in folded), key=len, reverse=True)
    out: set[str] = set()
    for term in named:
        if not any(term in longer for longer in out):
            out.add(term)
    return out
