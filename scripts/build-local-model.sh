#!/usr/bin/env bash
# Build llama-cpp-python (the local model's engine) once, portably, into pip's cache dir,
# and print the wheel's path.
#
# Why not a plain `pip install llama-cpp-python`: it compiles with GGML_NATIVE=ON, i.e. for
# the CPU it happens to run on. On a Xeon with AMX that build crashes (SIGSEGV in
# ggml_backend_amx_mul_mat on the Q4_0/Q4_1 weights of the bundled SmolLM2, llama.cpp issue
# 20824), and pip caches the native wheel under a key that ignores CMAKE_ARGS, so the next
# machine may get a wheel built for another processor. Here the instruction set is fixed
# to x86-64-v3 (AVX2, FMA, F16C, BMI2: every x86-64 CPU since 2013-2015), AVX-512 and AMX
# off, and the wheel lives in a folder named by that configuration. The built library is
# checked before it is used (scripts/check_llama_build.py).
#
# Usage: scripts/build-local-model.sh PYTHON    (PYTHON: the venv's interpreter)
set -euo pipefail

PYTHON=${1:?usage: build-local-model.sh PYTHON}
VERSION=0.3.36
CMAKE_ARGS_PORTABLE="-DGGML_NATIVE=OFF -DGGML_CPU_ALL_VARIANTS=OFF -DGGML_BACKEND_DL=OFF \
-DGGML_SSE42=ON -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON \
-DGGML_AVX_VNNI=OFF -DGGML_AVX512=OFF -DGGML_AVX512_VBMI=OFF -DGGML_AVX512_VNNI=OFF \
-DGGML_AVX512_BF16=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF \
-DGGML_BLAS=OFF -DGGML_CUDA=OFF -DGGML_VULKAN=OFF -DLLAMA_CURL=OFF"

cache_root=$("$PYTHON" -m pip cache dir 2>/dev/null || echo "${XDG_CACHE_HOME:-$HOME/.cache}/pip")
config_id=$(printf '%s %s' "$VERSION" "$CMAKE_ARGS_PORTABLE" | sha256sum | cut -c1-16)
# Under pip's wheels/ folder so that `pip cache purge` clears it like any other built wheel.
wheel_dir="$cache_root/wheels/personae-llama-$config_id"

wheel=$(ls "$wheel_dir"/llama_cpp_python-"$VERSION"-*.whl 2>/dev/null | head -n1 || true)
if [[ -z "$wheel" ]]; then
    echo "Building llama-cpp-python $VERSION for any x86-64-v3 CPU (AVX2, no AVX-512/AMX)." >&2
    echo "This compiles llama.cpp once (several minutes on 2 cores); later installs reuse it." >&2
    mkdir -p "$wheel_dir"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    CMAKE_ARGS="$CMAKE_ARGS_PORTABLE" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
        "$PYTHON" -m pip wheel --quiet --no-deps --no-cache-dir --no-binary llama-cpp-python \
        "llama-cpp-python==$VERSION" -w "$tmp" >&2
    mv "$tmp"/llama_cpp_python-"$VERSION"-*.whl "$wheel_dir"/
    wheel=$(ls "$wheel_dir"/llama_cpp_python-"$VERSION"-*.whl | head -n1)
fi
echo "$wheel"
