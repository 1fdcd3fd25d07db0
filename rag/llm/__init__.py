"""Chat models behind one interface; ``create_llm`` picks one from settings."""

from rag.llm.base import ChatModel, Message
from rag.llm.factory import create_llm

__all__ = ["ChatModel", "Message", "create_llm"]
