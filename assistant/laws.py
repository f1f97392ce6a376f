"""Statutes by article: e-Gov statute XML and bilingual translation memories (TMX).

e-Gov XML (the schema of Japan's official law database): the law's number comes from the
`<Law Era Year Num LawType>` attributes (令和7年 法律第53号 -> "Act No. 53 of 2025"), its title
from `<LawTitle>`, its promulgation date from `PromulgateMonth` / `PromulgateDay`. The text is
laid out article by article:

    第七条（国の責務）
    国は、……。
    ２　……。
    一　……

Each paragraph (with its items) is a region located as "Act No. 53 of 2025, Article 7,
paragraph (2)"; the article title and caption are its section, so chunks never cross a
paragraph and every citation names its article.

TMX (the bilingual files of Japanese Law Translation: one `<tu>` per provision, a Japanese and
an English `<tuv>`): the text alternates the Japanese and the English of each unit, each side
its own region, both sides sharing a `link`, so a citation of one can show the other. The
article is tracked from 第N条 / "Article N" at the start of a segment.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from .errors import InputError
from .language import IDEOGRAPHIC_SPACE
from .loaders import Extracted, LawInfo
from .schema import Region
from .text import era_year, kanji_number

_LAW_TYPES = {
    "Constitution": "Constitution",
    "Act": "Act",
    "CabinetOrder": "Cabinet Order",
    "ImperialOrdinance": "Imperial Ordinance",
    "MinisterialOrdinance": "Ministerial Ordinance",
    "Rule": "Rule",
    "Misc": "Notice",
}
_ERA_NAMES = {"Meiji": "明治", "Taisho": "大正", "Showa": "昭和", "Heisei": "平成", "Reiwa": "令和"}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XML_ENCODING = re.compile(
    rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})["'][^>]*\?>"""
)


_DOCTYPE = re.compile(rb"<!DOCTYPE\s+\w+(?:\s+(?:PUBLIC\s+\"[^\"]*\"\s+|SYSTEM\s+)\"[^\"]*\")?\s*>")


def _parse(raw: bytes, where: str) -> ET.Element:
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    if b"<!ENTITY" in raw:
        # Entity expansion is how XML bombs work; statute files never declare entities.
        raise InputError(
            f"{where}: XML that declares entities (a DOCTYPE with an internal subset) "
            "is not accepted"
        )
    if b"<!DOCTYPE" in raw:
        # A DOCTYPE that only names an external DTD (every Japanese Law Translation file has
        # one) is accepted; the DTD is never fetched: the parser does not resolve external
        # entities. An internal subset ("[...]") is where entities would be declared.
        doctype = _DOCTYPE.search(raw, 0, 4000)
        if doctype is None or raw.count(b"<!DOCTYPE") > 1:
            raise InputError(f"{where}: XML with an internal DOCTYPE subset is not accepted")
        raw = raw[: doctype.start()] + raw[doctype.end() :]
    declared = _XML_ENCODING.match(raw)
    data: bytes | str = raw
    if declared and declared.group(1).decode("ascii").casefold() not in {"utf-8", "utf8"}:
        # The XML parser reads only single-byte encodings itself: decode Shift_JIS, EUC-JP
        # and the like here, and hand it text without the declaration.
        try:
            data = raw[declared.end() :].decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            raise InputError(
                f"{where}: cannot decode the XML as {declared.group(1).decode('ascii')}"
            ) from None
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(f"{where}: not well-formed XML ({exc})") from None
    except (ValueError, LookupError) as exc:
        raise InputError(f"{where}: unreadable XML ({exc})") from None


_XML_SPACE = " \t\r\n"  # layout whitespace of the XML file; the ideographic space is text


def _text(element: ET.Element | None, sep: str = "") -> str:
    """The element's text with markup (ruby, line breaks) flattened and Rt readings dropped.
    Pieces are stripped of the file's layout whitespace and joined with `sep` ("" for
    Japanese, " " for English sentences)."""
    if element is None:
        return ""
    parts: list[str] = []
    # Depth-first without recursion (hostile files nest thousands deep): a stack of nodes to
    # open and tails to emit once a node is closed.
    stack: list[ET.Element | str] = [element]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item.strip(_XML_SPACE))
            continue
        if item.tag == "Rt":
            continue
        parts.append((item.text or "").strip(_XML_SPACE))
        for child in reversed(list(item)):
            stack.append(child.tail or "")
            stack.append(child)
    return sep.join(p for p in parts if p)


def _digits(text: str) -> bool:
    """ASCII digits only, and few of them (str.isdigit also accepts '²')."""
    return 0 < len(text) <= 8 and text.isascii() and text.isdigit()


def _article_label(num: str) -> str:
    """e-Gov's Num "2_2" (第二条の二) -> "2-2"; ranges "3:5" -> "3-5"."""
    return num.replace("_", "-").replace(":", "-")


class _Writer:
    """Accumulates text and regions, so offsets are right by construction."""

    def __init__(self) -> None:
        self.text = ""
        self.regions: list[Region] = []

    def block(self, text: str, **region: object) -> None:
        if self.text:
            self.text += "\n\n"
        start = len(self.text)
        self.text += text
        if region:
            self.regions.append(Region(start, len(self.text), **region))  # type: ignore[arg-type]


def law_reference(law: ET.Element) -> tuple[str, int | None]:
    """("Act No. 53 of 2025", 2025) from the <Law> attributes; ("", None) if they are absent."""
    era, year, num = law.get("Era", ""), law.get("Year", ""), law.get("Num", "")
    western = era_year(_ERA_NAMES.get(era, ""), year.lstrip("0") or "0") if _digits(year) else None
    kind = _LAW_TYPES.get(law.get("LawType", ""), "Act")
    if western is None or not _digits(num):
        return "", western
    return f"{kind} No. {int(num)} of {western}", western


_JA_LAW_NUMBER = re.compile(
    rf"({'|'.join(_ERA_NAMES.values())})(元|[〇一二三四五六七八九十]+)年"
    r"(?:[〇一二三四五六七八九十]+月[〇一二三四五六七八九十]+日)?"
    r"(法律|政令|内閣府令|省令|規則)第([〇一二三四五六七八九十百千]+)号"
)
_JA_LAW_TYPES = {"法律": "Act", "政令": "Cabinet Order"}


def japanese_law_number(text: str) -> str:
    """令和三年五月一九日法律第三七号 -> "Act No. 37 of 2021"; "" if `text` is not one."""
    found = _JA_LAW_NUMBER.search(text)
    if not found:
        return ""
    year = era_year(found.group(1), found.group(2))
    number = kanji_number(found.group(4))
    kind = _JA_LAW_TYPES.get(found.group(3), "Ordinance")
    return f"{kind} No. {number} of {year}" if year and number else ""


# Elements whose text is a line of a provision: a paragraph's, item's or sub-item's sentence,
# the sentences of an amending provision; the title before one (２, 一, (i), イ) leads its line.
_LINE = re.compile(r"^(?:Paragraph|Item|Subitem\d+|AmendProvision|Class|Sublist\d*)Sentence$")
_LEAD = re.compile(r"^(?:ParagraphNum|ItemTitle|Subitem\d+Title|ClassTitle|ArticleTitle)$")
_OWN_LINE = {
    "ParagraphCaption",
    "ArticleCaption",
    "RemarksLabel",
    "TableStructTitle",
    "AppdxTableTitle",
    "RelatedArticleNum",
    "Sentence",
}
_DIVISIONS = {"Part", "Chapter", "Section", "Subsection", "Division"}
_DIVISION_TITLES = {"PartTitle", "ChapterTitle", "SectionTitle", "SubsectionTitle", "DivisionTitle"}


def _lines(node: ET.Element, sep: str, gap: str) -> list[str]:
    """The text lines of a provision, in document order: each sentence-bearing element a line
    (led by its number or title), each table row a line of cells, nested items after their
    lead-in. Nothing with text is skipped: sentences in tables, sub-items and amending
    provisions are all read."""
    out: list[str] = []
    lead = ""
    for child in node:
        tag = child.tag
        if _LEAD.match(tag):
            lead = _text(child)
        elif _LINE.match(tag) or tag in _OWN_LINE:
            line = _text(child, sep)
            if line or lead:
                out.append(f"{lead}{gap}{line}" if lead and line else lead or line)
            lead = ""
        elif tag == "TableRow":
            cells = [_text(column, sep) for column in child]
            if any(cells):
                out.append(f"{gap}|{gap}".join(c for c in cells))
        elif tag != "Rt":
            out.extend(_lines(child, sep, gap))
    if lead:
        out.append(lead)
    return out


def load_egov_xml(raw: bytes, where: str) -> Extracted:
    """A statute in e-Gov XML (Japanese) or Japanese Law Translation XML (J-STATUTE, English):
    both share the schema. Each paragraph of an article is a region, as is each paragraph of a
    supplementary provision and each appended table."""
    root = _parse(raw, where)
    law = root if root.tag == "Law" else root.find(".//Law")
    body = law.find("LawBody") if law is not None else None
    if law is None or body is None:
        raise InputError(f"{where}: not an e-Gov statute XML file (no <Law>/<LawBody>)")
    reference, year = law_reference(law)
    title_node = body.find("LawTitle")
    title = _text(title_node) or None
    language = (law.get("Lang") or "ja").casefold()[:2]
    sep, gap = ("", IDEOGRAPHIC_SPACE) if language == "ja" else (" ", " ")
    out = _Writer()
    if title:
        out.block(title)
    if law.find("LawNum") is not None:
        out.block(_text(law.find("LawNum")))
    prefix = f"{reference}, " if reference else ""
    key = f"{reference or title or ''}|"

    def provisions(container: ET.Element, label: str, link: str) -> None:
        for node in container:
            if node.tag in _DIVISION_TITLES:
                out.block(_text(node))
            elif node.tag in _DIVISIONS:
                provisions(node, label, link)
            elif node.tag == "Article":
                article(node, label, link)
            elif node.tag == "Paragraph":  # supplementary provisions without articles
                paragraph(node, f"{prefix}{label}".rstrip(", "), f"{link}p", "", 0)
            elif node.tag not in {"SupplProvisionLabel", "ArticleCaption"}:
                lines = _lines(node, sep, gap)
                if lines:
                    out.block(
                        "\n".join(lines),
                        locator=f"{prefix}{label}".rstrip(", "),
                        link=f"{key}{link}{node.tag}",
                        language=language,
                    )

    def paragraph(node: ET.Element, where_art: str, link: str, heading: str, count: int) -> None:
        p_num = node.get("Num") or "1"
        locator = where_art if count == 1 else f"{where_art}, paragraph ({p_num})"
        lines = _lines(node, sep, gap)
        text = "\n".join(line.strip() for line in lines if line.strip())
        if text:
            out.block(
                text,
                locator=locator,
                link=f"{key}{link}-p{p_num}",
                section=heading,
                language=language,
            )

    def article(node: ET.Element, label: str, link: str) -> None:
        number = _article_label(node.get("Num", "?"))
        caption, name = _text(node.find("ArticleCaption")), _text(node.find("ArticleTitle"))
        heading = f"{name}{gap if language != 'ja' else ''}{caption}".strip() or f"Article {number}"
        paragraphs = node.findall("Paragraph")
        for p in paragraphs:
            paragraph(
                p,
                f"{prefix}{label}Article {number}",
                f"{link}art{number}",
                heading,
                len(paragraphs),
            )

    main = body.find("MainProvision")
    if main is not None:
        provisions(main, "", "")
    for n, suppl in enumerate(body.findall("SupplProvision")):
        out.block(_text(suppl.find("SupplProvisionLabel")) or "附則")
        amending = japanese_law_number(suppl.get("AmendLawNum", ""))
        label = (
            f"Supplementary Provisions ({amending}), " if amending else "Supplementary Provisions, "
        )
        provisions(suppl, label, f"suppl[{amending or n}]-")
    for n, table in enumerate(body.findall("AppdxTable"), start=1):
        lines = _lines(table, sep, gap)
        if lines:
            out.block(
                "\n".join(lines),
                locator=f"{prefix}Appended Table {n}",
                link=f"{key}appdx{n}",
                section=lines[0],
                language=language,
            )
    if not out.regions or not any(out.text[r.start : r.end].strip() for r in out.regions):
        raise InputError(f"{where}: the statute has no article text")
    date = None
    month, day = law.get("PromulgateMonth", ""), law.get("PromulgateDay", "")
    if year and _digits(month) and _digits(day):
        date = f"{year:04d}-{int(month):02d}-{int(day):02d}"
    abbreviations = (
        tuple(a for a in re.split(r"[、,]", title_node.get("Abbrev", "")) if a.strip())
        if title_node is not None
        else ()
    )
    return Extracted(
        out.text,
        title,
        date,
        language,
        tuple(out.regions),
        law=LawInfo(
            number=reference,
            title=title or "",
            abbreviations=abbreviations,
            version=_version(body),
            translation=language != "ja",
        )
        if reference
        else None,
    )


def _version(body: ET.Element) -> str:
    """The last amending act the text includes, from its supplementary provisions
    ("Act No. 62 of 2026"), or "" for a text as first enacted (or a translation)."""
    amending = [
        japanese_law_number(s.get("AmendLawNum", "")) for s in body.findall("SupplProvision")
    ]
    return next((a for a in reversed(amending) if a), "")


_JA_ARTICLE_START = re.compile(
    r"^第([0-9〇一二三四五六七八九十百千]+)条(?:の([0-9〇一二三四五六七八九十百千]+))?"
)
_EN_ARTICLE_START = re.compile(r"^Article\s+(\d+)(?:-(\d+))?", re.IGNORECASE)
_JA_PARAGRAPH_START = re.compile(rf"^([0-9０-９]{{1,3}})[{IDEOGRAPHIC_SPACE} ]")
_EN_PARAGRAPH_START = re.compile(r"^\((\d{1,3})\)\s")
_EN_LAW_NUMBER = re.compile(r"\b(Act|Cabinet Order|Ministerial Ordinance) No\. (\d+) of (\d{4})")


def load_tmx(raw: bytes, where: str) -> Extracted:
    root = _parse(raw, where)
    if root.tag != "tmx" or root.find("body") is None:
        raise InputError(f"{where}: not a TMX file (no <tmx>/<body>)")
    header = root.find("header")
    source_lang = (header.get("srclang", "ja") if header is not None else "ja")[:2].casefold()
    units = []
    for tu in root.find("body").iter("tu"):  # type: ignore[union-attr]
        sides = {}
        for tuv in tu.findall("tuv"):
            lang = (tuv.get(_XML_LANG) or tuv.get("lang") or "").casefold()[:2]
            seg = _text(tuv.find("seg")).strip()
            if lang and seg:
                sides[lang] = seg
        if sides:
            units.append(sides)
    if not units:
        raise InputError(f"{where}: the TMX file has no translation units")
    all_english = " ".join(u.get("en", "") for u in units)
    law = _EN_LAW_NUMBER.search(all_english)
    reference = f"{law.group(1)} No. {law.group(2)} of {law.group(3)}" if law else ""
    prefix = f"{reference}, " if reference else ""
    title = units[0].get("en") or units[0].get(source_lang)
    out = _Writer()
    article = ""
    for n, sides in enumerate(units, start=1):
        ja, en = sides.get("ja", ""), sides.get("en", "")
        started = _JA_ARTICLE_START.match(ja) or _EN_ARTICLE_START.match(en)
        main = kanji_number(started.group(1)) if started else None
        if main is not None:
            sub = started.group(2) and kanji_number(started.group(2))  # type: ignore[union-attr]
            article = f"{main}" + (f"-{sub}" if sub else "")
        paragraph = _JA_PARAGRAPH_START.match(ja) or _EN_PARAGRAPH_START.match(en)
        locator = f"{prefix}Article {article}" if article else reference
        if article and paragraph:
            locator += f", paragraph ({int(paragraph.group(1))})"
        section = f"Article {article}" if article else ""
        for lang, seg in sides.items():
            out.block(seg, locator=locator, link=f"tu{n}", section=section, language=lang)
    return Extracted(out.text, title, None, source_lang, tuple(out.regions))
