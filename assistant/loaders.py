"""Turn a file's bytes into text and whatever metadata the format carries.

Plain text and Markdown are kept verbatim; HTML is reduced to its main content (navigation,
headers and footers dropped) with trafilatura; PDF text is extracted page by page with pypdf,
pages separated by a blank line. The extracted text is what gets stored, chunked and cited.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from .errors import InputError


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None = None
    date: str | None = None


def decode(raw: bytes, where: str) -> str:
    """Decode file bytes as UTF-8 text, refusing binary content with a clear message."""
    if not raw.strip():
        raise InputError(f"{where}: the file is empty")
    if b"\x00" in raw:
        raise InputError(f"{where}: looks like a binary file, not text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{where}: not UTF-8 text") from None


def _text(raw: bytes, where: str) -> Extracted:
    return Extracted(decode(raw, where))


def _html(raw: bytes, where: str) -> Extracted:
    import trafilatura

    page = decode(raw, where)
    text = trafilatura.extract(
        page, include_comments=False, include_tables=True, favor_precision=True
    )
    if not text or not text.strip():
        raise InputError(f"{where}: no article text found in the HTML page")
    meta = trafilatura.extract_metadata(page)
    title = meta.title if meta and meta.title else None
    date = meta.date if meta and meta.date else None
    return Extracted(text, title, date)


def _pdf(raw: bytes, where: str) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

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
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(f"{where}: cannot read the PDF ({type(exc).__name__})") from None
    text = "\n\n".join(p for p in pages if p)
    if not text.strip():
        raise InputError(f"{where}: the PDF has no extractable text (a scan?)")
    return Extracted(text, title)


LOADERS: dict[str, Callable[[bytes, str], Extracted]] = {
    ".txt": _text,
    ".md": _text,
    ".markdown": _text,
    ".html": _html,
    ".htm": _html,
    ".pdf": _pdf,
}

_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


def guess_language(text: str) -> str:
    """'ja' when at least a fifth of the letters are Japanese/Chinese characters, else 'en'."""
    sample = text[:20_000]
    letters = sum(ch.isalpha() for ch in sample) or 1
    return "ja" if len(_CJK_CHAR.findall(sample)) / letters >= 0.2 else "en"
