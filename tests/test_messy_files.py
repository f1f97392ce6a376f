"""Files as people have them: Windows (CRLF) and old Mac (CR) line endings, links that lead out
of the folder being ingested, and control-character junk that holds no NUL byte.

Offsets always count the characters of the text exactly as it is stored in the snapshot, so
whatever the line endings, every chunk is a slice of its document and every quote checks.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.chunking import chunk_document, evidence_units
from assistant.corpus import read_document, read_paths
from assistant.errors import InputError
from assistant.faces.cli import app
from assistant.ground import invalid_citations
from assistant.loaders import decode

from .conftest import CORPUS, write

LAWS = Path("/work/shared/laws")
FIXTURES = Path(__file__).parent / "fixtures"

SENTENCE = "The Foo Board was set up in 2030 to audit AI systems used by ministries."
QUESTION = "When was the Foo Board set up?"
BAR = "Bar Council notes\n\nThe Bar Council was set up in 2027 to license drone pilots.\n"
BAR_QUESTION = "When was the Bar Council set up?"


def foo(newline: str) -> bytes:
    return f"Foo Board notes{newline}{newline}{SENTENCE}{newline}".encode()


# A document with a Markdown heading, a heading line, paragraphs, sentences and a list.
STRUCTURED = (
    "# Scope\nThe Act applies to every operator. It took effect in 2025.\n\n"
    "Reporting duties\n\nOperators must report incidents within 30 days.\n"
    "The ministry publishes a summary:\n- incidents by sector\n- measures taken\n\n"
    "Review\n\nThe Act is reviewed every three years.\n"
)
LINE_ENDINGS = {"crlf": "\r\n", "cr": "\r", "line separator": "\u2028", "form feed": "\f"}


def _doc(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return read_document(path)


def _shape(document, newline: str):
    """Sections, chunk texts and unit texts, with the line breaks written as LF."""
    chunks = chunk_document(document, max_chars=200)
    for chunk in chunks:
        assert document.text[chunk.start : chunk.end] == chunk.text
    return [
        (
            c.section,
            c.text.replace(newline, "\n"),
            [u.text.replace(newline, "\n") for u in evidence_units(c)],
        )
        for c in chunks
    ]


# --------------------------------------------------------------------------------------------
# Line endings
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("newline", LINE_ENDINGS.values(), ids=LINE_ENDINGS.keys())
def test_line_endings_do_not_change_how_a_document_is_read_and_chunked(tmp_path, newline):
    lf = _doc(tmp_path, "lf.txt", STRUCTURED)
    other = _doc(tmp_path, "other.txt", STRUCTURED.replace("\n", newline))
    assert other.title == lf.title == "Scope"
    assert _shape(other, newline) == _shape(lf, "\n")
    assert [s for s, _, _ in _shape(lf, "\n")] == ["Scope", "Reporting duties", "Review"]


@pytest.mark.parametrize("newline", LINE_ENDINGS.values(), ids=LINE_ENDINGS.keys())
def test_a_hash_sign_alone_on_its_line_does_not_swallow_the_text_under_it(tmp_path, newline):
    text = f"#{newline}The Act applies to every operator.{newline}"
    chunks = chunk_document(_doc(tmp_path, "hash.txt", text))
    assert any("The Act applies to every operator." in c.text for c in chunks), chunks


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_a_file_with_any_line_ending_verifies_and_answers_with_a_citation(
    fresh_bot, tmp_path, newline
):
    path = tmp_path / "notes.txt"
    path.write_bytes(foo(newline))
    fresh_bot.ingest([path])
    assert fresh_bot.index.verify() == []
    assert fresh_bot.documents()["notes"]["title"] == "Foo Board notes"
    answer = fresh_bot.ask(QUESTION)
    assert not answer.abstained, answer.answer
    first = answer.citations[0]
    assert (first.quote, first.section) == (SENTENCE, "Foo Board notes")
    assert fresh_bot.index.document_text("notes")[first.start : first.end] == SENTENCE
    assert invalid_citations(answer, fresh_bot.index.document_text) == []


def test_the_issue_commands_on_a_crlf_file(tmp_path, monkeypatch):
    """`assistant ingest crlf.txt`, `assistant verify`, the question, then `ingest --reread`."""
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "crlf.txt"
    path.write_bytes(foo("\r\n"))
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(path)]).exit_code == 0
    verify = runner.invoke(app, ["verify"])
    assert verify.exit_code == 0, verify.output
    asked = runner.invoke(app, ["ask", "--json", QUESTION])
    assert asked.exit_code == 0, asked.output
    answer = json.loads(asked.stdout)
    assert not answer["abstained"] and answer["citations"][0]["quote"] == SENTENCE
    reread = runner.invoke(app, ["ingest", "--reread", str(path)])
    assert reread.exit_code == 0 and "1 unchanged" in reread.stdout
    assert runner.invoke(app, ["verify"]).exit_code == 0


def _translated(text: str) -> str:
    """The text as a reader with newline translation sees it."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def test_reread_mends_a_snapshot_that_lost_its_carriage_returns(fresh_bot, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(foo("\r\n") + b"Its chair is named by the Cabinet.\r\n")
    fresh_bot.ingest([path])
    record = fresh_bot.documents()["notes"]
    snapshot = fresh_bot.settings.data_dir / record["snapshot"]
    damaged = _translated(snapshot.read_bytes().decode("utf-8"))
    snapshot.write_bytes(damaged.encode("utf-8"))
    assert any("not a slice" in p for p in fresh_bot.index.verify())

    fresh_bot.ingest([path], reread=True)
    assert fresh_bot.index.verify() == []
    assert fresh_bot.index.document_text("notes") == path.read_bytes().decode("utf-8")
    answer = fresh_bot.ask(QUESTION)
    assert answer.citations and answer.citations[0].quote == SENTENCE


def test_reread_brings_back_the_exact_text_of_a_document_read_with_translated_newlines(
    fresh_bot, tmp_path
):
    """An index that holds the text as a translating reader saw it (each CRLF one LF, its
    chunks counted on that text) is brought to the file's exact text by a re-read, although
    the file's bytes have not changed: the committed chunks are not slices of the text."""
    path = tmp_path / "notes.txt"
    path.write_bytes(("Foo Board notes\r\n\r\n" + "Its chair is named yearly.\r\n" * 3).encode())
    path.write_bytes(path.read_bytes() + foo("\r\n")[17:])
    read = read_document(path)
    seen = _translated(read.text)
    fresh_bot.index.sync([dataclasses.replace(read, text=seen, body=((0, len(seen)),))])
    assert fresh_bot.index.document_text("notes") == seen

    report = fresh_bot.ingest([path], reread=True)
    assert report.updated == ["notes"]
    assert fresh_bot.index.verify() == []
    assert fresh_bot.index.document_text("notes") == read.text
    answer = fresh_bot.ask(QUESTION)
    assert answer.citations and answer.citations[0].quote == SENTENCE
    assert invalid_citations(answer, fresh_bot.index.document_text) == []


def test_the_committer_tells_a_snapshot_that_does_not_hold_its_chunks(fresh_bot, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(foo("\r\n"))
    fresh_bot.ingest([path])
    record = fresh_bot.documents()["notes"]
    chunks = fresh_bot.index.chunks.by_document["notes"]
    committer = fresh_bot.index.committer
    assert committer.holds(record, chunks)
    snapshot = committer.snapshot_path(record)
    snapshot.write_bytes(_translated(path.read_bytes().decode()).encode())
    assert not committer.holds(record, chunks)
    snapshot.unlink()
    assert not committer.holds(record, chunks)


def test_one_file_read_two_ways_keeps_a_snapshot_for_each(fresh_bot, tmp_path):
    """The same bytes as HTML and as plain text are two texts: each is stored and cited as
    read, not the one stored first."""
    raw = (FIXTURES / "policy_page.html").read_bytes()
    (tmp_path / "page.html").write_bytes(raw)
    (tmp_path / "page-source.txt").write_bytes(raw)
    fresh_bot.ingest([tmp_path])
    assert fresh_bot.index.verify() == []
    assert fresh_bot.index.document_text("page-source") == raw.decode("utf-8")
    assert "<html" not in fresh_bot.index.document_text("page")


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_an_upload_with_other_line_endings_replacing_a_document(fresh_bot, tmp_path, newline):
    fresh_bot.ingest([write(tmp_path / "corpus" / "bar.txt", BAR)])
    first = tmp_path / "in" / "first.txt"
    first.parent.mkdir()
    first.write_bytes(foo("\n"))
    fresh_bot.add_upload(first, "notes.txt")
    second = tmp_path / "in" / "second.txt"
    second.write_bytes(foo(newline) + f"It meets monthly.{newline}".encode())
    assert fresh_bot.add_upload(second, "notes.txt").updated == ["notes"]
    assert fresh_bot.index.verify() == []
    for question, quote in [(BAR_QUESTION, BAR.splitlines()[2]), (QUESTION, SENTENCE)]:
        answer = fresh_bot.ask(question)
        assert not answer.abstained, (question, answer.answer)
        assert answer.citations[0].quote == quote
        assert invalid_citations(answer, fresh_bot.index.document_text) == []


# --------------------------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------------------------


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """folder/ with a.txt, a link to a file outside it and a link to a directory outside it."""
    outside = tmp_path / "outside"
    write(outside / "secret.txt", "Secret\n\nThe vault code is 1234.")
    write(outside / "more" / "other.txt", "Other\n\nNot in the folder.")
    folder = tmp_path / "folder"
    write(folder / "a.txt", "Alpha\n\nThe Alpha office opened in 2029.")
    (folder / "passwd.txt").symlink_to(outside / "secret.txt")
    (folder / "more").symlink_to(outside / "more", target_is_directory=True)
    return folder


def test_links_out_of_the_folder_are_skipped_with_one_line_each(linked, caplog):
    with caplog.at_level(logging.WARNING):
        documents = read_paths([linked], max_bytes=10**6)
    assert [d.doc_id for d in documents] == ["a"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 2 and all("\n" not in w for w in warnings)
    assert any(str(linked / "passwd.txt") in w for w in warnings)
    assert any(str(linked / "more") in w for w in warnings)
    assert all("outside" in w for w in warnings)


def test_a_link_inside_the_folder_is_read_and_recorded_where_it_was_found(tmp_path):
    folder = tmp_path / "folder"
    write(folder / "sub" / "real.txt", "Real\n\nThe real text.")
    (folder / "alias.txt").symlink_to(Path("sub") / "real.txt")
    paths = {d.doc_id: d.path for d in read_paths([folder], max_bytes=10**6)}
    assert paths == {
        "alias": str(folder.resolve() / "alias.txt"),
        "real": str(folder.resolve() / "sub" / "real.txt"),
    }


def test_the_folder_ingest_never_quotes_what_a_link_out_points_at(fresh_bot, linked):
    fresh_bot.ingest([linked])
    assert set(fresh_bot.documents()) == {"a"}
    assert fresh_bot.index.verify() == []


def test_a_document_read_through_a_link_goes_when_the_link_goes(fresh_bot, linked):
    """A link named on the command line is followed (it was asked for), and recorded where it
    was found: deleting it from the folder removes the document at the folder's next ingest."""
    assert fresh_bot.ingest([linked / "passwd.txt"]).added == ["passwd"]
    assert fresh_bot.documents()["passwd"]["path"] == str(linked.resolve() / "passwd.txt")
    (linked / "passwd.txt").unlink()
    report = fresh_bot.ingest([linked])
    assert report.removed == ["passwd"] and report.added == ["a"]
    assert set(fresh_bot.documents()) == {"a"}


# --------------------------------------------------------------------------------------------
# Text or binary
# --------------------------------------------------------------------------------------------


def _junk(seed: int, alphabet: list[int], size: int = 3000) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.choice(alphabet) for _ in range(size))


JUNK = {
    "ascii and controls": _junk(1, list(range(1, 128))),
    "controls only": _junk(2, list(range(1, 32))),
    "terminal noise": b"\x1b[0;3" + b"\x1b[1m\x07\x08".join([b"ok"] * 400),
    "few words": b"Report\x01\x02\x03\x04\x05\x06\x0e\x0f\x10\x11 on AI\x12\x13\x14",
    "utf-16": b"\xff\xfe" + "\x01\x02\x03 junk \x04\x05".encode("utf-16-le") * 50,
    "c1 controls": "Policy \x80\x81\x82\x83\x84\x86\x87\x88\x89 text. ".encode() * 40,
}


@pytest.mark.parametrize("raw", JUNK.values(), ids=JUNK.keys())
def test_control_character_junk_is_refused_as_binary(tmp_path, raw):
    assert b"\x00" not in raw[2:] or raw.startswith(b"\xff\xfe")
    path = tmp_path / "junk.txt"
    path.write_bytes(raw)
    with pytest.raises(InputError, match="binary") as error:
        read_document(path)
    assert "\n" not in str(error.value)


def test_junk_in_a_folder_or_an_upload_changes_nothing(fresh_bot, tmp_path):
    write(tmp_path / "folder" / "good.txt", "Good\n\nA good document.")
    (tmp_path / "folder" / "junk.txt").write_bytes(JUNK["ascii and controls"])
    with pytest.raises(InputError, match="binary"):
        fresh_bot.ingest([tmp_path / "folder"])
    with pytest.raises(InputError, match="binary"):
        fresh_bot.add_upload(tmp_path / "folder" / "junk.txt", "junk.txt")
    assert not fresh_bot.index.registry_path.exists()
    assert not (fresh_bot.settings.data_dir / "uploads").exists()


def test_real_documents_are_still_text():
    files = [*CORPUS.glob("*.txt"), *FIXTURES.iterdir(), *LAWS.glob("*.xml")]
    assert len(files) >= 9
    for path in files:
        assert decode(path.read_bytes(), str(path)).strip()  # even an XML file, read as text
        if not path.name.endswith(".jlt.xml"):  # J-STATUTE files declare a DOCTYPE: refused
            assert read_document(path).text.strip()


def test_a_few_stray_control_characters_are_tolerated_and_offsets_hold(fresh_bot, tmp_path):
    """Under the threshold, odd characters (and the line breaks str.splitlines knows) stay in
    the text as they were, and every offset counts them."""
    body = " ".join(["The Foo Board reviews procurement every year."] * 30)
    text = f"Foo Board notes\x0c\n\n{body}\x0b\x1c\n\n{SENTENCE}\u2028\x85Done.\u2029\x1a\n"
    path = tmp_path / "notes.txt"
    path.write_bytes(text.encode("utf-8"))
    assert read_document(path).text == text
    fresh_bot.ingest([path])
    assert fresh_bot.index.verify() == []
    assert fresh_bot.index.document_text("notes") == text
    answer = fresh_bot.ask(QUESTION)
    assert any(c.quote == SENTENCE for c in answer.citations), answer.citations
    assert invalid_citations(answer, fresh_bot.index.document_text) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(p.name for p in LAWS.glob("*.egov.xml")))
def test_each_real_statute_ingests_and_verifies(tmp_path, embedder, name):
    from assistant import Assistant

    from .conftest import make_settings

    bot = Assistant(make_settings(tmp_path / "data"), embedder=embedder)
    bot.ingest([LAWS / name])
    assert bot.index.verify() == []


def test_links_are_not_needed_for_a_plain_folder(tmp_path):
    """No link, no warning: the walk finds every supported file, hidden ones left out."""
    folder = tmp_path / "plain"
    write(folder / "b.md", "# B\n\nBee.")
    write(folder / "sub" / "c.txt", "C\n\nSea.")
    write(folder / ".hidden" / "d.txt", "D\n\nDee.")
    write(folder / "notes.csv", "a,b")
    assert [d.doc_id for d in read_paths([folder], max_bytes=10**6)] == ["b", "c"]
    assert os.path.isdir(folder / ".hidden")
