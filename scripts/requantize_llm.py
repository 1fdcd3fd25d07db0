"""Requantise the bundled GGUF once, for llama.cpp's CPU kernels that repack Q4_0 weights.

    python scripts/requantize_llm.py [--type q4_0] [--out PATH]

The Q4_K_M file ships in the registry package; llama.cpp repacks Q4_0 (and IQ4_NL) weights at
load time into interleaved blocks its AVX2/AVX-512 matrix kernels read faster. Requantising
from Q4_K_M to Q4_0 loses a little more precision: bench/llm.py measures the time and the
archive eval's LLM figures the quality; RAG_LLM_MODEL_FILE picks the file.
"""

from __future__ import annotations

import argparse
import ctypes
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TYPES = {"q4_0": "LLAMA_FTYPE_MOSTLY_Q4_0", "q4_1": "LLAMA_FTYPE_MOSTLY_Q4_1", "q8_0": "LLAMA_FTYPE_MOSTLY_Q8_0",
         "iq4_nl": "LLAMA_FTYPE_MOSTLY_IQ4_NL"}


def requantize(source: Path, target: Path, kind: str, threads: int = 0) -> Path:
    import llama_cpp

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, TYPES[kind])
    params.allow_requantize = True
    params.nthread = threads
    tmp = target.with_suffix(".part")
    rc = llama_cpp.llama_model_quantize(str(source).encode(), str(tmp).encode(), ctypes.byref(params))
    if rc != 0:
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"llama_model_quantize returned {rc}")
    tmp.replace(target)
    return target


def main() -> int:
    from rag.models import QWEN_GGUF, require
    from rag.settings import Settings

    parser = argparse.ArgumentParser()
    parser.add_argument("--type", choices=sorted(TYPES), default="q4_0")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings.from_env()
    source = require(QWEN_GGUF, settings)
    target = args.out or source.with_name(source.name.replace("q4_k_m", args.type))
    print(requantize(source, target, args.type))
    return 0


if __name__ == "__main__":
    sys.exit(main())
