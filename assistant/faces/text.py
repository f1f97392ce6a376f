"""An answer as plain text, for the terminal: the answer, then each source with its quote, and
for a statute the same provision in the other language with each side's version."""

from __future__ import annotations

import textwrap

from ..schema import Answer, Citation


def _wrapped(text: str, label: str = "", indent: str = "      ") -> str:
    flat = " ".join(text.split())
    return textwrap.fill(flat, width=100, initial_indent=indent + label, subsequent_indent=indent)


def _source(c: Citation) -> list[str]:
    where = f"{c.title}" + (f" — {c.section}" if c.section else "")
    where += f" ({c.locator})" if c.locator else ""
    lines = [f"  [{c.marker}] {where}"]
    lines.append(f"      {c.doc_id}, characters {c.start}–{c.end}, chunk {c.chunk_id}")
    if c.version:
        lines.append(f"      text {c.version}")
    lines.append(_wrapped(f"“{' '.join(c.quote.split())}”"))
    if c.note:
        lines.append(_wrapped(c.note, "note: "))
    other = c.parallel
    if other:
        version = f", text {other['version']}" if other.get("version") else ""
        label = f"same provision ({other['language']}{version}): "
        lines.append(_wrapped(other["text"], label))
        if other.get("note"):
            lines.append(_wrapped(other["note"], "note: "))
        if other.get("differs"):
            lines.append(
                _wrapped(
                    "the two versions state different numbers or references here: they are of "
                    "different dates, and the Japanese text is the law",
                    "caution: ",
                )
            )
    return lines


def partial_notes(answer: Answer) -> list[str]:
    """One line per sentence the guard kept as partial: it stops where its source goes on, or
    states as settled what its source holds back."""
    notes = []
    for p in (answer.guard or {}).get("partial", []):
        markers = "".join(f"[{m}]" for m in p["markers"])
        said = f"“…{' '.join(p['sentence'].split()[-6:])}” {markers}"
        goes_on, hedge = p.get("goes_on"), p.get("hedge")
        if goes_on:
            more = f"its source goes on: “{goes_on}”" if goes_on != "…" else "its source says more"
            notes.append(f"{said} stops short; {more}")
        if hedge:
            notes.append(f"{said} says it more firmly than its source, which says “{hedge}”")
    return notes


def render(answer: Answer) -> str:
    """Human-readable answer with its sources listed underneath."""
    lines = [textwrap.fill(answer.answer, width=100)]
    lines += [_wrapped(note, "in part: ", "  ") for note in partial_notes(answer)]
    if answer.citations:
        lines += ["", "Sources:"]
        for c in answer.citations:
            lines += _source(c)
    return "\n".join(lines)
