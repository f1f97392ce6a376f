"""Incremental ingest against a real Chroma and the real embedding model."""

import json
import os

import pytest

from assistant import Assistant
from assistant.errors import InputError

from .conftest import make_settings, write

DOC_A = "Policy A\n\nThe ministry issued guidance on AI audits in 2023.\n\nIt applies to banks."
DOC_B = "Policy B\n\nThe agency will publish a register of AI incidents every spring."


def chroma_ids(bot):
    return {s.id for s in bot.index.stores.passages.get()}


def keyword_ids(bot):
    return {c.chunk_id for c in bot.index.chunks}


def _age(path, seconds=60):
    """Set a file's modification time into the past, as for a corpus that has sat on disk."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - seconds * 1_000_000_000))
    return path.stat().st_mtime_ns


def test_second_ingest_of_an_unchanged_corpus_embeds_nothing(fresh_bot, tmp_path):
    docs = tmp_path / "docs"
    _age(write(docs / "a.txt", DOC_A))  # files that have sat on disk (see the stat tests)
    _age(write(docs / "b.txt", DOC_B))
    first = fresh_bot.ingest([docs])
    assert sorted(first.added) == ["a", "b"] and first.embedded == first.total_chunks > 0

    before = fresh_bot.index.embedder.texts_embedded
    registry = fresh_bot.index.registry_path.read_text()
    second = fresh_bot.ingest([docs])
    assert fresh_bot.index.embedder.texts_embedded == before
    assert second.embedded == 0 and sorted(second.unchanged) == ["a", "b"]
    assert fresh_bot.index.registry_path.read_text() == registry
    assert chroma_ids(fresh_bot) == keyword_ids(fresh_bot)
    # where the time went, stage by stage: all of them on the first ingest, no encoding after
    stages = {"read", "plan", "scan", "encode units", "encode passages", "store writes"}
    assert stages | {"state", "commit"} <= set(first.seconds)
    assert first.seconds["encode units"] > 0 and first.seconds["encode passages"] > 0
    assert all(v >= 0 for v in first.seconds.values())
    assert "encode units" not in second.seconds and "read" in second.seconds


def test_a_text_repeated_across_documents_is_embedded_once(fresh_bot, tmp_path):
    from assistant.chunking import evidence_units
    from assistant.index import passage_text

    docs = tmp_path / "docs"
    # Two notices whose opening and closing paragraphs are the same words: the shared unit
    # texts are embedded once, and both documents' units still get their vectors.
    common = "All operators must keep records of their AI systems for five years."
    write(docs / "n1.txt", f"Notice\n\n{common}\n\nThe ministry will audit banks in 2026.")
    write(docs / "n2.txt", f"Notice\n\n{common}\n\nThe agency will audit insurers in 2027.")
    before = fresh_bot.index.embedder.texts_embedded
    report = fresh_bot.ingest([docs])
    chunks = fresh_bot.index.chunks
    texts = [passage_text(c) for c in chunks]
    texts += [u.context for c in chunks for u in evidence_units(c)]
    assert len(set(texts)) < len(texts)  # the fixture does repeat a text
    assert fresh_bot.index.embedder.texts_embedded - before == len(set(texts))
    assert report.embedded == report.total_chunks == len(chunks)
    vectors = fresh_bot.index.unit_vectors([c.chunk_id for c in chunks])
    assert all(len(vectors[c.chunk_id]) == len(evidence_units(c)) for c in chunks)


def test_changed_document_replaces_its_chunks(fresh_bot, tmp_path):
    docs = tmp_path / "docs"
    write(docs / "a.txt", DOC_A)
    write(docs / "b.txt", DOC_B)
    fresh_bot.ingest([docs])
    old_a = {c.chunk_id for c in fresh_bot.index.chunks if c.doc_id == "a"}

    write(docs / "a.txt", DOC_A + "\n\nA new paragraph about AI procurement rules.")
    report = fresh_bot.ingest([docs])
    assert report.updated == ["a"] and report.unchanged == ["b"]
    new_a = {c.chunk_id for c in fresh_bot.index.chunks if c.doc_id == "a"}
    assert new_a and old_a.isdisjoint(new_a)
    assert old_a.isdisjoint(chroma_ids(fresh_bot))
    assert chroma_ids(fresh_bot) == keyword_ids(fresh_bot)
    answer = fresh_bot.ask("What rules does the new paragraph cover for AI procurement?")
    assert any("procurement" in c.quote for c in answer.citations)


def test_removed_document_is_deleted_from_both_indexes(fresh_bot, tmp_path):
    docs = tmp_path / "docs"
    write(docs / "a.txt", DOC_A)
    gone = write(docs / "b.txt", DOC_B)
    fresh_bot.ingest([docs])
    gone.unlink()
    report = fresh_bot.ingest([docs])
    assert report.removed == ["b"] and report.deleted_chunks > 0
    assert {c.doc_id for c in fresh_bot.index.chunks} == {"a"}
    assert chroma_ids(fresh_bot) == keyword_ids(fresh_bot)
    assert "b" not in fresh_bot.documents()


def test_remove_by_id_and_unknown_id(fresh_bot, tmp_path):
    fresh_bot.ingest([write(tmp_path / "a.txt", DOC_A), write(tmp_path / "b.txt", DOC_B)])
    with pytest.raises(InputError, match="no such document"):
        fresh_bot.remove(["nope"])
    fresh_bot.remove(["a"])
    assert set(fresh_bot.documents()) == {"b"}
    assert chroma_ids(fresh_bot) == keyword_ids(fresh_bot)


def test_bad_file_leaves_the_index_untouched(fresh_bot, tmp_path):
    docs = tmp_path / "docs"
    write(docs / "a.txt", DOC_A)
    fresh_bot.ingest([docs])
    registry = fresh_bot.index.registry_path.read_text()
    ids = chroma_ids(fresh_bot)
    write(docs / "b.txt", DOC_B)
    (docs / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(InputError, match="binary"):
        fresh_bot.ingest([docs])
    assert fresh_bot.index.registry_path.read_text() == registry
    assert chroma_ids(fresh_bot) == ids


def test_interrupted_ingest_keeps_indexes_in_agreement_and_rerun_finishes(
    tmp_path, embedder, monkeypatch
):
    # Small chunks and batches (64 chunks per batch) so a short document spans two batches.
    fresh_bot = Assistant(
        make_settings(tmp_path / "data", chunk_max_chars=200, embedding_batch_size=1),
        embedder=embedder,
    )
    docs = tmp_path / "docs"
    write(docs / "a.txt", DOC_A)
    fresh_bot.ingest([docs])
    committed = keyword_ids(fresh_bot)
    big = "\n\n".join(
        f"Item {i}: the council reviewed AI risk item {i} in great detail and then told the "
        "public, in a short report, what it had found."
        for i in range(90)
    )
    write(docs / "big.txt", "Big report\n\n" + big)

    embedder = fresh_bot.index.embedder
    real_encode = embedder.encode
    calls = {"n": 0}

    def failing_encode(texts, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # the first batch (units and chunks: one call) is in; the second fails
            raise KeyboardInterrupt  # as if the process were stopped mid-ingest
        return real_encode(texts, **kwargs)

    monkeypatch.setattr(embedder, "encode", failing_encode)
    with pytest.raises(KeyboardInterrupt):
        fresh_bot.ingest([docs])
    monkeypatch.setattr(embedder, "encode", real_encode)

    # Chroma holds part of the new document, but nothing uncommitted is served.
    assert chroma_ids(fresh_bot) > committed
    assert keyword_ids(fresh_bot) == committed
    assert json.loads(fresh_bot.index.registry_path.read_text())["documents"].keys() == {"a"}
    served = fresh_bot.index.dense_search(embedder.embed_query("council item"), 50)
    assert {c.chunk_id for c, _ in served} <= committed
    # unit vectors are written before their chunk: sentence search must not serve them either
    by_sentence = fresh_bot.index.unit_search(embedder.embed_query("council item"), 50)
    assert {c.chunk_id for c, _ in by_sentence} <= committed

    partial = len(chroma_ids(fresh_bot) - committed)
    report = fresh_bot.ingest([docs])
    assert report.added == ["big"]
    assert report.embedded == report.total_chunks - len(committed) - partial
    assert chroma_ids(fresh_bot) == keyword_ids(fresh_bot)


def test_asking_an_empty_index_says_to_ingest(fresh_bot):
    from assistant.errors import IndexStateError

    with pytest.raises(IndexStateError, match="assistant ingest"):
        fresh_bot.ask("What is the AI Safety Institute?")


def test_unchanged_reingest_reuses_committed_chunks_but_notices_an_emptied_store(
    tmp_path, embedder
):
    docs = tmp_path / "docs"
    _age(write(docs / "a.txt", DOC_A))
    settings = make_settings(tmp_path / "data")
    Assistant(settings, embedder=embedder).ingest([docs])
    registry = json.loads((tmp_path / "data" / "registry.json").read_text())
    again = Assistant(settings, embedder=embedder).ingest([docs])
    assert again.unchanged == ["a"] and again.embedded == 0
    assert json.loads((tmp_path / "data" / "registry.json").read_text()) == registry

    # A new, empty store (another collection, embedding model or Chroma server): the
    # registry alone must not make the ingest skip the vectors.
    bot = Assistant(settings.with_overrides(collection="elsewhere"), embedder=embedder)
    rebuilt = bot.ingest([docs])
    assert rebuilt.embedded == rebuilt.total_chunks > 0
    assert bot.index.verify() == []


def test_manifest_boilerplate_change_rechunks_an_unchanged_file(fresh_bot, tmp_path):
    docs = tmp_path / "docs"
    write(docs / "a.txt", DOC_A + "\n\nSEE ALSO\n\nCall the ministry on 03-0000-0000.")
    fresh_bot.ingest([docs])
    assert any("03-0000" in c.text for c in fresh_bot.index.chunks)
    manifest = {"documents": [{"file": "a.txt", "boilerplate": [{"tail_from_line": "SEE ALSO"}]}]}
    write(docs / "manifest.json", json.dumps(manifest))
    report = fresh_bot.ingest([docs])
    assert report.updated == ["a"]
    assert not any("03-0000" in c.text for c in fresh_bot.index.chunks)
    assert fresh_bot.index.verify() == []


def test_unchanged_files_are_not_read_again_unless_asked(fresh_bot, tmp_path):
    docs = tmp_path / "docs"
    a = write(docs / "a.txt", DOC_A)
    write(docs / "b.txt", DOC_B)
    for path in docs.iterdir():
        _age(path)
    fresh_bot.ingest([docs])
    registry = fresh_bot.index.registry_path.read_text()

    # Same size and modification time: the file is taken as unchanged without reading it,
    # so an edit that keeps both (here: same length, time put back) goes unseen...
    mtime = a.stat().st_mtime_ns
    a.write_text(DOC_A.replace("banks", "firms"), encoding="utf-8")
    os.utime(a, ns=(mtime, mtime))
    report = fresh_bot.ingest([docs])
    assert sorted(report.unchanged) == ["a", "b"] and report.embedded == 0
    assert fresh_bot.index.registry_path.read_text() == registry
    # ...until the files are read again on request.
    reread = fresh_bot.ingest([docs], reread=True)
    assert reread.updated == ["a"] and reread.unchanged == ["b"]
    assert any("firms" in c.text for c in fresh_bot.index.chunks)
    assert fresh_bot.index.verify() == []


def test_a_file_with_a_new_time_size_or_manifest_entry_is_read(fresh_bot, tmp_path):
    docs = tmp_path / "docs"
    a = write(docs / "a.txt", DOC_A)
    b = write(docs / "b.txt", DOC_B)
    _age(a), _age(b)
    fresh_bot.ingest([docs])

    b.write_text(DOC_B.replace("spring", "autumn"), encoding="utf-8")  # same size, new time
    assert fresh_bot.ingest([docs]).updated == ["b"]
    a.write_text(DOC_A + " More.", encoding="utf-8")
    _age(a, seconds=120)  # older than before, but another size
    assert fresh_bot.ingest([docs]).updated == ["a"]

    write(docs / "manifest.json", json.dumps({"documents": [{"file": "a.txt", "title": "A"}]}))
    _age(a, seconds=0)
    report = fresh_bot.ingest([docs])
    assert fresh_bot.index.documents["a"]["title"] == "A" and report.embedded == 0
    assert fresh_bot.index.verify() == []


def test_a_file_modified_just_before_it_was_read_is_read_again(fresh_bot, tmp_path):
    docs = tmp_path / "docs"
    write(docs / "a.txt", DOC_A)  # modified "now": its stat is not trusted next time
    fresh_bot.ingest([docs])
    assert fresh_bot.index.documents["a"]["stat"] is None
    _age(docs / "a.txt")
    fresh_bot.ingest([docs])  # read again; now settled, its stat is recorded
    assert fresh_bot.index.documents["a"]["stat"] is not None


def test_passage_vectors_made_from_units_encode_less_and_a_switch_remakes_them(tmp_path, embedder):
    """With `passage_vectors = "units"` a chunk's vector is the mean of its units' vectors:
    only units go through the encoder. Switching the setting makes every passage vector again
    the new way (none is reused from the other way), and answers still quote verbatim."""
    import numpy as np

    docs = tmp_path / "docs"
    write(docs / "a.txt", DOC_A)
    write(docs / "b.txt", DOC_B)
    data = tmp_path / "data"
    units = Assistant(make_settings(data, passage_vectors="units"), embedder=embedder)
    before = embedder.texts_embedded
    first = units.ingest([docs])
    by_units = embedder.texts_embedded - before
    stored = units.index.stores.passages.get(vectors=True)
    assert {s.metadata["passages"] for s in stored} == {"units"}
    for s in stored:
        assert abs(float(np.linalg.norm(s.vector)) - 1.0) < 1e-5
    assert first.units_embedded == by_units  # no passage text was encoded

    encoded = Assistant(make_settings(data), embedder=embedder)
    again = encoded.ingest([docs])
    assert again.embedded == again.total_chunks == first.total_chunks  # all made again
    assert {s.metadata["passages"] for s in encoded.index.stores.passages.get()} == {"encoded"}
    assert chroma_ids(encoded) == keyword_ids(encoded)
    answer = encoded.ask("When did the ministry issue guidance on AI audits?")
    assert not answer.abstained and "2023" in answer.citations[0].quote
