import pytest

from assistant.text import kanji_number, paragraphs, sentences, tokens


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


def test_tokens_fold_case_stem_and_split_japanese_words():
    assert tokens("The Guidelines and regulations") == tokens("guideline regulated")
    assert tokens("chairs") == tokens("chaired") == ["chair"]
    assert tokens("ＡＩ規制") == ["ai", "規制"]
    # morphological words, not bigrams; particles and auxiliaries dropped; spellings normalised
    assert tokens("人工知能の研究開発を推進する") == ["人工", "知能", "研究", "開発", "推進"]
    assert tokens("セーフティ") == tokens("セーフティー")
    assert tokens("ｾｰﾌﾃｨｰ") == tokens("セーフティー")  # half-width katakana (NFKC)


def test_sentences_split_at_full_width_marks():
    text = "政府は推進する。本当か？そうだ！「引用。」次"
    assert spans_text(text, sentences(text)) == [
        "政府は推進する。",
        "本当か？",
        "そうだ！",
        "「引用。」",
        "次",
    ]


@pytest.mark.parametrize(
    "forms, canonical",
    [
        (["第二十七条", "第27条", "第２７条", "Article 27", "article 27", "Art. 27"], ["art27"]),
        (["第二条の二", "Article 2-2"], ["art2-2"]),
        (["第百五条", "Article 105"], ["art105"]),
    ],
)
def test_article_references_meet(forms, canonical):
    for form in forms:
        assert tokens(form) == canonical, form


def test_era_years_meet_western_years():
    assert "2025" in tokens("令和7年") and "2025" in tokens("令和七年")
    assert "2019" in tokens("令和元年") and "1989" in tokens("平成元年")
    assert "2018" in tokens("平成30年")
    assert {"no53", "2025"} <= set(tokens("令和七年法律第五十三号")) & set(
        tokens("Act No. 53 of 2025")
    )


def test_kanji_numbers():
    assert [
        kanji_number(t) for t in ["七", "十", "二十七", "百五", "千二百三十四", "二〇二五", "27"]
    ] == [7, 10, 27, 105, 1234, 2025, 27]
    assert kanji_number("abc") is None


def test_glossary_crosses_languages():
    from assistant.glossary import query_terms

    ja = query_terms("生成AIの規制はどうなっていますか？")
    assert {"generat", "regul"} <= set(ja)  # English keywords for a Japanese question
    assert "人工" not in ja  # 生成AI matched whole, not again inside it
    en = query_terms("What did the Digital Agency publish?")
    assert "デジタル" in en and "庁" in en


def test_glossary_file_is_well_formed():
    from importlib import resources

    text = resources.files("assistant").joinpath("data/glossary_ja_en.tsv").read_text("utf-8")
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    japanese = [row.split("\t", 1)[0] for row in rows]
    assert all(row.count("\t") == 1 and row.split("\t")[1].strip() for row in rows)
    assert len(japanese) == len(set(japanese)), "a Japanese term listed twice"


def test_glossary_reaches_policy_vocabulary_beyond_the_law_terms():
    from assistant.glossary import query_terms

    terms = set(query_terms("司令塔となる機関には法的制裁がありますか？"))
    assert {"leadership", "bodi", "legal", "sanction"} <= terms  # stemmed English keywords
