"""The public Python API: ingest documents, ask questions, get cited answers.

>>> from assistant import Assistant
>>> bot = Assistant.from_settings()            # settings from env / assistant.toml / defaults
>>> bot.ingest()                                # the corpus directory, incrementally
>>> answer = bot.ask("When was the AI Safety Institute established?")
>>> answer.answer, answer.citations[0].quote
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .answer import ABSTENTION, ABSTENTION_JA, QUOTING_JA, ExtractiveAnswerer
from .corpus import SUPPORTED_SUFFIXES, read_document, read_paths, slugify
from .decompose import question_parts
from .embeddings import Embedder
from .errors import AssistantError, InputError
from .followup import standalone
from .generate import GenerativeAnswerer, chat_model, entailment_check
from .ground import invalid_citations
from .guard import Guard
from .index import Index, IngestReport, Progress
from .injection import looks_like_injection
from .loaders import guess_language
from .retrieve import Retriever
from .schema import Answer, Chunk
from .scope import unknown_names
from .settings import Settings

log = logging.getLogger(__name__)


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


_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2060\ufeff]")


def _parallel(chunk: Chunk) -> dict[str, str]:
    return {
        "chunk_id": chunk.chunk_id,
        "language": chunk.language,
        "locator": chunk.locator,
        "text": chunk.text,
    }


class Assistant:
    """One loaded index, embedding model and answerer; reuse it for many questions."""

    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
    ) -> None:
        self.settings = settings
        self.index = Index(settings, embedder)
        self.retriever = Retriever(
            self.index,
            candidates=settings.candidates,
            rrf_k=settings.rrf_k,
            mode=settings.retrieval,
            sentences=settings.sentence_search,
        )
        self.answerer = ExtractiveAnswerer(self.index, settings)
        self._generative: dict[str, GenerativeAnswerer] = {}

    def generative(self, backend: str) -> GenerativeAnswerer:
        """The answerer for a chat-model backend (made on first use, then kept)."""
        if backend not in self._generative:
            settings = self.settings.with_overrides(backend=backend)
            chat = chat_model(settings)
            guard = Guard(
                lambda texts: self.index.embedder.encode(texts, query=True),
                self.answerer.unit_vectors,
                min_overlap=settings.guard_min_overlap,
                min_similarity=settings.guard_min_similarity,
                entails=entailment_check(chat) if settings.guard_entailment else None,
                cite_uncited=settings.guard_cite_uncited,
            )
            self._generative[backend] = GenerativeAnswerer(backend, chat, guard)
        return self._generative[backend]

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **overrides: Any) -> Assistant:
        """Build from `Settings()` (environment and config file), with keyword overrides."""
        return cls((settings or Settings()).with_overrides(**overrides))

    def warm_up(self) -> None:
        """Load the embedding model and the committed index now rather than on first ask."""
        self.index.embedder.load()
        _ = self.index.keyword
        _ = self.index.collection

    # ------------------------------------------------------------------ documents
    def ingest(
        self,
        paths: Iterable[Path | str] | None = None,
        *,
        progress: Progress | None = None,
        reread: bool = False,
    ) -> IngestReport:
        """Bring the index in step with `paths` (default: the corpus directory).

        Files are added or replaced; documents that were ingested from a directory named here
        and are gone from it are removed. All files are read and checked before anything is
        written, so a bad file changes nothing. A file with the size, modification time and
        manifest entry it had when last ingested is not read again, unless `reread`.
        """
        roots = [Path(p) for p in paths] if paths else [self.settings.corpus_dir]
        known = {} if reread else self.index.known_files()
        documents = read_paths(roots, max_bytes=self.settings.max_file_bytes, known=known)
        scopes = [r for r in roots if r.is_dir()]
        return self.index.sync(documents, scopes=scopes, progress=progress)

    def add_upload(
        self, path: Path | str, name: str, *, progress: Progress | None = None
    ) -> IngestReport:
        """Add an uploaded file (at `path`, originally called `name`) to the corpus.

        The name is reduced to a safe base name; the file is read and checked in place, and
        only a file that passes is copied into `<data_dir>/uploads/` and ingested. A file with
        the id of an ingested document from elsewhere is refused; the same file uploaded again
        changes nothing."""
        source = Path(path)
        safe = safe_upload_name(name)
        if source.stat().st_size > self.settings.max_upload_bytes:
            raise InputError(
                f"{safe}: {source.stat().st_size} bytes is over the "
                f"{self.settings.max_upload_bytes}-byte upload limit"
            )
        read_document(source, max_bytes=self.settings.max_upload_bytes)  # refuses bad files
        target = self.settings.data_dir / "uploads" / safe
        existing = self.index.documents.get(slugify(target.stem))
        if existing is not None and Path(existing["path"]) != target.resolve():
            raise InputError(
                f"{safe}: a document with the id '{slugify(target.stem)}' is already in the "
                "index; rename the file to add it as a new document"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.part")
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
        return self.index.sync(
            read_paths([target], max_bytes=self.settings.max_upload_bytes), progress=progress
        )

    def remove(self, doc_ids: Iterable[str]) -> IngestReport:
        """Remove documents (by id) from the index."""
        ids = list(doc_ids)
        unknown = sorted(set(ids) - set(self.index.documents))
        if unknown:
            raise InputError(f"no such document in the index: {', '.join(unknown)}")
        return self.index.sync([], remove=ids)

    def chunk(self, chunk_id: str) -> Chunk | None:
        """The indexed chunk with this id (for showing a citation in its passage)."""
        return self.index.keyword.by_id.get(chunk_id)

    def documents(self) -> dict[str, dict[str, Any]]:
        """The ingested documents' metadata, by document id."""
        return self.index.documents

    # ------------------------------------------------------------------ questions
    def check_question(self, question: str) -> str:
        text = question if isinstance(question, str) else ""
        # Control and zero-width characters carry no meaning and confuse matching: drop them.
        text = _INVISIBLE.sub("", text).strip()
        if not text:
            raise InputError("the question is empty")
        if not any(ch.isalnum() for ch in text):
            raise InputError("the question has no words in it")
        if len(text) > self.settings.max_question_chars:
            raise InputError(
                f"the question is {len(text)} characters long; the limit is "
                f"{self.settings.max_question_chars}"
            )
        return text

    def ask(
        self,
        question: str,
        *,
        k: int | None = None,
        history: Sequence[str] = (),
        backend: str | None = None,
    ) -> Answer:
        """Answer one question with citations to verbatim passages, or abstain.

        `history` holds the earlier questions of a conversation (oldest first); a follow-up
        such as "When was it established?" is rewritten into a standalone question first.
        `backend` overrides the configured one for this question; when a chat-model backend
        fails, the embedded default answers and `answer.notice` says why."""
        for item in self.ask_stream(question, k=k, history=history, backend=backend):
            if isinstance(item, Answer):
                return item
        raise AssertionError("ask_stream ended without an answer")

    def ask_stream(
        self,
        question: str,
        *,
        k: int | None = None,
        history: Sequence[str] = (),
        backend: str | None = None,
    ) -> Iterator[str | Answer]:
        """Like `ask`, but first yields a chat model's draft as it is written (strings, not yet
        checked), then the checked `Answer`. The extractive default yields only the answer."""
        text = standalone(self.check_question(question), history)
        backend = backend or self.settings.backend
        t0 = time.perf_counter()
        # Each question the message asks is checked for scope on its own: a part about
        # something the corpus never mentions is left out (and named), the rest answered.
        # (Instructions to the assistant anywhere in the message refuse all of it.)
        parts = [text] if looks_like_injection(text) else question_parts(text)
        refusals = [self.out_of_scope(part) for part in parts]
        scope_note = "; ".join(dict.fromkeys(r for r in refusals if r)) or None
        kept = [part for part, refusal in zip(parts, refusals, strict=True) if not refusal]
        if not kept:
            answer = self._in_language(text, Answer(text, ABSTENTION, True, backend=backend))
            answer.question, answer.standalone_question, answer.notice = question, text, scope_note
            answer.timings_ms = {"total": (time.perf_counter() - t0) * 1000}
            yield answer
            return
        asked = text if len(kept) == len(parts) else " ".join(kept)
        retrieval = self.retriever.retrieve(asked, k or self.settings.k, kept)
        t1 = time.perf_counter()
        notice = None
        if backend == "extractive" or not retrieval.passages:
            answer = self.answerer.answer(asked, retrieval)
        else:
            try:
                generative = self.generative(backend)
                pieces = []
                for piece in generative.stream_draft(asked, retrieval.passages):
                    pieces.append(piece)
                    yield piece
                answer = generative.finish(asked, "".join(pieces), retrieval.passages)
            except AssistantError as error:
                log.info("%s; answering with the embedded default", error)
                notice = f"{error}; answered by the embedded default instead"
                answer = self.answerer.answer(asked, retrieval)
        t2 = time.perf_counter()
        answer = self._in_language(asked, self._with_parallels(self._checked(asked, answer)))
        t3 = time.perf_counter()
        answer.question = question
        answer.standalone_question = text
        answer.notice = "; ".join(n for n in (notice, scope_note, answer.notice) if n) or None
        answer.timings_ms = {
            "retrieve": (t1 - t0) * 1000,
            "answer": (t2 - t1) * 1000,
            "check": (t3 - t2) * 1000,
            "total": (t3 - t0) * 1000,
        }
        answer.passages = retrieval.passages
        yield answer

    def out_of_scope(self, question: str) -> str | None:
        """Why the documents cannot answer `question` whatever is retrieved, or None: it is
        addressed to the assistant as instructions, or it names something the corpus never
        mentions (see `scope`)."""
        japanese = guess_language(question) == "ja"
        if looks_like_injection(question):
            if japanese:
                return (
                    "この質問はアシスタントへの指示として書かれており、"
                    "文書についての質問ではありません"
                )
            return (
                "the question reads as instructions to the assistant, "
                "not as a question about the documents"
            )
        latin = "latin" in self.index.keyword.scripts
        unknown = unknown_names(question, self.index.vocabulary, latin=latin)
        if unknown and japanese:
            return (
                "文書には" + "、".join(f"「{name}」" for name in unknown) + "への言及がありません"
            )
        if unknown:
            return "the documents never mention " + ", ".join(f"“{name}”" for name in unknown)
        return None

    def _with_parallels(self, answer: Answer) -> Answer:
        """Give each citation of a bilingual provision the same provision's other language."""
        linked = self.index.keyword.by_link
        if not linked:
            return answer
        citations = []
        for c in answer.citations:
            chunk = self.chunk(c.chunk_id)
            if chunk and chunk.link:
                others = [
                    o
                    for o in linked.get((c.doc_id, chunk.link), [])
                    if o.language != chunk.language
                ]
                if others:
                    c = dataclasses.replace(c, parallel=_parallel(others[0]))
            citations.append(c)
        answer.citations = citations
        return answer

    @staticmethod
    def _in_language(question: str, answer: Answer) -> Answer:
        """A Japanese question gets its abstention in Japanese, and an extractive answer is
        introduced in Japanese as verbatim quotes of the sources."""
        if guess_language(question) != "ja":
            return answer
        if answer.abstained:
            answer.answer = ABSTENTION_JA
        elif answer.backend == "extractive" and not answer.answer.startswith(QUOTING_JA):
            answer.answer = f"{QUOTING_JA}\n{answer.answer}"
        return answer

    def _checked(self, question: str, answer: Answer) -> Answer:
        bad = invalid_citations(answer, self.index.document_text)
        if not bad:
            return answer
        # Never show a citation that does not hold; withholding is the safe failure.
        log.warning("withheld an answer with %d invalid citations", len(bad))
        return Answer(question, ABSTENTION, True, backend=answer.backend, guard=answer.guard)
