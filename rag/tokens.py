"""Token counts with tiktoken's cl100k_base, loaded offline from llama-index's bundled cache
(tiktoken cannot download its encodings here)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Callable


def _tiktoken_cache_dir() -> str:
    import llama_index.core

    return str(Path(llama_index.core.__file__).parent / "_static" / "tiktoken_cache")


@lru_cache(maxsize=1)
def token_counter() -> Callable[[str], int]:
    """A function giving the number of cl100k_base tokens of a text.

    >>> token_counter()("Hello world")
    2
    """
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", _tiktoken_cache_dir())
    import tiktoken

    encoding = tiktoken.get_encoding("cl100k_base")
    return lambda text: len(encoding.encode(text, disallowed_special=()))


@lru_cache(maxsize=50_000)
def is_common_english(word: str) -> bool:
    """True when the lower-cased word is a single cl100k_base token: an ordinary English word
    ("service", "court", "freedom"), not a transliterated name ("Yermakov", "Umerov"), which
    the encoding splits. Used to tell the generic words inside a body's English name.

    >>> [is_common_english(w) for w in ("Service", "Prevention", "Yermakov", "Austin", "Wi")]
    [True, True, False, False, False]
    """
    token_counter()  # loads the encoding offline
    import tiktoken

    return len(word) >= 3 and word.isalpha() and len(tiktoken.get_encoding("cl100k_base").encode(" " + word.lower())) == 1
