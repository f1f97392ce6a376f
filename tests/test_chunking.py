from assistant.chunking import chunk_document
from assistant.corpus import read_paths
from assistant.schema import SourceDocument

from .conftest import CORPUS


def corpus_docs():
    return read_paths([CORPUS], max_bytes=10**7)


def test_offsets_round_trip_and_chunks_do_not_overlap():
    for doc in corpus_docs():
        chunks = chunk_document(doc, max_chars=600)
        assert chunks
        last_end = 0
        for chunk in chunks:
            assert doc.text[chunk.start : chunk.end] == chunk.text
            assert chunk.start >= last_end
            last_end = chunk.end


def test_chunk_ids_are_stable_and_unique():
    first = [c.chunk_id for d in corpus_docs() for c in chunk_document(d)]
    second = [c.chunk_id for d in corpus_docs() for c in chunk_document(d)]
    assert first == second and len(set(first)) == len(first)


def test_headings_become_sections_and_are_not_chunk_text():
    doc = next(d for d in corpus_docs() if d.doc_id == "gr-japan-ai-governance")
    chunks = chunk_document(doc)
    ais = next(c for c in chunks if "AI Safety Institute on February 14, 2024" in c.text)
    assert ais.section == "Potential New Regulations for AI"
    assert all(not c.text.startswith("Introduction") for c in chunks)


def test_a_list_stays_with_the_sentence_that_introduces_it():
    doc = next(d for d in corpus_docs() if d.doc_id == "gr-japan-ai-governance")
    chunk = next(c for c in chunk_document(doc) if "five strategic objectives:" in c.text)
    assert "5. Dealing with Imminent Crises" in chunk.text


def test_long_paragraph_splits_at_sentence_boundaries():
    sentence = "Japan reviewed its artificial intelligence policy in detail this year. "
    text = "Heading\n\n" + sentence * 40
    doc = SourceDocument("d", "/d", text, "x", "T", body=((0, len(text)),))
    chunks = chunk_document(doc, max_chars=300)
    assert len(chunks) > 5
    for chunk in chunks:
        assert len(chunk.text) <= 300 and chunk.text.endswith(".")
        assert text[chunk.start : chunk.end] == chunk.text
