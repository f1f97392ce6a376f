"""Answers about Japanese AI law and policy, every claim cited to a verbatim passage.

The public surface: `Assistant`, `Settings`, and the values they return.
"""

from .errors import AssistantError, IndexStateError, InputError
from .schema import Answer, Chunk, Citation, Passage, SourceDocument
from .settings import Settings

__all__ = [
    "Answer",
    "Assistant",
    "AssistantError",
    "Chunk",
    "Citation",
    "IndexStateError",
    "InputError",
    "Passage",
    "Settings",
    "SourceDocument",
]


def __getattr__(name: str):  # noqa: ANN202 - keeps `import assistant` light for the CLI
    if name == "Assistant":
        from .pipeline import Assistant

        return Assistant
    raise AttributeError(name)
