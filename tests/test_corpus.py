import json

import pytest

from assistant.chunking import chunk_document
from assistant.corpus import body_spans, read_document, read_paths
from assistant.errors import InputError

from .conftest import CORPUS, write


def test_manifest_metadata_and_boilerplate_are_applied():
    docs = {d.doc_id: d for d in read_paths([CORPUS], max_bytes=10**7)}
    assert set(docs) == {"gr-japan-ai-governance", "japan-cautious-shift"}
    gr = docs["gr-japan-ai-governance"]
    assert gr.publisher.startswith("GR Japan") and gr.date == "2024-10" and gr.language == "en"
    body_end = gr.body[-1][1]
    assert "T +81-3-6205-4205" in gr.text and "T +81-3-6205-4205" not in gr.text[:body_end]
    shift = docs["japan-cautious-shift"]
    assert "South Korea" in shift.text and "South Korea" not in shift.text[: shift.body[-1][1]]


def test_source_files_are_kept_verbatim():
    for path in CORPUS.glob("*.txt"):
        doc = read_document(path)
        assert doc.text.encode("utf-8") == path.read_bytes()


def test_trailing_boilerplate_is_detected_without_a_manifest():
    text = (
        "Title\n\n"
        + "Real article sentence about AI policy. " * 20
        + "\n\nContact us\n\nT +81-3-0000"
    )
    ((start, end),) = body_spans(text)
    assert start == 0 and text[end:].startswith("Contact us")


def test_no_chunk_comes_from_boilerplate():
    for doc in read_paths([CORPUS], max_bytes=10**7):
        for chunk in chunk_document(doc):
            assert "+81" not in chunk.text and "More Insights" not in chunk.text
            assert "South Korea" not in chunk.text and "Chartered Insurance" not in chunk.text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"   \n", "empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        ("latin1.txt", "café déjà".encode("latin-1"), "not text in UTF-8"),
        ("table.csv", b"a,b\n1,2\n", "unsupported file type"),
    ],
)
def test_unusable_files_raise_a_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_document(path)


def test_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_paths([tmp_path / "nope"], max_bytes=100)


def test_doc_id_collision_is_refused(tmp_path):
    write(tmp_path / "a" / "policy.txt", "Policy\n\nText one.")
    write(tmp_path / "b" / "policy.txt", "Policy\n\nText two.")
    with pytest.raises(InputError, match="already used"):
        read_paths([tmp_path / "a", tmp_path / "b"], max_bytes=10**6)


def test_bad_manifest_is_reported(tmp_path):
    write(tmp_path / "doc.txt", "Title\n\nBody.")
    (tmp_path / "manifest.json").write_text(json.dumps({"docs": []}))
    with pytest.raises(InputError, match="manifest"):
        read_paths([tmp_path], max_bytes=10**6)
