"""Text primitives shared by the chunker, the keyword index and the answerer.

Everything here works on character offsets into the original string, so that any
piece of text handed on can be traced back to `source[start:end]`.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import snowballstemmer

from .language import CJK

Span = tuple[int, int]

# Words whose trailing period does not end a sentence.
_ABBREVIATIONS = frozenset(
    """u.s u.k u.n e.g i.e etc vs mr mrs ms dr prof no nos ver vol art para fig inc ltd co corp
    jr sr st d.c approx dept gov est jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)

# A candidate sentence end: terminal punctuation, optional closing quotes/brackets.
_LATIN_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)")
_CJK_END = re.compile(r"[。！？!?][」』）)\]”’]*")
_LIST_MARKER = re.compile(r"\s*\(?(?:\d{1,3}|[a-zA-Z])[.)]\s*$")
_WORD_BEFORE = re.compile(r"([\w.]+)$")

_TOKEN = re.compile(rf"[{CJK}]+|[^\W_{CJK}]+", re.UNICODE)
_CJK_RUN = re.compile(rf"^[{CJK}]+$")

STOPWORDS = frozenset(
    """a an and are as at be been being but by can could did do does for from had has have how
    i if in into is it its itself me more most my no not of on or our over should so such
    than that the their them then there these they this those through to under up was we
    were what when where which while who whom why will with would you your about after all
    also any because before between both did each few further here just only other out own
    same some too very""".split()
)


def normalize(text: str) -> str:
    """NFKC-fold and lower-case text for matching (never for display or citation)."""
    return unicodedata.normalize("NFKC", text).casefold()


# A line ends at any break `str.splitlines` knows: CRLF (one break), LF, CR, VT, FF, the
# separators \x1c-\x1e, NEL, U+2028 and U+2029. Structure (lines, paragraphs, headings) is read
# the same whatever the file's convention, while offsets keep counting every character.
LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _raw_lines(text: str, start: int, end: int) -> Iterator[Span]:
    """The spans of the lines inside `text[start:end]`, line breaks left out."""
    pos = start
    while pos < end:
        match = LINE_BREAK.search(text, pos, end)
        if match is None:
            yield pos, end
            return
        yield pos, match.start()
        pos = match.end()


def paragraphs(text: str, start: int = 0, end: int | None = None) -> Iterator[Span]:
    """Yield the spans of non-blank lines grouped into paragraphs (split at blank lines)."""
    end = len(text) if end is None else end
    para_start: int | None = None
    para_end = start
    for line_start, line_end in _raw_lines(text, start, end):
        line = text[line_start:line_end]
        if line.strip():
            if para_start is None:
                para_start = line_start + (len(line) - len(line.lstrip()))
            para_end = line_start + len(line.rstrip())
        elif para_start is not None:
            yield para_start, para_end
            para_start = None
    if para_start is not None:
        yield para_start, para_end


def lines(text: str, start: int, end: int) -> Iterator[Span]:
    """Yield the stripped spans of the non-blank lines inside `text[start:end]`."""
    for line_start, line_end in _raw_lines(text, start, end):
        line = text[line_start:line_end]
        if line.strip():
            yield line_start + len(line) - len(line.lstrip()), line_start + len(line.rstrip())


def _is_abbreviation(text: str, dot: int) -> bool:
    match = _WORD_BEFORE.search(text, 0, dot)
    if not match:
        return False
    word = match.group(1).casefold().rstrip(".")
    if word in _ABBREVIATIONS:
        return True
    # Single initials ("J. Smith") and dotted acronyms ("U.S.") do not end a sentence.
    return len(word) == 1 and word.isalpha()


_OPENING = {"（": "）", "「": "」", "『": "』", "(": ")"}


def _bracketed(text: str, start: int, end: int) -> list[Span]:
    """The stretches of `text[start:end]` inside Japanese brackets （）「」『』 (and parentheses
    that hold Japanese), each from its opening to its matching closing bracket; a bracket that
    never closes on the line encloses nothing, so a stray one cannot swallow the line."""
    inside: list[Span] = []
    stack: list[tuple[str, int]] = []
    for i in range(start, end):
        c = text[i]
        if c in _OPENING:
            stack.append((_OPENING[c], i))
        elif stack and c == stack[-1][0]:
            closing, opened = stack.pop()
            if not stack:
                inside.append((opened, i))
        elif c in "）」』)" and stack:
            # mismatched closing bracket: drop the openings it skips over, if it closes one
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == c:
                    opened = stack[depth][1]
                    del stack[depth:]
                    if not stack:
                        inside.append((opened, i))
                    break
    return inside


def _whole(text: str, line_start: int, opened: int, closed: int, cut: int) -> bool:
    """Whether a bracket encloses a whole sentence (「引用。」 opening where a sentence starts and
    the cut right after its closing bracket), so the sentence may end there; not when the
    quotative particle (と, って) makes the quote part of a longer sentence (「開く。」と書く。)."""
    starts = opened == line_start or text[opened - 1] in "。！？!? \u3000\t"
    return starts and cut == closed + 1 and text[cut : cut + 1] not in {"と", "っ"}


def sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Split `text[start:end]` into sentence spans; each line break also ends a sentence.

    Handles English punctuation (with common abbreviations) and Japanese 。！？; a 。 inside
    brackets does not end a sentence, so a defined term stays inside its sentence.

    >>> t = "The U.S. did not act. Japan did。次の文。"
    >>> [t[a:b] for a, b in sentences(t)]
    ['The U.S. did not act.', 'Japan did。', '次の文。']
    >>> t = "本部（以下「本部」という。）を置く。次の文。"
    >>> [t[a:b] for a, b in sentences(t)]
    ['本部（以下「本部」という。）を置く。', '次の文。']
    """
    end = len(text) if end is None else end
    spans: list[Span] = []
    for line_start, line_end in lines(text, start, end):
        cuts: list[int] = []
        for m in _LATIN_END.finditer(text, line_start, line_end):
            nxt = text[m.end() : m.end() + 2].lstrip()
            if text[m.start()] == "." and _is_abbreviation(text, m.start()):
                continue
            if _LIST_MARKER.match(text, line_start, m.end()):
                continue  # "1. Human Resources: ..." is one item, not a sentence "1."
            if nxt and (nxt[0].islower() and text[m.start()] == "."):
                continue
            cuts.append(m.end())
        japanese = [(m.start(), m.end()) for m in _CJK_END.finditer(text, line_start, line_end)]
        if japanese:
            inside = _bracketed(text, line_start, line_end)
            cuts.extend(
                e
                for s, e in japanese
                if not any(a < s < b and not _whole(text, line_start, a, b, e) for a, b in inside)
            )
        begin = line_start
        for cut in sorted(set(cuts)):
            if cut <= begin or cut >= line_end:
                continue
            piece = text[begin:cut]
            if piece.strip():
                left = begin + len(piece) - len(piece.lstrip())
                spans.append((left, begin + len(piece.rstrip())))
            begin = cut
        tail = text[begin:line_end]
        if tail.strip():
            spans.append((begin + len(tail) - len(tail.lstrip()), begin + len(tail.rstrip())))
    return spans


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    # Snowball (Porter 2) so "chairs", "chaired" and "chairing" all meet at "chair".
    return _STEMMER.stemWord(word)


_KANJI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM = r"[0-9〇零一二三四五六七八九十百千]{1,8}"
# The year before each era's first year: 令和 1 is 2019.
ERAS = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}
# References written three ways that must meet: 第二十七条 = 第27条 = Article 27 (art27),
# 第五十三号 = No. 53 (no53), 令和7年 = 2025. Matched on NFKC-folded, lower-cased text.
_JA_ARTICLE = re.compile(rf"第({_NUM})条(?:の({_NUM}))?")
_EN_ARTICLE = re.compile(r"\b(?:articles?|art\.)\s*(\d{1,8})(?:-(\d{1,8}))?\b")
_JA_NUMBER = re.compile(rf"第({_NUM})号")
_EN_NUMBER = re.compile(r"\bno\.\s*(\d{1,8})\b")
ERA_YEAR = re.compile(rf"({'|'.join(ERAS)})\s*(元|{_NUM})\s*年")


def kanji_number(text: str) -> int | None:
    """二十七 -> 27, 百五 -> 105, 二〇二五 -> 2025, 27 -> 27; None if it is not a number."""
    if len(text) > 12:
        return None  # not a reference anyone writes; and int() of huge strings is refused
    if text.isascii() and text.isdigit():
        return int(text)
    if all(c in _KANJI_DIGITS for c in text):  # digit by digit, as in 二〇二五
        return int("".join(str(_KANJI_DIGITS[c]) for c in text))
    total, digit = 0, None
    for c in text:
        if c in _KANJI_DIGITS:
            digit = _KANJI_DIGITS[c]
        elif c in _KANJI_UNITS:
            total += (1 if digit is None else digit) * _KANJI_UNITS[c]
            digit = None
        else:
            return None
    return total + (digit or 0)


def era_year(era: str, year: str) -> int | None:
    """令和, 7 -> 2025; 平成, 元 -> 1989 (the Western year of a Japanese era year)."""
    n = 1 if year == "元" else kanji_number(year)
    return None if n is None or era not in ERAS else ERAS[era] + n


def _references(text: str) -> tuple[str, list[str]]:
    """Canonical tokens for the article, number and era-year references in folded `text`, and
    the text with article and number references taken out (they are fully replaced)."""
    found: list[str] = []

    def article(m: re.Match[str]) -> str:
        main, sub = kanji_number(m.group(1)), m.group(2) and kanji_number(m.group(2))
        if main is not None:
            found.append(f"art{main}" + (f"-{sub}" if sub else ""))
        return " "

    def number(m: re.Match[str]) -> str:
        n = kanji_number(m.group(1))
        if n is not None:
            found.append(f"no{n}")
        return " "

    text = _JA_ARTICLE.sub(article, text)
    text = _EN_ARTICLE.sub(article, text)
    text = _JA_NUMBER.sub(number, text)
    text = _EN_NUMBER.sub(number, text)
    for m in ERA_YEAR.finditer(text):
        year = era_year(m.group(1), m.group(2))
        if year:
            found.append(str(year))
    return text, found


# Japanese words that carry no topic: particles, auxiliaries, symbols, and the light verbs.
_JA_SKIP_POS = frozenset(
    {"助詞", "助動詞", "補助記号", "空白", "記号", "接続詞", "感動詞", "代名詞"}
)
_JA_STOPWORDS = frozenset(
    {"為る", "居る", "有る", "在る", "成る", "言う", "事", "物", "其の", "此の"}
)


@lru_cache(maxsize=1)
def _sudachi():  # type: ignore[no-untyped-def]
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.A)


# One tokenizer serves the process, and it refuses a second caller while it works: the web page
# answers two questions at once.
_SUDACHI_LOCK = threading.Lock()


def _analyse(run: str) -> list:  # type: ignore[type-arg]
    """The morphemes of a run of Japanese text (a list: read under the lock)."""
    with _SUDACHI_LOCK:
        return list(_sudachi().tokenize(run))


@lru_cache(maxsize=200_000)
def japanese_words(run: str) -> tuple[str, ...]:
    """The content words of a run of Japanese text, by SudachiPy (short units, normalised
    forms: セーフティ and セーフティー meet), particles and auxiliaries dropped."""
    return tuple(w for w in map(japanese_word, _analyse(run)) if w)


def japanese_word(morpheme) -> str | None:  # type: ignore[no-untyped-def]
    """The word a morpheme counts as in `japanese_words`, or None for a particle, an
    auxiliary, a symbol or a light word."""
    if morpheme.part_of_speech()[0] in _JA_SKIP_POS:
        return None
    word = morpheme.normalized_form().casefold()
    return None if word in _JA_STOPWORDS else word


_CJK_RUNS = re.compile(rf"[{CJK}]+")


def japanese_proper_nouns(text: str) -> list[tuple[str, tuple[str, ...], str]]:
    """(surface, part of speech, katakana reading) of each proper noun in the Japanese runs of
    `text`, as the morphological analyser tags them (東京: 固有名詞, 地名, 一般; トウキョウ)."""
    return [
        (m.surface(), tuple(m.part_of_speech()), m.reading_form())
        for run in _CJK_RUNS.findall(normalize(text))
        for m in _analyse(run)
        if m.part_of_speech()[1] == "固有名詞"
    ]


def tokens(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Tokenise for keyword matching: NFKC, case-folded; English words Snowball-stemmed,
    Japanese split into words by a morphological analyser (SudachiPy); references to articles,
    numbered acts and era years reduced to one form each.

    >>> tokens("The AI Guidelines 2024")
    ['ai', 'guidelin', '2024']
    >>> tokens("人工知能の推進")
    ['人工', '知能', '推進']
    >>> tokens("第二十七条") == tokens("Article 27") == ["art27"]
    True
    """
    folded, out = _references(normalize(text))
    for match in _TOKEN.finditer(folded):
        word = match.group(0)
        if _CJK_RUN.match(word):
            out.extend(japanese_words(word))
        elif keep_stopwords or word not in STOPWORDS:
            out.append(_stem(word))
    return out


_REFERENCE_TERM = re.compile(r"^(?:art|no)\d+(?:-\d+)?$")
# A question that names a provision ("Article 7", 第七条, "Act No. 53") means that provision:
# its reference terms weigh this many times an ordinary word in keyword and evidence scoring.
REFERENCE_WEIGHT = 3.0


def term_weight(term: str) -> float:
    """How much a question term counts: reference terms (art7, no53) count REFERENCE_WEIGHT."""
    return REFERENCE_WEIGHT if _REFERENCE_TERM.match(term) else 1.0


def script(term: str) -> str:
    """'cjk' for a Japanese/Chinese token, else 'latin' (any alphabetic or numeric token)."""
    return "cjk" if _CJK_RUN.match(term) else "latin"


def content_tokens(text: str) -> set[str]:
    """The set of meaningful tokens of a text (stop words dropped)."""
    return set(tokens(text))


# A long form followed by its abbreviation in brackets: "Financial Services Agency (FSA)"
_ABBREVIATION = re.compile(r"\(([A-Z][A-Za-z0-9&.-]*(?: [A-Z][A-Za-z0-9&.-]*){0,2})\)")


def abbreviations(text: str) -> dict[str, frozenset[str]]:
    """The abbreviations `text` defines in brackets, each with the keyword terms of the
    sentence that defines it (where the long form and what it belongs to are written).

    >>> sorted(abbreviations("The party set up a Project Team on AI (AI PT). It met.")["AI PT"])
    ['ai', 'parti', 'project', 'pt', 'set', 'team']
    """
    out: dict[str, frozenset[str]] = {}
    for start, end in sentences(text):
        for match in _ABBREVIATION.finditer(text, start, end):
            out.setdefault(match.group(1), frozenset(tokens(text[start:end])))
    return out
