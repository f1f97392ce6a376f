"""Turn a file's bytes into text and whatever metadata the format carries.

Plain text and Markdown are kept verbatim (UTF-8, UTF-8 with a BOM, UTF-16 with a BOM,
Shift_JIS / CP932 or EUC-JP; bytes that decode but hold a NUL or more than 1% control
characters are refused as binary); HTML is reduced to its main content (navigation, headers and
footers dropped) with trafilatura; PDF text is extracted page by page with pypdf, each page a
region whose number citations carry; DOCX paragraphs, headings and tables are read in order
with python-docx; statutes (e-Gov XML) and bilingual translations (TMX) are read by `laws`.
The extracted text is what gets stored, chunked and cited.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import InputError
from .language import KANA
from .schema import Region


@dataclass(frozen=True)
class LawInfo:
    """What a statute file says about the law it holds: its number ("Act No. 53 of 2025"),
    title, abbreviations (ＡＩ法), the last amending act its text includes, and whether it is a
    translation (which has no legal effect)."""

    number: str
    title: str
    abbreviations: tuple[str, ...] = ()
    version: str = ""
    translation: bool = False


TRANSLATION_NOTE = (
    "English reference translation (Japanese Law Translation): it has no legal effect; only "
    "the original Japanese text of the law is authoritative."
)


@dataclass(frozen=True)
class Extracted:
    """What a loader found: the text to store and cite, and the metadata the format carries."""

    text: str
    title: str | None = None
    date: str | None = None
    language: str | None = None
    regions: tuple[Region, ...] = ()
    law: LawInfo | None = None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_KANA = re.compile(f"[{KANA}]")
# Characters text does not hold: C0 and C1 controls other than tab, line feed, form feed and
# carriage return, and DEL (unassigned code points are counted too, see `odd_share`).
_ODD = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Text with more odd characters than this share is taken for binary. Measured: 0 in the corpus,
# the statutes and the test files; at most 0.08% in 38,350 text files of a Python installation
# (a source file with terminal colour codes), while binary files that happen to decode (brotli
# archives, an ONNX model) hold 3.5% to 44%, and control-character junk far more.
MAX_ODD_SHARE = 0.01


def odd_share(text: str) -> float:
    """The share of `text` that is control characters (other than tab, line feed, form feed
    and carriage return) or unassigned code points."""
    if not text:
        return 0.0
    odd = len(_ODD.findall(text))
    unassigned = [c for c in set(text) if c > "\x7f" and unicodedata.category(c) == "Cn"]
    odd += sum(text.count(c) for c in unassigned)
    return odd / len(text)


def decode(raw: bytes, where: str) -> str:
    """Decode file bytes as text: UTF-8 (with or without a byte-order mark), UTF-16 with a
    byte-order mark, or Japanese legacy encodings (Shift_JIS / CP932, then EUC-JP). Binary
    content is refused with a clear message. The BOM is not part of the text."""
    if not raw.strip():
        raise InputError(f"{where}: the file is empty")
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return _checked(raw[3:].decode("utf-8"), where)
        except UnicodeDecodeError:
            raise InputError(f"{where}: starts like UTF-8 but is not valid UTF-8") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _checked(raw.decode("utf-16"), where)
        except UnicodeDecodeError:
            raise InputError(f"{where}: not valid UTF-16 text") from None
    if b"\x00" in raw:
        raise InputError(f"{where}: looks like a binary file, not text")
    try:
        return _checked(raw.decode("utf-8"), where)
    except UnicodeDecodeError:
        pass
    for encoding in ("cp932", "euc_jp"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Legacy decoders accept much binary junk: keep the result only if it reads as
        # Japanese text (kana present, no control characters, see `odd_share`).
        if _KANA.search(text) and not _CONTROL.search(text) and odd_share(text) <= MAX_ODD_SHARE:
            return text
    raise InputError(f"{where}: not text in UTF-8, UTF-16 or Shift_JIS / EUC-JP")


def _checked(text: str, where: str) -> str:
    """The decoded text, unless it is empty or reads as binary: a NUL, or more than
    MAX_ODD_SHARE of control characters and unassigned code points."""
    if not text.strip():
        raise InputError(f"{where}: the file is empty")
    if "\x00" in text:
        raise InputError(f"{where}: looks like a binary file, not text")
    share = odd_share(text)
    if share > MAX_ODD_SHARE:
        raise InputError(
            f"{where}: looks like a binary file, not text ({share:.0%} of its characters "
            "are control or unassigned characters)"
        )
    return text


def _text(raw: bytes, where: str) -> Extracted:
    return Extracted(decode(raw, where))


def _html(raw: bytes, where: str) -> Extracted:
    import trafilatura

    page = decode(raw, where)
    # Markdown output marks headings (# ...) and separates paragraphs, so sections survive;
    # bold and italic markers are then removed, since they would show up inside quotes.
    text = trafilatura.extract(
        page,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
        output_format="markdown",
        include_formatting=True,
    )
    text = _EMPHASIS.sub(r"\2", text or "")
    if not text.strip():
        raise InputError(f"{where}: no article text found in the HTML page")
    meta = trafilatura.extract_metadata(page)
    title = meta.title if meta and meta.title else None
    date = meta.date if meta and meta.date else None
    lang = _HTML_LANG.search(page)
    return Extracted(text, title, date, _language_code(lang.group(1)) if lang else None)


_EMPHASIS = re.compile(r"(\*\*|__|\*(?=\S))(\S.*?)\1")
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)


def _language_code(tag: str | None) -> str | None:
    """'ja-JP' -> 'ja'; None for an empty tag."""
    return tag.split("-")[0].casefold() if tag and tag.strip() else None


# Refuse archives that would inflate past this when read (zip bombs): DOCX is a zip file.
MAX_UNPACKED_BYTES = 200_000_000


def _docx(raw: bytes, where: str) -> Extracted:
    import zipfile

    from docx import Document

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise InputError(
                    f"{where}: the DOCX would unpack to {unpacked} bytes, over the "
                    f"{MAX_UNPACKED_BYTES}-byte limit"
                )
        document = Document(io.BytesIO(raw))
        text = _docx_text(document)
        props = document.core_properties
        title, language = props.title or None, _language_code(props.language)
        date = props.created.date().isoformat() if props.created else None
    except InputError:
        raise
    except Exception as exc:  # zipfile.BadZipFile, KeyError, lxml errors, ValueError ...
        raise InputError(f"{where}: cannot read the DOCX ({type(exc).__name__})") from None
    if not text.strip():
        raise InputError(f"{where}: the DOCX has no text")
    return Extracted(text, title, date, language)


def _docx_text(document: Any) -> str:
    """Paragraphs, headings (as "# ...", so they become sections) and table rows, in order."""
    from docx.table import Table

    blocks: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells = [" ".join(c.text.split()) for c in row.cells]
                line = " | ".join(dict.fromkeys(c for c in cells if c))  # merged cells repeat
                if line:
                    blocks.append(line)
            continue
        text = item.text.strip()
        if not text:
            continue
        style = (item.style.name if item.style is not None else "") or ""
        if style.startswith(("Heading", "Title")) and "\n" not in text:
            text = "# " + text  # so the chunker takes it as the section heading
        blocks.append(text)
    return "\n\n".join(blocks)


def _pdf(raw: bytes, where: str) -> Extracted:
    from pypdf import PdfReader

    if not raw.startswith(b"%PDF"):
        raise InputError(f"{where}: not a PDF file")
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise InputError(f"{where}: the PDF is encrypted")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        title = reader.metadata.title if reader.metadata and reader.metadata.title else None
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many kinds on damaged files, not only PdfReadError
        raise InputError(f"{where}: cannot read the PDF ({type(exc).__name__})") from None
    text, regions = "", []
    for number, page in enumerate(pages, start=1):
        if not page:
            continue
        if text:
            text += "\n\n"
        regions.append(Region(len(text), len(text) + len(page), f"p. {number}", page=number))
        text += page
    if not text.strip():
        raise InputError(f"{where}: the PDF has no extractable text (a scan?)")
    return Extracted(text, title, regions=tuple(regions))


LOADERS: dict[str, Callable[[bytes, str], Extracted]] = {
    ".txt": _text,
    ".md": _text,
    ".markdown": _text,
    ".html": _html,
    ".htm": _html,
    ".pdf": _pdf,
    ".docx": _docx,
    ".xml": lambda raw, where: _laws().load_egov_xml(raw, where),
    ".tmx": lambda raw, where: _laws().load_tmx(raw, where),
}


def _laws():  # type: ignore[no-untyped-def]
    from . import laws

    return laws
