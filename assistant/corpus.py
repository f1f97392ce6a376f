"""Read policy documents from disk into `SourceDocument`s, with metadata and article body.

Metadata comes from a `manifest.json` beside the files (title, publisher, date, language, and
declared boilerplate); what the manifest does not say is derived from the file. Formats are
read by `loaders` (text, Markdown, HTML, PDF, DOCX, statute XML, TMX). Text outside the
article body (contact blocks, "More Insights" teaser lists and similar trailing sections) is
excluded from indexing in two ways: declared in the manifest, or detected by its heading.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .errors import InputError
from .language import guess_language
from .loaders import LOADERS, TRANSLATION_NOTE
from .schema import KnownDocument, SourceDocument
from .text import lines, normalize

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = frozenset(LOADERS)
MANIFEST_NAME = "manifest.json"
# Bumped whenever reading a file can give a different `SourceDocument` for the same bytes (a
# loader or metadata change), so the next ingest reads every file instead of trusting stats.
READ_FORMAT = "2"
# A file modified this close to when it was read may change again within the same timestamp
# tick without its size changing; such a file is always read again next time.
_SETTLED_NS = 2_000_000_000

# Headings that open a trailing section which is never the article itself.
_TRAILING_BOILERPLATE = frozenset(
    {
        "contact",
        "contact us",
        "contacts",
        "more insights",
        "related articles",
        "related posts",
        "related",
        "read more",
        "you may also like",
        "recommended",
        "recommended articles",
        "share this",
        "share",
        "subscribe",
        "newsletter",
        "about the author",
        "about us",
        "お問い合わせ",
        "関連記事",
        "おすすめ記事",
        "この記事をシェア",
    }
)
_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """A doc id from a file name: lower-case ASCII words joined by '-'."""
    slug = _SLUG.sub("-", name.casefold()).strip("-")
    return slug or hashlib.sha256(name.encode()).hexdigest()[:12]


def load_manifest(directory: Path) -> dict[str, dict[str, Any]]:
    """Map file name -> manifest entry for the manifest in `directory` (empty if none)."""
    path = directory / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["documents"]
        return {str(e["file"]): e for e in entries}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not a valid manifest ({exc})") from None


def _title_from_text(text: str, fallback: str) -> str:
    for start, end in lines(text, 0, len(text)):
        line = text[start:end].lstrip("#").strip()
        if line:
            return line[:200]
    return fallback


def body_spans(text: str, declared: Iterable[dict[str, Any]] = ()) -> tuple[tuple[int, int], ...]:
    """The article body of `text` as spans: everything before the first trailing boilerplate.

    A manifest can declare `{"tail_from_line": "CONTACT"}` (the last line equal to it opens the
    tail); otherwise a line that is a known boilerplate heading in the second half of the
    document opens it.
    """
    cut = len(text)
    markers = {normalize(d["tail_from_line"]).strip() for d in declared if "tail_from_line" in d}
    all_lines = list(lines(text, 0, len(text)))
    for start, end in reversed(all_lines):
        if normalize(text[start:end]).strip() in markers:
            cut = min(cut, start)
            break
    half = len(text) // 2
    for start, end in all_lines:
        line = normalize(text[start:end]).strip().rstrip(":")
        if start >= half and line in _TRAILING_BOILERPLATE:
            cut = min(cut, start)
            break
    return ((0, cut),)


def read_document(
    path: Path, *, entry: dict[str, Any] | None = None, max_bytes: int = 20_000_000
) -> SourceDocument:
    """Read one file into a `SourceDocument`; raise `InputError` for anything unusable."""
    where = str(path)
    if not path.exists():
        raise InputError(f"{where}: no such file or directory")
    if not path.is_file():
        raise InputError(f"{where}: not a regular file")
    if path.suffix.casefold() not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise InputError(f"{where}: unsupported file type '{path.suffix}' (supported: {kinds})")
    read_at = time.time_ns()
    stat = path.stat()
    size = stat.st_size
    if size > max_bytes:
        raise InputError(f"{where}: file is {size} bytes, over the {max_bytes}-byte limit")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{where}: cannot read ({exc.strerror})") from None
    extracted = LOADERS[path.suffix.casefold()](raw, where)
    text = extracted.text
    entry = entry or {}
    law = None
    if extracted.law is not None:
        law = {**asdict(extracted.law), "abbreviations": list(extracted.law.abbreviations)}
        law["as_of"] = entry.get("as_of") or None
        if law["translation"]:
            law["note"] = TRANSLATION_NOTE
    return SourceDocument(
        doc_id=str(entry.get("doc_id") or slugify(path.stem)),
        path=str(located(path)),
        text=text,
        sha256=hashlib.sha256(raw).hexdigest(),
        title=str(entry.get("title") or extracted.title or _title_from_text(text, path.stem)),
        publisher=entry.get("publisher"),
        date=entry.get("date") or extracted.date,
        language=str(entry.get("language") or extracted.language or guess_language(text)),
        body=body_spans(text, entry.get("boilerplate", ())),
        regions=extracted.regions,
        stat=(size, stat.st_mtime_ns) if read_at - stat.st_mtime_ns > _SETTLED_NS else None,
        entry_key=entry_key(entry),
        law=law,
    )


def entry_key(entry: dict[str, Any] | None) -> str:
    """A short hash of a manifest entry (what, beside the bytes, decides a document)."""
    text = json.dumps(entry or {}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def located(path: Path) -> Path:
    """Where a document is recorded as found: a directory by its resolved path; a file by its
    name in its resolved directory, not by where a link leads (so a link deleted from a
    directory takes its document with it at the directory's next ingest)."""
    if path.is_dir():
        return path.resolve()
    return path.absolute().parent.resolve() / path.name


def discover(path: Path) -> list[Path]:
    """The supported files at `path`: the file itself, or the files of a directory searched
    recursively, hidden ones left out.

    Links inside the directory stay inside it: a link to a file in the directory is read
    (and named where it was found); a link that leads out of the directory, to a file or a
    directory, is skipped with one warning each; a linked directory is never walked (what it
    holds inside the directory is found where it is)."""
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    if path.is_file():
        return [path]
    root = path.resolve()
    found = []
    for folder, dirs, names in os.walk(path):  # not into linked directories
        here = Path(folder)
        for name in list(dirs):
            if name.startswith(".") or (here / name).is_symlink():
                dirs.remove(name)
                if not name.startswith("."):
                    _outside(here / name, root)
        for name in names:
            file = here / name
            if name.startswith(".") or file.suffix.casefold() not in SUPPORTED_SUFFIXES:
                continue
            if file.is_symlink() and _outside(file, root):
                continue
            if file.is_file():
                found.append(file)
    return sorted(found)


def _outside(link: Path, root: Path) -> bool:
    """Whether `link` leads out of `root` (then it is skipped, and a warning says so)."""
    target = link.resolve()
    if target.is_relative_to(root):
        return False
    log.warning("%s: skipped, a link to %s, outside %s", link, target, root)
    return True


def read_paths(
    paths: Iterable[Path],
    *,
    max_bytes: int,
    known: dict[str, dict[str, Any]] | None = None,
) -> list[SourceDocument | KnownDocument]:
    """Read every document under `paths`, all or nothing: any bad file raises `InputError`.

    `known` maps resolved paths to their committed registry records; a file whose size,
    modification time and manifest entry match its record is not read but returned as a
    `KnownDocument` (how re-ingesting a large unchanged corpus stays fast)."""
    known = known or {}
    documents: list[SourceDocument | KnownDocument] = []
    seen: dict[str, str] = {}
    manifests: dict[Path, dict[str, dict[str, Any]]] = {}  # read each directory's manifest once
    for root in paths:
        root = located(Path(root))  # a file's path is where it was found, links not followed
        files = discover(root)
        if root.is_dir() and not files:
            raise InputError(f"{root}: no supported documents found")
        for file in files:
            if file.parent not in manifests:
                manifests[file.parent] = load_manifest(file.parent)
            entry = manifests[file.parent].get(file.name)
            doc = _unchanged(file, entry, known) or read_document(
                file, entry=entry, max_bytes=max_bytes
            )
            if doc.doc_id in seen:
                if seen[doc.doc_id] == doc.path:
                    continue  # the same file named twice
                raise InputError(
                    f"{file}: document id '{doc.doc_id}' is already used by {seen[doc.doc_id]}"
                )
            seen[doc.doc_id] = doc.path
            documents.append(doc)
    return documents


def _unchanged(
    file: Path, entry: dict[str, Any] | None, known: dict[str, dict[str, Any]]
) -> KnownDocument | None:
    if not known:
        return None
    path = str(file)  # as `located`: the name it was found by
    record = known.get(path)
    if record is None or not record.get("stat") or record.get("entry") != entry_key(entry):
        return None
    try:
        stat = file.stat()
    except OSError:
        return None  # reading it will say what is wrong
    if [stat.st_size, stat.st_mtime_ns] != list(record["stat"]):
        return None
    return KnownDocument(record["doc_id"], path, (stat.st_size, stat.st_mtime_ns))
