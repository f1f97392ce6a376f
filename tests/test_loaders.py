"""Loaders for HTML and PDF, on small files the tests make."""

import pytest

from assistant.corpus import read_document
from assistant.errors import InputError


def make_pdf(pages: list[str]) -> bytes:
    """A minimal valid PDF with one line of Helvetica text per page."""
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        None,
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for text in pages:
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream.decode()}\nendstream")
        content = len(objects)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents "
            f"{content} 0 R /Resources << /Font << /F1 3 0 R >> >> >>"
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def test_pdf_text_is_extracted_page_by_page(tmp_path):
    path = tmp_path / "policy.pdf"
    path.write_bytes(make_pdf(["The agency opened in April 2024.", "Page two covers audits."]))
    doc = read_document(path)
    assert "The agency opened in April 2024." in doc.text
    assert doc.text.index("April 2024") < doc.text.index("Page two")


def test_encrypted_or_broken_pdf_is_refused(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n")
    with pytest.raises(InputError, match="PDF"):
        read_document(path)


def test_html_keeps_the_article_and_drops_navigation(tmp_path):
    article = " ".join(
        f"The ministry published its AI guideline number {i} for business operators."
        for i in range(8)
    )
    page = f"""<html><head><title>AI guideline news</title></head><body>
    <nav><a href="/">Home</a> <a href="/about">About us</a> <a href="/login">Log in</a></nav>
    <article><h1>AI guideline news</h1><p>{article}</p></article>
    <footer>Copyright 2025 Example Media. All rights reserved. Subscribe to our newsletter.</footer>
    </body></html>"""
    path = tmp_path / "news.html"
    path.write_text(page, encoding="utf-8")
    doc = read_document(path)
    assert "AI guideline number 7" in doc.text
    assert "Log in" not in doc.text and "All rights reserved" not in doc.text
    assert doc.title == "AI guideline news"


def test_japanese_text_is_recognised_as_japanese(tmp_path):
    path = tmp_path / "ja.txt"
    path.write_text("人工知能基本法\n\n政府は人工知能の研究開発を推進する。", encoding="utf-8")
    assert read_document(path).language == "ja"
