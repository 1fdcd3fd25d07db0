"""Errors the product reports to users: each carries a message meant to be read, not a trace."""

from __future__ import annotations


class RagError(Exception):
    """Base of every error the CLI and UI show as a plain message."""


class ModelMissingError(RagError):
    """A model is not assembled, or fails its checksum."""


class InputError(RagError):
    """A file or a question the product cannot take, with the reason."""


class StoreError(RagError):
    """The vector store cannot be reached, is locked, or does not match the settings."""


class EmbedderMismatchError(StoreError):
    """A collection was built by another embedder than the one configured."""


class LLMError(RagError):
    """The language model is missing, unreachable, slow or returned nothing usable."""
