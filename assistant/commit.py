"""The commit protocol: what makes a change to the index visible, all at once or not at all.

Layout of the data directory::

    registry.json             the committed state: generation, format stamps, documents,
                              and the name of the state directory below
    keyword-<stamp>/          the committed chunks (`chunks.jsonl`) and their BM25 index
    documents/<sha256>.txt    verbatim snapshot of each ingested document's text, named by the
                              text's hash (citations point here; offsets count its characters)
    chroma/                   vectors (see `store`), unless a Chroma server holds them
    .lock                     held by the one process that writes

A writer adds what the new state needs (snapshots, vectors, a new state directory) beside what
the committed state uses, then replaces `registry.json` atomically: that rename is the commit,
and it bumps the generation. Only then is what no committed state references deleted, as
garbage. A crash before the rename leaves the old state whole; a crash after it leaves garbage
that `Index.verify` and the next ingest collect. Readers check the registry on every question
(one `stat`) and follow a new generation.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .chunking import CHUNK_FORMAT, UNITS_FORMAT
from .corpus import READ_FORMAT
from .errors import IndexStateError
from .keyword import KEYWORD_FORMAT
from .schema import Chunk, SourceDocument

REGISTRY_VERSION = 1
Registry = dict[str, Any]


def write_atomic(path: Path, data: str) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never a part."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def _holds(path: Path, data: bytes) -> bool:
    """Whether the file at `path` holds exactly `data`."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def empty_registry() -> Registry:
    return {"version": REGISTRY_VERSION, "generation": 0, "documents": {}, "keyword_dir": None}


class Committer:
    """Owns `registry.json`, the format stamps, the snapshots and the state directories of
    one data directory."""

    def __init__(self, root: Path, chunk_max_chars: int) -> None:
        self.root = root
        self.chunking = f"{CHUNK_FORMAT}/{chunk_max_chars}"
        self._cached: Registry | None = None
        self._stamp: tuple[int, int, int] | None = None
        self._lock = threading.Lock()

    @property
    def path(self) -> Path:
        return self.root / "registry.json"

    # ------------------------------------------------------------------ reading
    def read(self) -> Registry:
        """The committed registry, re-read only when the file has been replaced (a commit
        renames a new file over the old one, so the inode changes)."""
        with self._lock:
            try:
                stat = self.path.stat()
            except FileNotFoundError:
                self._cached, self._stamp = None, None
                return empty_registry()
            stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
            if self._cached is not None and stamp == self._stamp:
                return self._cached
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except ValueError:
                raise IndexStateError(
                    f"{self.path} is damaged; delete {self.root} and run 'assistant ingest'"
                ) from None
            data.setdefault("generation", 0)
            self._cached, self._stamp = data, stamp
            return data

    def formats_match(self, registry: Registry) -> bool:
        """Whether committed chunks were made by this reading and chunking (else every file
        is read and chunked again)."""
        return registry.get("chunking") == self.chunking and registry.get("reading") == READ_FORMAT

    def snapshot_path(self, record: dict[str, Any]) -> Path:
        return self.root / record["snapshot"]

    def snapshot_text(self, record: dict[str, Any]) -> str:
        # newline="" keeps \r and \r\n as they were written: offsets count them.
        with self.snapshot_path(record).open(encoding="utf-8", newline="") as handle:
            return handle.read()

    def holds(self, record: dict[str, Any], chunks: Iterable[Chunk]) -> bool:
        """Whether the document's snapshot is there and each of its committed `chunks` is a
        slice of it (else its file must be read again, whatever its size and time say)."""
        try:
            text = self.snapshot_text(record)
        except (OSError, ValueError):
            return False
        return all(text[c.start : c.end] == c.text for c in chunks)

    # ------------------------------------------------------------------ writing
    @contextmanager
    def writing(self, *, wait: bool = True) -> Iterator[bool]:
        """Hold the writer lock (one writing process at a time). With `wait=False`, yield
        False at once when another process holds it."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def write_snapshot(self, doc: SourceDocument) -> str:
        """Store the document's text as ingested (once per text); its registry path.

        Snapshots are named by the hash of the text, not of the file: the same bytes read
        two ways (as HTML and as plain text, or by another reading format) are two texts. A
        stored snapshot that does not hold the text (damaged, or written with its line
        endings changed) is written again."""
        data = doc.text.encode("utf-8")
        name = f"documents/{hashlib.sha256(data).hexdigest()}.txt"
        path = self.root / name
        if not _holds(path, data):
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, doc.text)
        return name

    def state_dir(self, stamp: str) -> str:
        return f"keyword-{stamp[:16]}"

    def write_state(self, name: str, save: Any) -> None:
        """Fill a new state directory with `save(tmp_dir)`, then move it into place."""
        if (self.root / name).is_dir():
            return
        tmp = self.root / f".{name}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        save(tmp)
        os.replace(tmp, self.root / name)

    def commit(self, previous: Registry, content: Registry) -> Registry:
        """Make `content` the committed state (a new generation) unless it is what is
        committed already; the registry now in force."""
        content = {
            "version": REGISTRY_VERSION,
            "chunking": self.chunking,
            "reading": READ_FORMAT,
            "keyword": KEYWORD_FORMAT,
            "units": UNITS_FORMAT,
            **content,
        }
        if {k: v for k, v in previous.items() if k != "generation"} == content:
            return previous
        registry = {"generation": int(previous.get("generation", 0)) + 1, **content}
        write_atomic(self.path, json.dumps(registry, indent=1, ensure_ascii=False))
        with self._lock:
            self._cached, self._stamp = None, None
        return self.read()

    def collect_files(self, registry: Registry) -> int:
        """Delete state directories and snapshots the committed state does not use."""
        removed = 0
        keep = registry.get("keyword_dir")
        for path in self.root.glob("keyword-*"):
            if path.name != keep:
                shutil.rmtree(path, ignore_errors=True)
                removed += 1
        for path in self.root.glob(".keyword-*.tmp"):
            shutil.rmtree(path, ignore_errors=True)
        snapshots = {rec["snapshot"] for rec in registry["documents"].values()}
        for path in (self.root / "documents").glob("*.txt"):
            if f"documents/{path.name}" not in snapshots:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
