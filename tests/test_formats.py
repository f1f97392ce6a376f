"""Real policy formats end to end: PDF pages, HTML without boilerplate, DOCX, Shift_JIS and BOM
text, e-Gov statute XML and bilingual TMX. Every citation must be verbatim and located."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.corpus import read_document
from assistant.errors import InputError

from .conftest import make_settings
from .test_loaders import make_pdf

FIXTURES = Path(__file__).parent / "fixtures"


def make_docx(path: Path) -> Path:
    from docx import Document

    doc = Document()
    doc.core_properties.title = "Trial Operator Handbook"
    doc.core_properties.language = "en-GB"
    doc.add_heading("Record keeping", level=1)
    doc.add_paragraph(
        "Each trial operator keeps its trial logs for five years after the trial ends."
    )
    doc.add_heading("Contacts", level=1)
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Office", "Telephone"
    table.cell(1, 0).text, table.cell(1, 1).text = "Trial Desk", "03-0000-0000"
    doc.save(path)
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("formats")
    (folder / "two_pages.pdf").write_bytes(
        make_pdf(
            [
                "Chapter one covers the scope of the trial programme for regulators.",
                "The trial programme budget for pilot audits is 40 million yen per year.",
            ]
        )
    )
    make_docx(folder / "handbook.docx")
    (folder / "notice_sjis.txt").write_bytes(
        "試験運用のお知らせ\n\n試験事業者は、毎月十日までに運用記録を提出してください。\n".encode(
            "cp932"
        )
    )
    (folder / "bom.txt").write_bytes(
        "\ufeffBOM notice\n\nThe register must be reviewed every quarter by the board.\n".encode()
    )
    for name in ("ai_promotion_act.xml", "policy_page.html"):
        (folder / name).write_bytes((FIXTURES / name).read_bytes())
    tmx = folder / "translation"  # its own folder: it shares its document id with the XML
    tmx.mkdir()
    (tmx / "ai_promotion_act_en.tmx").write_bytes((FIXTURES / "ai_promotion_act.tmx").read_bytes())
    return folder


@pytest.fixture(scope="module")
def bot(tmp_path_factory, embedder, files) -> Assistant:
    bot = Assistant(make_settings(tmp_path_factory.mktemp("formats-index")), embedder=embedder)
    bot.ingest([files])
    return bot


def cited(bot: Assistant, question: str):
    answer = bot.ask(question)
    assert not answer.abstained, (question, answer.answer)
    for c in answer.citations:
        assert bot.index.document_text(c.doc_id)[c.start : c.end] == c.quote
    return answer


def test_pdf_citation_carries_its_page(bot):
    answer = cited(bot, "What is the budget for pilot audits in the trial programme?")
    top = answer.citations[0]
    assert top.doc_id == "two-pages" and "40 million yen" in top.quote
    assert top.page == 2 and top.locator == "p. 2"
    assert answer.to_json()["citations"][0]["page"] == 2


def test_html_main_content_only_with_metadata(bot):
    doc = read_document(FIXTURES / "policy_page.html")
    for boilerplate in ("Member login", "navigation banner", "cookie notice", "Home"):
        assert boilerplate not in doc.text
    assert (doc.title, doc.date, doc.language) == (
        "Trial Guidance for AI Operators",
        "2025-09-01",
        "en",
    )
    answer = cited(bot, "How quickly must a serious incident be reported?")
    assert "seventy-two hours" in answer.citations[0].quote
    assert answer.citations[0].section == "Incidents"


def test_docx_headings_become_sections(bot, files):
    doc = read_document(files / "handbook.docx")
    assert doc.title == "Trial Operator Handbook" and doc.language == "en"
    assert "Trial Desk | 03-0000-0000" in doc.text
    answer = cited(bot, "How long must trial logs be kept?")
    assert "five years" in answer.citations[0].quote
    assert answer.citations[0].section == "Record keeping"


def test_shift_jis_and_bom_text_are_read(bot, files):
    doc = read_document(files / "notice_sjis.txt")
    assert "毎月十日まで" in doc.text and doc.language == "ja"
    assert not read_document(files / "bom.txt").text.startswith("\ufeff")
    answer = cited(bot, "運用記録はいつまでに提出しますか？")
    assert any("毎月十日まで" in c.quote for c in answer.citations)


def test_binary_junk_is_not_taken_for_shift_jis(tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(0x80, 0x100)) * 20)
    with pytest.raises(InputError, match="not text"):
        read_document(junk)


def test_statute_xml_is_chunked_by_article_and_paragraph(bot):
    doc = read_document(FIXTURES / "ai_promotion_act.xml")
    assert (doc.title, doc.date, doc.language) == ("人工知能試験法（試験用）", "2025-06-04", "ja")
    locators = [r.locator for r in doc.regions]
    assert "Act No. 53 of 2025, Article 7, paragraph (2)" in locators
    assert "Act No. 53 of 2025, Supplementary Provisions, Article 1" in locators
    for region in doc.regions:  # each paragraph is text of its own article
        assert doc.text[region.start : region.end].strip()
    # 第七条, 第7条 and "Article 7" all reach the same provision
    for question in ("第七条は何を定めていますか？", "第7条は何を定めていますか？"):
        answer = cited(bot, question)
        top = answer.citations[0]
        assert top.locator.startswith("Act No. 53 of 2025, Article 7"), top.locator
        assert answer.answer.startswith("以下は出典の該当箇所を原文のまま引用したものです。")


def test_tmx_links_japanese_and_english_of_the_same_article(bot):
    answer = cited(bot, "How often must a trial operator report the results of its trials?")
    top = next(c for c in answer.citations if "once every fiscal year" in c.quote)
    assert top.locator == "Act No. 53 of 2025, Article 7"
    assert top.parallel and top.parallel["language"] == "ja"
    assert "毎年度一回" in top.parallel["text"]
    assert answer.to_json()["citations"][0]["parallel"] is not None


def test_era_year_matches_western_year(bot):
    answer = cited(bot, "この法律は2026年のいつから施行されますか？")
    assert any("令和八年四月一日" in c.quote for c in answer.citations)


@pytest.mark.parametrize(
    "name, raw, message",
    [
        (
            "bomb.xml",
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
            "DOCTYPE",
        ),
        ("broken.xml", b"<Law><LawBody>", "not well-formed"),
        ("other.xml", b"<html><body>hi</body></html>", "not an e-Gov statute"),
        ("empty.tmx", b'<tmx version="1.4"><header/><body/></tmx>', "no translation units"),
        ("bad.docx", b"PK\x03\x04 not really a zip", "cannot read the DOCX"),
    ],
)
def test_bad_structured_files_get_a_clear_error(tmp_path, name, raw, message):
    path = tmp_path / name
    path.write_bytes(raw)
    with pytest.raises(InputError, match=message):
        read_document(path)


def test_docx_zip_bomb_is_refused(tmp_path, monkeypatch):
    import zipfile

    from assistant import loaders

    monkeypatch.setattr(loaders, "MAX_UNPACKED_BYTES", 1_000_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * 5_000_000)  # compresses to a few KB
    path = tmp_path / "bomb.docx"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 100_000
    with pytest.raises(InputError, match="unpack"):
        read_document(path)
