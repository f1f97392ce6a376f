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
paragraph 2"; the article title and caption are its section, so chunks never cross a
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
from .loaders import Extracted
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


def _parse(raw: bytes, where: str) -> ET.Element:
    if b"<!DOCTYPE" in raw[:2000] or b"<!ENTITY" in raw:
        # Entity expansion is how XML bombs work; statute files never declare entities.
        raise InputError(f"{where}: XML with a DOCTYPE or entity declarations is not accepted")
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


def load_egov_xml(raw: bytes, where: str) -> Extracted:
    root = _parse(raw, where)
    law = root if root.tag == "Law" else root.find(".//Law")
    body = law.find("LawBody") if law is not None else None
    if law is None or body is None:
        raise InputError(f"{where}: not an e-Gov statute XML file (no <Law>/<LawBody>)")
    reference, year = law_reference(law)
    title = _text(body.find("LawTitle")) or None
    language = (law.get("Lang") or "ja").casefold()[:2]
    sep, gap = ("", IDEOGRAPHIC_SPACE) if language == "ja" else (" ", " ")
    out = _Writer()
    if title:
        out.block(title)
    if law.find("LawNum") is not None:
        out.block(_text(law.find("LawNum")))
    prefix = f"{reference}, " if reference else ""

    def provisions(container: ET.Element, label: str) -> None:
        for node in container.iter():
            if node.tag in {"ChapterTitle", "SectionTitle", "PartTitle"}:
                out.block(_text(node))
            elif node.tag == "Article":
                article(node, label)

    def article(node: ET.Element, label: str) -> None:
        number = _article_label(node.get("Num", "?"))
        heading = "".join(
            t for t in (_text(node.find("ArticleTitle")), _text(node.find("ArticleCaption"))) if t
        )
        where_art = f"{prefix}{label}Article {number}"
        for i, paragraph in enumerate(node.findall("Paragraph"), start=1):
            lines = []
            num = _text(paragraph.find("ParagraphNum"))
            sentence = _text(paragraph.find("ParagraphSentence"), sep)
            lines.append(f"{num}{gap}{sentence}" if num else sentence)
            for item in paragraph.iter("Item"):
                title, text = _text(item.find("ItemTitle")), _text(item.find("ItemSentence"), sep)
                lines.append(f"{title}{gap}{text}")
            p_num = paragraph.get("Num") or str(i)
            locator = (
                where_art
                if len(node.findall("Paragraph")) == 1
                else (f"{where_art}, paragraph {p_num}")
            )
            out.block(
                "\n".join(line.strip() for line in lines if line.strip()),
                locator=locator,
                link=f"{'suppl-' if label else ''}art{number}-p{p_num}",
                section=heading or f"Article {number}",
                language=language,
            )

    main = body.find("MainProvision")
    if main is not None:
        provisions(main, "")
    for suppl in body.findall("SupplProvision"):
        out.block(_text(suppl.find("SupplProvisionLabel")) or "附則")
        provisions(suppl, "Supplementary Provisions, ")
    if not out.regions or not any(out.text[r.start : r.end].strip() for r in out.regions):
        raise InputError(f"{where}: the statute has no article text")
    date = None
    month, day = law.get("PromulgateMonth", ""), law.get("PromulgateDay", "")
    if year and _digits(month) and _digits(day):
        date = f"{year:04d}-{int(month):02d}-{int(day):02d}"
    return Extracted(out.text, title, date, language, tuple(out.regions))


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
            locator += f", paragraph {int(paragraph.group(1))}"
        section = f"Article {article}" if article else ""
        for lang, seg in sides.items():
            out.block(seg, locator=locator, link=f"tu{n}", section=section, language=lang)
    return Extracted(out.text, title, None, source_lang, tuple(out.regions))
