"""Text past the encoder's token limit is read, not cut: a long statute paragraph's last
sentences move its vector. The E5 engine splits a long text into 512-token windows itself;
a sentence-transformers model (MiniLM reads 256) gets the same from `embeddings.windows`."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.embeddings import Embedder, make_embedder, windows

OPENING = "The committee reviewed the annual budget of the regional transport office. " * 40
ENDINGS = (
    "Penalties for a breach of the duty to report are fines imposed by the commission. " * 12,
    "Cats sleep through most of the afternoon in the warm garden by the old river. " * 12,
)


@pytest.fixture(scope="module")
def minilm() -> Embedder:
    return make_embedder("minilm")


def test_e5_reads_past_512_tokens(embedder: Embedder) -> None:
    long_a, long_b = OPENING + ENDINGS[0], OPENING + ENDINGS[1]
    embedder.encode(["load"])
    model = embedder._model
    assert model.token_count(OPENING) > 512  # the endings lie wholly past the limit
    a, b = embedder.encode([long_a, long_b])
    # Cut at the limit, both would be the opening's vector (cosine 1 up to float noise, 1e-6);
    # E5's cosines are compressed (unrelated sentences score about 0.75), hence the margins.
    assert float(a @ b) < 0.995
    opening = embedder.encode([OPENING])[0]
    assert float(a @ opening) < 0.995


def test_sentence_transformers_reads_past_its_limit(minilm: Embedder) -> None:
    minilm.encode(["load"])
    model = minilm._model
    assert len(model.tokenizer(OPENING)["input_ids"]) > model.max_seq_length
    a, b = minilm.encode([OPENING + ENDINGS[0], OPENING + ENDINGS[1]])
    assert float(a @ b) < 0.99
    assert np.allclose(np.linalg.norm([a, b], axis=1), 1.0, atol=1e-5)


def test_short_texts_are_encoded_as_they_are(minilm: Embedder) -> None:
    texts = ["Who supervises personal data?", "個人情報保護委員会", "AI Basic Plan"]
    plain = minilm._model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    assert np.allclose(minilm.encode(texts), plain, atol=1e-6)


def test_windows_cover_the_text_in_order_within_the_limit(minilm: Embedder) -> None:
    minilm.encode(["load"])
    tokenizer, limit = minilm._model.tokenizer, minilm._model.max_seq_length - 2
    text = OPENING + ENDINGS[0]
    pieces, owners, weights = windows(["short one", text], tokenizer, limit)
    assert pieces[0] == "short one" and owners[0] == 0
    rest = pieces[1:]
    assert len(rest) >= 3 and set(owners[1:]) == {1}
    assert sum(weights[1:]) == len(tokenizer(text, add_special_tokens=False)["input_ids"])
    position = 0
    for piece in rest:  # consecutive pieces of the text, nothing skipped but spaces
        found = text.index(piece, position)
        assert not text[position:found].strip()
        position = found + len(piece)
        assert len(tokenizer(piece, add_special_tokens=False)["input_ids"]) <= limit
    assert not text[position:].strip()
