"""Who writes answers: the one interface every answerer implements, and the table of backends.

An answerer is handed a question and what retrieval found for it, and yields the draft as it is
written (unchecked text, to be shown as such or not at all; an answerer that does not draft
yields none) and then exactly one `Answer`. `Assistant.ask_stream` uses every backend through
this interface alone.

`BACKENDS` is the single list of backends: their names (the `backend` setting, the CLI's
`--backend`, the chat page's choice and `assistant eval --backend` all read it), what each is,
the settings it needs, how its chat model is built and which package extra installs it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from .errors import AssistantError, InputError

if TYPE_CHECKING:
    from .retrieve import Retrieval
    from .schema import Answer
    from .settings import Settings


@runtime_checkable
class Answerer(Protocol):
    """Answers a question from its retrieved passages."""

    name: str

    def stream(self, question: str, retrieval: Retrieval) -> Iterator[str | Answer]:
        """Draft pieces (unchecked text) as they are written, then exactly one `Answer`."""
        ...


def _llamacpp(settings: Settings) -> Any:
    path = Path(settings.llm_model_path or "").expanduser()
    if not path.is_file():
        raise AssistantError(
            f"backend 'llamacpp': model file not found: '{settings.llm_model_path}' "
            "(set llm_model_path to a .gguf file)"
        )
    from langchain_community.chat_models import ChatLlamaCpp

    return ChatLlamaCpp(
        model_path=str(path),
        n_ctx=settings.llm_context,
        n_threads=settings.llm_threads,
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,
        verbose=False,
    )


def _openai(settings: Settings) -> Any:
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key or "not-needed",
        model=settings.llm_model or "default",
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,
        timeout=settings.llm_timeout,
        max_retries=0,
    )


def _ollama(settings: Settings) -> Any:
    from langchain_ollama import ChatOllama

    return ChatOllama(
        base_url=settings.llm_base_url or "http://127.0.0.1:11434",
        model=settings.llm_model or "llama3.2",
        temperature=settings.llm_temperature,
        num_predict=settings.llm_max_tokens,
    )


@dataclass(frozen=True)
class Backend:
    """One way of writing answers."""

    name: str
    what: str
    needs: tuple[str, ...] = ()  # the settings it reads
    chat: Callable[[Settings], Any] | None = None  # builds its LangChain chat model; None: no model
    extra: str | None = None  # the package extra that installs what it needs
    serial: bool = False  # one in-process model: one question at a time may use it


EXTRACTIVE = "extractive"

BACKENDS: dict[str, Backend] = {
    b.name: b
    for b in (
        Backend(EXTRACTIVE, "the embedded default: verbatim quotes, no model"),
        Backend(
            "llamacpp",
            "a local GGUF file through llama-cpp-python",
            ("llm_model_path",),
            _llamacpp,
            "llamacpp",
            serial=True,
        ),
        Backend(
            "openai",
            "any OpenAI-compatible endpoint (OpenAI, vLLM, llama.cpp's server, LM Studio)",
            ("llm_base_url", "llm_api_key", "llm_model"),
            _openai,
            "openai",
        ),
        Backend("ollama", "an Ollama server", ("llm_base_url", "llm_model"), _ollama, "ollama"),
    )
}
BACKEND_NAMES: tuple[str, ...] = tuple(BACKENDS)


def backend_named(name: str) -> Backend:
    """The backend called `name`; an `InputError` naming the known ones otherwise."""
    try:
        return BACKENDS[name]
    except (KeyError, TypeError):
        known = ", ".join(BACKEND_NAMES)
        raise InputError(f"unknown answer backend '{name}' (known: {known})") from None


def backends_help() -> str:
    """One line naming every backend, the default first (for `--help`)."""
    return ", ".join(f"{n} (default)" if n == EXTRACTIVE else n for n in BACKEND_NAMES)


def chat_model(settings: Settings) -> Any:
    """The LangChain chat model for `settings.backend`; a clear error when it cannot be made."""
    entry = backend_named(settings.backend)
    if entry.chat is None:
        raise AssistantError(f"backend '{entry.name}' writes answers without a chat model")
    try:
        return entry.chat(settings)
    except ImportError as exc:
        raise AssistantError(
            f"backend '{entry.name}' needs extra packages: pip install "
            f"'jp-ai-policy-assistant[{entry.extra}]' ({exc.name} is missing)"
        ) from None
