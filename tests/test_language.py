"""One home for the two languages: character classes, language guessing, user-facing notes."""

import re

from assistant import answer, language
from assistant.language import CJK, JAPANESE, KANA, KANJI, guess_language


def test_character_classes_nest():
    def chars(cls: str) -> set[str]:
        pattern = re.compile(f"[{cls}]")
        return {chr(c) for c in range(0x3000, 0x10000) if pattern.match(chr(c))}

    kana, kanji, japanese, cjk = chars(KANA), chars(KANJI), chars(JAPANESE), chars(CJK)
    assert kana | kanji == japanese < cjk
    assert {"ぁ", "ん", "ア", "ヶ", "・", "ー"} <= kana and not kana & kanji
    assert {"一", "龥", "㐀"} <= kanji  # the main block and Extension A
    assert {"ｱ", "ﾝ", "\uf900"} <= cjk - japanese  # half-width katakana, compatibility ideographs


def test_language_is_guessed_from_the_share_of_japanese_letters():
    assert guess_language("生成AIの規制") == "ja"
    assert guess_language("The AI Promotion Act (AI推進法) passed in May 2025.") == "en"
    assert guess_language("") == "en"


def test_messages_keep_their_earlier_names():
    assert answer.ABSTENTION is language.ABSTENTION
    assert answer.ABSTENTION_JA is language.ABSTENTION_JA
    assert answer.QUOTING_JA is language.QUOTING_JA
    assert answer.unanswered_parts is language.unanswered_parts


def test_notes_are_written_in_the_question_language():
    assert language.instruction_note(False).startswith("the question reads as instructions")
    assert language.instruction_note(True).startswith("この質問はアシスタントへの指示")
    assert language.scope_note(["Korea", "Seoul"], False) == (
        "the documents never mention “Korea”, “Seoul”"
    )
    assert (
        language.scope_note(["名古屋", "大阪"], True)
        == "文書には「名古屋」、「大阪」への言及がありません"
    )
