from assistant.text import paragraphs, sentences, tokens


def spans_text(text, spans):
    return [text[a:b] for a, b in spans]


def test_sentences_keep_abbreviations_and_list_items_whole():
    text = (
        "The U.S. did not pass AI legislation. Governance Guidelines Ver. 1.1 were issued.\n"
        "1. Human Resources: Establishing a framework.\n"
        "日本語の文です。次の文！"
    )
    assert spans_text(text, sentences(text)) == [
        "The U.S. did not pass AI legislation.",
        "Governance Guidelines Ver. 1.1 were issued.",
        "1. Human Resources: Establishing a framework.",
        "日本語の文です。",
        "次の文！",
    ]


def test_sentence_spans_are_exact_slices():
    text = "  First one. Second “quoted.” Third?\n\nNext paragraph here.  "
    for start, end in sentences(text):
        piece = text[start:end]
        assert piece == piece.strip() and piece


def test_paragraphs_split_at_blank_lines():
    text = "a\nb\n\n\nc\n"
    assert spans_text(text, paragraphs(text)) == ["a\nb", "c"]


def test_tokens_fold_case_stem_and_bigram_japanese():
    assert tokens("The Guidelines and regulations") == tokens("guideline regulated")
    assert tokens("chairs") == tokens("chaired") == ["chair"]
    assert tokens("ＡＩ規制") == ["ai", "規制"]
