"""Statutes as the government publishes them: e-Gov XML (Japanese) and Japanese Law Translation
XML (English), read whole, quoted by whole provisions, found by reference and by name in either
script, and paired article by article across the two languages."""

from __future__ import annotations

import http.server
import re
import threading
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from assistant import Assistant
from assistant.chunking import chunk_document, evidence_units
from assistant.corpus import read_document
from assistant.errors import InputError
from assistant.laws import japanese_law_number, load_egov_xml
from assistant.provisions import differs, link_key
from assistant.references import Provision, located, named_laws, provisions
from assistant.text import sentences

from .conftest import make_settings

LAWS = Path(__file__).resolve().parents[2] / "shared" / "laws"
needs_laws = pytest.mark.skipif(not LAWS.is_dir(), reason=f"no statute files at {LAWS}")
AI_JA, AI_EN = LAWS / "ai-promotion-act.ja.egov.xml", LAWS / "ai-promotion-act.en.jlt.xml"
APPI_JA, APPI_EN = LAWS / "appi.ja.egov.xml", LAWS / "appi.en.jlt.xml"

MINIMAL = (
    '<Law Lang="en" Era="Reiwa" Year="07" Num="053" LawType="Act"><LawNum>Act No. 53</LawNum>'
    '<LawBody><LawTitle>Test Act</LawTitle><MainProvision><Article Num="1">'
    '<ArticleTitle>Article 1</ArticleTitle><Paragraph Num="1"><ParagraphNum/>'
    "<ParagraphSentence><Sentence>The purpose of this Act is testing.</Sentence>"
    "</ParagraphSentence></Paragraph></Article></MainProvision></LawBody></Law>"
)


@needs_laws
@pytest.mark.parametrize("path", [AI_JA, AI_EN, APPI_JA, APPI_EN], ids=lambda p: p.name)
def test_every_sentence_of_a_statute_is_read(path):
    """Tables, sub-items, amending provisions and supplementary provisions included."""
    extracted = load_egov_xml(path.read_bytes(), path.name)
    raw = re.sub(rb"<!DOCTYPE[^>]*>", b"", path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
    flat = re.sub(r"\s+", "", extracted.text)
    wanted = [
        re.sub(r"\s+", "", "".join(s.itertext())) for s in ET.fromstring(raw).iter("Sentence")
    ]
    missing = [s for s in wanted if s and s not in flat]
    assert wanted and not missing, missing[:3]
    assert extracted.law is not None and extracted.law.number.startswith("Act No. ")


def test_a_translation_with_an_external_dtd_is_read_and_the_dtd_is_never_fetched(tmp_path):
    fetched: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            fetched.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY x "boom">')

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/jstatute.dtd"
        for doctype in (
            '<!DOCTYPE Law PUBLIC "-//JaLII//DTD J-STATUTE 1.0//EN" "jstatute.dtd">',
            f'<!DOCTYPE Law SYSTEM "{url}">',
        ):
            raw = b"\xef\xbb\xbf" + f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n'.encode()
            extracted = load_egov_xml(raw + MINIMAL.encode(), "act.xml")
            assert "The purpose of this Act is testing." in extracted.text
            assert extracted.law and extracted.law.translation
    finally:
        server.shutdown()
    assert fetched == []


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE Law [<!ENTITY a "aaaaaaaaaa">]>',
        '<!DOCTYPE Law SYSTEM "x.dtd" [<!ELEMENT Law ANY>]>',
        '<!DOCTYPE Law PUBLIC "x" "y.dtd"><!DOCTYPE Law PUBLIC "x" "y.dtd">',
    ],
)
def test_entity_declarations_and_internal_subsets_stay_refused(tmp_path, prolog):
    path = tmp_path / "bomb.xml"
    path.write_text(f'<?xml version="1.0"?>{prolog}{MINIMAL}', encoding="utf-8")
    with pytest.raises(InputError, match="DOCTYPE|entities"):
        read_document(path)


def test_a_sentence_never_ends_inside_brackets():
    for text, first in [
        (
            "機関（以下「研究開発機関」という。）は、努める。次の文。",
            "機関（以下「研究開発機関」という。）は、努める。",
        ),
        ("「開く。」と書く。次。", "「開く。」と書く。"),
        ("本部（内閣に置く。）。次。", "本部（内閣に置く。）。"),
    ]:
        spans = sentences(text)
        assert text[spans[0][0] : spans[0][1]] == first
    # a bracket that never closes does not swallow the rest of the line
    text = "「開く。閉じない。"
    assert len(sentences(text)) == 2


@needs_laws
def test_a_statute_is_quoted_by_whole_provisions():
    chunks = chunk_document(read_document(AI_JA))
    units = {c.locator: evidence_units(c) for c in chunks}
    defined = units["Act No. 53 of 2025, Article 6, paragraph (1)"]
    assert len(defined) == 1 and defined[0].text.endswith("努めるものとする。")
    listing = units["Act No. 53 of 2025, Article 20"]
    assert len(listing) == 1
    assert listing[0].text.startswith("本部は、次に掲げる事務をつかさどる。")
    assert "二　前号に掲げるもののほか" in listing[0].text
    english = {c.locator: evidence_units(c) for c in chunk_document(read_document(AI_EN))}
    assert english["Act No. 53 of 2025, Article 20"][0].text.count("\n") == 2


@needs_laws
def test_long_lists_are_quoted_item_by_item_each_embedded_with_its_lead_in():
    chunks = chunk_document(read_document(APPI_JA))
    long_lists = [
        (c, u)
        for c in chunks
        for u in evidence_units(c)
        if re.match(r"^[一二三四五六七八九十]+　", u.text)
    ]
    assert long_lists
    for chunk, unit in long_lists:
        lead = evidence_units(chunk)[0].text
        assert unit.context.startswith(lead)


@pytest.mark.parametrize(
    "question",
    [
        "What does Article 22 provide?",
        "What does Art. 22(1) say?",
        "Explain article 22, paragraph (1) of the Act",
        "第二十二条第一項には何が書かれていますか",
        "第22条1項の内容は？",
        "第２２条第１項",
    ],
)
def test_references_in_any_script_name_the_same_article(question):
    found = provisions(question)
    assert found and found[0].article == "22"
    assert found[0].paragraph in {None, "1"}


def test_reference_parsing_leaves_ordinary_numbers_alone():
    assert provisions("What happened in 2022 and 22 times?") == []
    assert provisions("第2条の2") == [Provision("2-2", None)]
    assert located("Act No. 57 of 2003, Supplementary Provisions, Article 1") is None


def test_japanese_law_numbers_become_english_citations():
    assert japanese_law_number("令和七年法律第五十三号") == "Act No. 53 of 2025"
    assert japanese_law_number("令和三年五月一九日法律第三七号") == "Act No. 37 of 2021"
    assert japanese_law_number("平成十五年法律第五十七号") == "Act No. 57 of 2003"
    assert japanese_law_number("no number here") == ""


@needs_laws
def test_a_law_is_named_by_title_abbreviation_number_acronym_or_glossary_name(tmp_path):
    documents = {
        name: read_document(path).meta() for name, path in (("ja", AI_JA), ("appi", APPI_EN))
    }
    ai, appi = "Act No. 53 of 2025", "Act No. 57 of 2003"
    for question, law in [
        ("ＡＩ法の目的は何ですか", ai),
        ("AI法の目的は", ai),
        ("人工知能関連技術の研究開発及び活用の推進に関する法律の第三条", ai),
        ("What does the AI Promotion Act say about local governments?", ai),
        ("令和七年法律第五十三号の目的", ai),
        ("Under Act No. 53 of 2025, who heads the headquarters?", ai),
        ("What does the APPI require of business operators?", appi),
        ("individual rights under the Act on the Protection of Personal Information", appi),
    ]:
        assert named_laws(question, documents) == {law}, question
    assert named_laws("What does the EU AI Act prohibit?", documents) == set()
    assert named_laws("Which apps are popular?", documents) == set()


def test_versions_that_state_different_numbers_differ():
    assert not differs("第二十七条第一項の規定により", "pursuant to Article 27, paragraph (1)")
    assert differs("第二十条の規定により", "pursuant to Article 21")
    assert differs("五十万円以下の罰金", "a fine of not more than 1,000,000 yen")
    assert not differs("平成七年法律第百三十号", "Act No. 130 of 1995")


@needs_laws
def test_the_two_languages_of_the_ai_act_pair_paragraph_by_paragraph():
    ja = chunk_document(read_document(AI_JA))
    en = {link_key(c): c for c in chunk_document(read_document(AI_EN))}
    main = [c for c in ja if located(c.locator)]
    assert main and all(link_key(c) in en for c in main)
    assert not any(differs(c.text, en[link_key(c)].text) for c in main)


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory, embedder):
    if not LAWS.is_dir():
        pytest.skip(f"no statute files at {LAWS}")
    bot = Assistant(make_settings(tmp_path_factory.mktemp("statutes")), embedder=embedder)
    bot.ingest()
    bot.ingest([AI_JA, AI_EN])
    return bot


@pytest.mark.parametrize(
    "question",
    [
        "What does Article 22 provide?",
        "Art. 22(1)",
        "第二十二条第一項",
        "第22条1項は何を定めていますか",
    ],
)
def test_a_cited_provision_comes_first(bilingual, question):
    answer = bilingual.ask(question)
    assert not answer.abstained
    assert located(answer.citations[0].locator)[1] == "22"
    assert located(answer.passages[0].chunk.locator)[1] == "22"


def test_an_english_question_quotes_the_english_text_with_the_japanese_beside_it(bilingual):
    answer = bilingual.ask("Who serves as the chairperson of the AI Strategic Headquarters?")
    first = answer.citations[0]
    assert "Prime Minister" in answer.answer
    document = bilingual.documents()[first.doc_id]
    assert document["language"] == "en" and "no legal effect" in (first.note or "")
    assert first.parallel and first.parallel["language"] == "ja"
    assert "内閣総理大臣" in first.parallel["text"]
    assert first.parallel["differs"] is False


def test_a_japanese_question_quotes_the_japanese_text_with_the_english_beside_it(bilingual):
    answer = bilingual.ask("人工知能戦略本部の長は誰ですか？")
    first = answer.citations[0]
    assert "内閣総理大臣" in answer.answer
    assert bilingual.documents()[first.doc_id]["language"] == "ja" and first.note is None
    assert first.parallel and first.parallel["language"] == "en"
    assert "no legal effect" in (first.parallel["note"] or "")


def test_a_question_naming_the_law_finds_its_articles_over_the_commentary(bilingual):
    for question in (
        "What does the AI Promotion Act say about the responsibilities of local governments?",
        "ＡＩ法は地方公共団体の責務について何を定めていますか？",
        "Under Act No. 53 of 2025, what are local governments responsible for?",
    ):
        passages = bilingual.ask(question).passages
        assert located(passages[0].chunk.locator)[1] == "5", question


def _japanese_font() -> bool:
    import subprocess

    try:
        found = subprocess.run(["fc-list", ":lang=ja"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(found.stdout.strip())


def test_the_page_shows_both_languages_side_by_side(bilingual, tmp_path):
    import os

    from assistant.faces.web import serve

    from .test_web import BROWSER_FLAGS, CHROMIUM, free_port

    if CHROMIUM is None or not _japanese_font():
        if os.environ.get("CI"):
            pytest.fail("chromium or a Japanese font is missing (make browser installs them)")
        pytest.skip("chromium or a Japanese font (fonts-noto-cjk) is missing")
    from playwright.sync_api import sync_playwright

    port = free_port()
    app = serve(bilingual, port=port, block=False)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=BROWSER_FLAGS
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/")
            page.locator("#question textarea").fill("人工知能戦略本部の長は誰ですか？")
            page.locator("#ask").click()
            pair = page.locator("#source-1 .pair")
            pair.wait_for(timeout=60_000)
            text = pair.inner_text()
            assert "内閣総理大臣" in text and "Prime Minister" in text
            assert "no legal effect" in text
            assert "Same provision (en" in text
            page.screenshot(path=str(tmp_path / "bilingual.png"), full_page=True)
            browser.close()
    finally:
        app.close()
    assert (tmp_path / "bilingual.png").stat().st_size > 10_000


@needs_laws
def test_a_law_of_another_jurisdiction_with_the_same_short_name_is_not_this_one():
    documents = {"ja": read_document(AI_JA).meta()}
    for question in (
        "EUのAI法は何を禁止していますか",
        "韓国のＡＩ法の罰則は",
        "欧州のAI法について",
    ):
        assert named_laws(question, documents) == set(), question
    for question in ("日本のAI法の目的は", "AI法の目的は何ですか", "我が国のＡＩ法は"):
        assert named_laws(question, documents) == {"Act No. 53 of 2025"}, question


@pytest.mark.parametrize(
    "question",
    [
        "Under Art. 16 of the AI Promotion Act, what must the national government do?",
        "ＡＩ法第十六条は国に何を求めていますか",
        "Explain Article 16 of Act No. 53 of 2025",
    ],
)
def test_a_reference_is_not_taken_for_an_unknown_name(bilingual, question):
    answer = bilingual.ask(question)
    assert not answer.abstained and answer.notice is None
    assert located(answer.citations[0].locator)[1] == "16"


def test_eval_on_a_folder_without_statutes_is_a_clear_error(tmp_path):
    from typer.testing import CliRunner

    from assistant.faces.cli import app

    result = CliRunner().invoke(app, ["eval", "--statutes", str(tmp_path)])
    assert result.exit_code == 2
    assert "no statute XML files" in result.output


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ('What does "utilization business operator" mean under the Act?', "7"),
        ("Define artificial intelligence-related technology as the AI Promotion Act uses it", "2"),
        ("研究開発機関の定義は？", "6"),
        ("「人工知能関連技術」とはどういう意味ですか", "2"),
        ("what is meant by research and development institutes", "6"),
    ],
)
def test_a_question_about_a_defined_term_quotes_its_definition(bilingual, question, article):
    answer = bilingual.ask(question)
    assert not answer.abstained
    assert located(answer.citations[0].locator)[1] == article


def test_defined_terms_are_read_from_the_text_not_a_list():
    from assistant.references import asked_definitions, defined_terms

    terms = defined_terms('(referred to below as the "headquarters") 「本部長」とは、…をいう。')
    assert terms == {"headquarters", "本部長"}
    assert asked_definitions("What does headquarters mean?", terms) == {"headquarters"}
    assert asked_definitions("Who chairs the headquarters?", terms) == set()  # not asked


@pytest.fixture(scope="module")
def japanese_act_alone(tmp_path_factory, embedder):
    if not LAWS.is_dir():
        pytest.skip(f"no statute files at {LAWS}")
    bot = Assistant(make_settings(tmp_path_factory.mktemp("act-alone")), embedder=embedder)
    bot.ingest([AI_JA])
    return bot


@pytest.mark.parametrize(
    "question",
    [
        "AI戦略本部の所掌事務は何ですか？",
        "AIの研究開発について国は何をしますか",
        "AI基本計画には何を定めますか",
    ],
)
def test_ai_and_its_japanese_spelling_are_one_word_for_the_scope_check(
    japanese_act_alone, question
):
    """The Act writes 人工知能, never AI: a question that says AI is still in scope."""
    answer = japanese_act_alone.ask(question)
    assert not (answer.notice or "").count("AI"), answer.notice
    assert not answer.abstained
    assert all(located(c.locator) for c in answer.citations)


def test_a_changed_locator_reaches_the_index_even_when_the_chunks_text_is_the_same(
    fresh_bot, tmp_path
):
    """The law's number comes from the <Law> attributes, not the text: renumbering changes
    every locator while every chunk keeps its text and id."""
    path = tmp_path / "act.xml"
    path.write_text(MINIMAL, encoding="utf-8")
    fresh_bot.ingest([path])
    assert {c.locator for c in fresh_bot.index.chunks} == {"Act No. 53 of 2025, Article 1"}
    path.write_text(MINIMAL.replace('Num="053"', 'Num="054"'), encoding="utf-8")
    fresh_bot.ingest([path])
    assert {c.locator for c in fresh_bot.index.chunks} == {"Act No. 54 of 2025, Article 1"}
    assert fresh_bot.index.verify() == []
