"""What users send, checked before anything is done with it: questions, the conversation a
follow-up leans on, and the names of uploaded files. Each check refuses with one clear line
(`InputError`) and bounds the work a question can cause, whatever arrives."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from .corpus import SUPPORTED_SUFFIXES, slugify
from .errors import InputError

# Control and zero-width characters carry no meaning and confuse matching.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2060\ufeff]")


def safe_upload_name(name: str) -> str:
    """A file name safe to store: base name only, slugged stem, a supported suffix.

    >>> safe_upload_name("../../etc/Policy Paper.PDF")
    'policy-paper.pdf'
    """
    base = Path(str(name).replace("\\", "/")).name
    suffix = Path(base).suffix.casefold()
    if suffix not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise InputError(f"{base or name!r}: unsupported file type (supported: {kinds})")
    return f"{slugify(Path(base).stem)}{suffix}"


def check_question(question: object, max_chars: int, *, what: str = "the question") -> str:
    """The question with invisible characters dropped; refused when it is not text, is
    empty, has no words or is longer than `max_chars`.

    >>> check_question(" When\\u200b was it set up? ", 2000)
    'When was it set up?'
    """
    if not isinstance(question, str):
        raise InputError(f"{what} must be text, not {type(question).__name__}")
    text = _INVISIBLE.sub("", question).strip()
    if not text:
        raise InputError(f"{what} is empty")
    if not any(ch.isalnum() for ch in text):
        raise InputError(f"{what} has no words in it")
    if len(text) > max_chars:
        raise InputError(f"{what} is {len(text)} characters long; the limit is {max_chars}")
    return text


def check_history(history: object, max_items: int, max_chars: int) -> list[str]:
    """The earlier questions of a conversation, each checked as a question; refused when it
    is not a list of text or holds more than `max_items`. Empty items are left out.

    >>> check_history(["What is the AI Safety Institute?", " "], 20, 2000)
    ['What is the AI Safety Institute?']
    """
    if history is None:
        return []
    if isinstance(history, str | bytes) or not isinstance(history, Sequence):
        raise InputError("the history must be a list of earlier questions")
    if len(history) > max_items:
        raise InputError(
            f"the history holds {len(history)} questions; the limit is {max_items} "
            "(only the latest are needed to read a follow-up)"
        )
    checked = []
    for n, item in enumerate(history, start=1):
        if isinstance(item, str) and not item.strip():
            continue
        checked.append(check_question(item, max_chars, what=f"history item {n}"))
    return checked
