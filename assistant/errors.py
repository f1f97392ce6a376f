"""Errors meant for the user: one clear line, no traceback, nothing changed."""


class AssistantError(Exception):
    """Base class; `str(error)` is the message shown to the user."""


class InputError(AssistantError):
    """The question, file or path given cannot be used."""


class IndexStateError(AssistantError):
    """The index is missing or unusable (for example: nothing ingested yet)."""
