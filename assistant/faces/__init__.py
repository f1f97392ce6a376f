"""The faces over the library: the command line (`cli`) and the chat page (`web`).

They hold no retrieval or answering logic; the core (`assistant.pipeline.Assistant` and below)
imports nothing from here.
"""
