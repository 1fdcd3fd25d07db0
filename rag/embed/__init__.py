"""Dense text encoders behind one interface; ``create_embedder`` picks one from settings."""

from rag.embed.base import Embedder
from rag.embed.factory import create_embedder

__all__ = ["Embedder", "create_embedder"]
