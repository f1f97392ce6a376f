"""Statutes from e-Gov's law API (法令API Version 2) into the corpus: `fetch_law`.

A law is named by its e-Gov law id (`507AC0000000053`, used as it is), its number
(`令和七年法律第五十三号`, `令和7年法律第53号`, `Act No. 53 of 2025`) or its title (or its
abbreviation). Numbers and titles are looked up with `GET {base}/laws?law_num=...` /
`?law_title=...` (documented shape: `laws[].law_info.law_id`, `.law_num`,
`laws[].revision_info.law_title`, `.abbrev`, `.amendment_enforcement_date`), which match
partially: an exact match of the number, title or abbreviation wins (a law in force over a
repealed one), else a single result is taken, else the candidates are listed. The text is
`GET {base}/law_file/xml/{law_id}` (`?asof=YYYY-MM-DD`: the version in force that day), the
`<Law>` document itself. It is read as e-Gov statute XML before anything is written; then
`<law_id>.xml` and its `manifest.json` entry (with the source, retrieval date and reuse terms)
are written into the corpus directory, each atomically. Ingesting it is the caller's
(`Assistant.ingest([path])`).

Every failure (offline, unknown host, timeout, an HTTP error, no match or several, an answer
that is not statute XML) is one `InputError` line, and the disk is left as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import socket
import threading
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from .corpus import MANIFEST_NAME, load_manifest
from .errors import InputError
from .laws import load_egov_xml
from .settings import Settings
from .text import ERAS

API = "e-Gov's law API"
PUBLISHER = "e-Gov Law Search, Digital Agency"
REUSE = (
    "Source: e-Gov Law Search, Digital Agency, Government of Japan "
    "(reusable without special restriction)"
)
_LAW_ID = re.compile(r"[0-9]{3}[A-Z][A-Z0-9]{11}")  # 507AC0000000053, 428M60020000006
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_KANJI = "〇一二三四五六七八九"
_NUM = rf"(?:[0-9]{{1,4}}|[{_KANJI}十百千]{{1,8}})"
_JA_NUMBER = re.compile(rf"({'|'.join(ERAS)})(元|{_NUM})年(\D{{1,40}}?)第({_NUM})号")
_EN_NUMBER = re.compile(
    r"(act|cabinet order)\s*no\.?\s*([0-9]{1,4})\s+of\s+(?:[a-z]+\.?\s+[0-9]{1,2},?\s+)?([0-9]{4})",
    re.IGNORECASE,
)
_EN_KINDS = {"act": "法律", "cabinet order": "政令"}
_SHOWN = 5  # candidates listed when a number or title matches several laws
_MAX_ASKED = 200
_writing = threading.Lock()  # one read-modify-write of a manifest at a time in this process


@contextlib.contextmanager
def _manifest_lock(corpus_dir: Path) -> Iterator[None]:
    """Hold a lock on the corpus directory itself (no lock file is left behind): one
    read-modify-write of the manifest at a time across processes, so a page and a CLI
    fetching at once each keep the other's entry."""
    handle = os.open(corpus_dir, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


@dataclass(frozen=True)
class FetchedLaw:
    """A statute written into the corpus: its file, e-Gov law id, title, number and as-of date."""

    path: Path
    law_id: str
    title: str
    law_num: str
    as_of: str

    def summary(self) -> str:
        number = f"{self.law_num}, " if self.law_num else ""
        return (
            f"saved {self.title} ({number}e-Gov law id {self.law_id}, as of {self.as_of}) "
            f"to {self.path}"
        )


@dataclass(frozen=True)
class LawRow:
    """One law found by a `/laws` search."""

    law_id: str
    title: str
    law_num: str
    names: frozenset[str]  # folded title, abbreviations and number: what an exact match is
    in_force: bool
    enforced: str | None  # the revision's enforcement date


def kanji(n: int) -> str:
    """53 -> 五十三, 1000 -> 千 (the numerals of law numbers).

    >>> kanji(53), kanji(7), kanji(110), kanji(1234)
    ('五十三', '七', '百十', '千二百三十四')
    """
    out = ""
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, value)
        out += (_KANJI[q] if q > 1 else "") + unit if q else ""
    return out + (_KANJI[n] if n else "")


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def law_numbers(text: str) -> list[str]:
    """The official forms of the law number `text` is, or [] if it is not one (a year in which
    an era changed gives both).

    >>> law_numbers("Act No. 53 of 2025"), law_numbers("令和7年 法律第53号")
    (['令和七年法律第五十三号'], ['令和七年法律第五十三号'])
    >>> law_numbers("Act No. 2 of 2019"), law_numbers("人工知能法")
    (['平成三十一年法律第二号', '令和元年法律第二号'], [])
    """
    folded = "".join(unicodedata.normalize("NFKC", text).split())
    japanese = _JA_NUMBER.fullmatch(folded)
    if japanese:
        era, year, kind, number = japanese.groups()
        year = "元" if year in {"1", "一"} else kanji(int(year)) if year.isdigit() else year
        number = kanji(int(number)) if number.isdigit() else number
        return [f"{era}{year}年{kind}第{number}号"]
    english = _EN_NUMBER.fullmatch(" ".join(unicodedata.normalize("NFKC", text).split()))
    if not english or int(english[2]) == 0:
        return []
    kind, number, year = _EN_KINDS[english[1].casefold()], int(english[2]), int(english[3])
    starts = list(ERAS.items())
    found = []
    for i, (era, base) in enumerate(starts):
        n = year - base
        ends = starts[i + 1][1] + 1 if i + 1 < len(starts) else year
        if n >= 1 and year <= ends:
            found.append(f"{era}{'元' if n == 1 else kanji(n)}年{kind}第{kanji(number)}号")
    return found


def _reason(error: BaseException, timeout: float) -> str:
    """Why a connection failed, in a few words."""
    reason = getattr(error, "reason", error)
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return f"unknown host ({reason.strerror or reason})"
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror[:1].lower() + reason.strerror[1:]
    return str(reason) or type(reason).__name__


def _get(settings: Settings, path: str, query: dict[str, str], accept: str, missing: str) -> bytes:
    """The body of `GET {base}/{path}?{query}`; an `InputError` for anything but HTTP 200
    (`missing` is the message for a 404)."""
    base = settings.law_api_url.rstrip("/")
    if urllib.parse.urlsplit(base).scheme not in {"http", "https"}:
        raise InputError(f"the law API URL '{base}' is not http(s) (ASSISTANT_LAW_API_URL)")
    url = f"{base}/{urllib.parse.quote(path)}" + (f"?{urllib.parse.urlencode(query)}" * bool(query))
    shown = urllib.parse.unquote(url)
    headers = {"Accept": accept, "User-Agent": "jp-ai-policy-assistant (assistant fetch-law)"}
    limit = settings.max_file_bytes
    try:
        request = urllib.request.Request(url, headers=headers)
        with urllib.request.urlopen(request, timeout=settings.law_api_timeout) as response:
            body = response.read(limit + 1)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise InputError(missing) from None
        raise InputError(f"{API} answered HTTP {error.code} for {shown}{_detail(error)}") from None
    except (OSError, HTTPException, ValueError) as error:  # URLError, timeouts, resets
        reason = " ".join(_reason(error, settings.law_api_timeout).split())
        raise InputError(f"cannot reach {API} at {shown}: {reason}") from None
    if len(body) > limit:
        raise InputError(f"{API} sent more than {limit} bytes (max_file_bytes) for {shown}")
    return body


def _detail(error: urllib.error.HTTPError) -> str:
    """The API's own message from an error body (`{"code": ..., "message": ...}`), if any."""
    try:
        message = json.loads(error.read(10_000)).get("message")
    except Exception:  # any body at all: HTML, nothing, a broken connection
        return ""
    return f" ({' '.join(str(message).split())[:200]})" if message else ""


def _search(settings: Settings, field: str, value: str, as_of: str | None) -> list[LawRow]:
    query = {field: value, "response_format": "json"} | ({"asof": as_of} if as_of else {})
    body = _get(
        settings,
        "laws",
        query,
        "application/json",
        f"{API} has no law search at {settings.law_api_url} (HTTP 404)",
    )
    try:
        data = json.loads(body)
        rows, total = data["laws"], data.get("total_count")
        if not isinstance(rows, list):
            raise TypeError
    except (ValueError, KeyError, TypeError, AttributeError):
        raise InputError(f"{API}'s law search did not answer with a list of laws") from None
    found = [law for row in rows if (law := _row(row))]
    # Rows past the first page (100) are not fetched, only counted: the law id settles it.
    found += [_MORE] * max(0, (total if isinstance(total, int) else 0) - len(rows))
    return found


def _row(row: Any) -> LawRow | None:
    info = row.get("law_info") if isinstance(row, dict) else None
    revision = row.get("revision_info") or row.get("current_revision_info") if info else None
    if not isinstance(info, dict) or not isinstance(revision, dict):
        return None
    law_id, law_num = str(info.get("law_id") or ""), str(info.get("law_num") or "")
    if not _LAW_ID.fullmatch(law_id):
        return None  # never a file name from an id that is not one
    title = str(revision.get("law_title") or "")
    abbreviations = str(revision.get("abbrev") or "").split(",")
    enforced = revision.get("amendment_enforcement_date")
    return LawRow(
        law_id=law_id,
        title=title,
        law_num=law_num,
        names=frozenset(_fold(n) for n in (title, law_num, *abbreviations) if n.strip()),
        in_force=str(revision.get("repeal_status") or "None") == "None",
        enforced=enforced if isinstance(enforced, str) and _DATE.fullmatch(enforced) else None,
    )


_MORE = LawRow("", "", "", frozenset(), False, None)  # a match the search counted, not sent


def _choose(found: list[LawRow], wanted: set[str], asked: str, what: str) -> LawRow:
    """The law meant: the one exact match (in force, if some are not), else the only result."""
    unseen = found.count(_MORE)
    rows = list({f.law_id: f for f in found if f is not _MORE}.values())
    exact = [f for f in rows if f.names & wanted]
    pool = ([f for f in exact if f.in_force] or exact) if exact else rows
    if len(pool) == 1 and (exact or not unseen):
        return pool[0]
    if not pool:
        raise InputError(f"{API} knows no law {what} '{asked}'")
    count = len(pool) + (0 if exact else unseen)
    listed = "; ".join(f"{f.law_id} {f.title}" for f in pool[:_SHOWN])
    rest = count - min(len(pool), _SHOWN)
    more = f"; and {rest} more" if rest else ""
    raise InputError(f"{count} laws match '{asked}': {listed}{more} (give the law id)")


def resolve(settings: Settings, asked: str, as_of: str | None = None) -> tuple[str, LawRow | None]:
    """The e-Gov law id `asked` names, with its search row (None for an id, used as it is)."""
    if _LAW_ID.fullmatch(asked.upper()):
        return asked.upper(), None
    numbers = law_numbers(asked)
    if numbers:
        found = [f for n in numbers for f in _search(settings, "law_num", n, as_of)]
        return (row := _choose(found, {_fold(n) for n in numbers}, asked, "numbered")).law_id, row
    found = _search(settings, "law_title", asked, as_of)
    return (row := _choose(found, {_fold(asked)}, asked, "titled")).law_id, row


def fetch_law(settings: Settings, law: str, *, as_of: str | None = None) -> FetchedLaw:
    """Fetch the statute `law` (an e-Gov law id, a law number or a title) as in force today (or
    on `as_of`, YYYY-MM-DD), check it, and write it and its manifest entry into
    `settings.corpus_dir`. Raises `InputError` (one line, nothing written) if it cannot."""
    asked = " ".join((law or "").split())
    if not asked:
        raise InputError("give an e-Gov law id, a law number or a law title to fetch")
    if len(asked) > _MAX_ASKED:
        raise InputError(f"a law id, number or title is at most {_MAX_ASKED} characters")
    if as_of is not None and not _is_date(as_of):
        raise InputError(f"the as-of date must be a date as YYYY-MM-DD, not '{as_of}'")
    law_id, row = resolve(settings, asked, as_of)
    query = {"asof": as_of} if as_of else {}
    raw = _get(
        settings,
        f"law_file/xml/{law_id}",
        query,
        "application/xml",
        f"{API} has no law with the id {law_id}",
    )
    head = raw[:1000].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise InputError(f"{API} sent a web page, not statute XML, for {law_id}; nothing saved")
    extracted = load_egov_xml(raw, f"{API}'s answer for {law_id}")  # InputError if not a statute
    retrieved = dt.date.today().isoformat()
    title = extracted.title or (row.title if row else law_id)
    law_num = _law_num(raw) or (row.law_num if row else "")
    entry = {
        "file": f"{law_id}.xml",
        "doc_id": f"law-{law_id.lower()}",
        "title": title,
        "law_num": law_num,
        "publisher": PUBLISHER,
        "language": extracted.language or "ja",
        "source_url": f"{settings.law_api_url.rstrip('/')}/law_file/xml/{law_id}"
        + (f"?asof={as_of}" if as_of else ""),
        "retrieved": retrieved,
        "as_of": as_of or (row.enforced if row and row.enforced else None) or retrieved,
        "reuse": REUSE,
    }
    path = _save(Path(settings.corpus_dir), raw, entry)
    return FetchedLaw(path, law_id, title, law_num, entry["as_of"])


def _is_date(text: str) -> bool:
    try:
        return bool(_DATE.fullmatch(text)) and bool(dt.date.fromisoformat(text))
    except ValueError:
        return False


def _law_num(raw: bytes) -> str:
    """The `<LawNum>` of statute XML that `load_egov_xml` has accepted (no entities in it)."""
    try:
        root = ET.fromstring(raw)
    except (ET.ParseError, ValueError, LookupError):
        return ""
    law = root if root.tag == "Law" else root.find(".//Law")
    return "".join((law.findtext("LawNum") or "").split()) if law is not None else ""


def _save(corpus_dir: Path, raw: bytes, entry: dict[str, Any]) -> Path:
    """Write the law's file and its manifest entry (added, or replacing the file's entry), each
    by renaming a finished temporary file into place; on failure neither changes."""
    target = corpus_dir / entry["file"]
    manifest = corpus_dir / MANIFEST_NAME
    corpus_dir.mkdir(parents=True, exist_ok=True)
    with _writing, _manifest_lock(corpus_dir):
        load_manifest(corpus_dir)  # a manifest that cannot be read is refused, not overwritten
        data = json.loads(manifest.read_text("utf-8")) if manifest.is_file() else {"documents": []}
        documents = data["documents"]
        for other in documents:
            if other.get("doc_id") == entry["doc_id"] and other.get("file") != entry["file"]:
                raise InputError(
                    f"{manifest}: the id '{entry['doc_id']}' is already used by {other['file']}"
                )
        at = next((i for i, e in enumerate(documents) if e.get("file") == entry["file"]), None)
        if at is None:
            documents.append(entry)
        else:
            documents[at] = entry
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        temporary: list[Path] = []
        try:
            corpus_dir.mkdir(parents=True, exist_ok=True)
            law_part = _part(target, raw, temporary)
            manifest_part = _part(manifest, text.encode("utf-8"), temporary)
            before = target.read_bytes() if target.is_file() else None
            os.replace(law_part, target)
            try:
                os.replace(manifest_part, manifest)
            except OSError:
                if before is None:
                    target.unlink(missing_ok=True)
                else:
                    os.replace(_part(target, before, temporary), target)
                raise
        except OSError as error:
            raise InputError(f"cannot write to {corpus_dir}: {error.strerror or error}") from None
        finally:
            for part in temporary:
                part.unlink(missing_ok=True)
    return target


def _part(path: Path, data: bytes, made: list[Path]) -> Path:
    """`data` in a hidden temporary file beside `path` (never ingested), flushed to disk."""
    part = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.part")
    made.append(part)
    with open(part, "xb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    return part
