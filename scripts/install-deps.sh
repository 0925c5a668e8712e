#!/usr/bin/env bash
# Installs what the build, tests and benchmarks need beyond the .NET SDK. Idempotent and quiet; safe to run on every
# test run (CI runs it as root with no stdin).
set -euo pipefail
if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-deps: the .NET 10 SDK is required (dotnet not found on PATH)" >&2
  exit 1
fi

# OpenBLAS (Debian's libopenblas0): the exact single-threaded cblas_sgemm baseline of the benchmarks, `kernelc bench`
# and the BLAS test. Optional: without it those report "OpenBLAS not available" and the suite still runs.
openblas_present() {
  ldconfig -p 2>/dev/null | grep -q 'libopenblas\.so\.0 ' && return 0
  for f in /usr/lib/x86_64-linux-gnu/libopenblas.so.0 /usr/lib/aarch64-linux-gnu/libopenblas.so.0 /usr/lib64/libopenblas.so.0 \
           /usr/lib/libopenblas.so.0; do
    [ -e "$f" ] && return 0
  done
  return 1
}
if ! openblas_present; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    # Package lists are fetched only when the first attempt cannot find the package (fresh container).
    if ! apt-get install -y -qq --no-install-recommends libopenblas0 </dev/null >/dev/null 2>&1; then
      apt-get update -qq </dev/null >/dev/null 2>&1 || true
      apt-get install -y -qq --no-install-recommends libopenblas0 </dev/null >/dev/null 2>&1 || true
    fi
  fi
  if ! openblas_present; then
    echo "install-deps: OpenBLAS (libopenblas0) is not installed and could not be installed here" \
      "(needs apt-get as root); benchmarks and kernelc bench will report it missing, the BLAS test is skipped" >&2
  fi
fi

# BLIS (Debian's libblis4): the other optimised exact engine kernelc picks from (often the fastest for small M, with B
# transposed). Optional like OpenBLAS: without either, kernelc times against its managed blocked SIMD product.
blis_present() {
  ldconfig -p 2>/dev/null | grep -q 'libblis\.so\.4 ' && return 0
  for f in /usr/lib/x86_64-linux-gnu/libblis.so.4 /usr/lib/aarch64-linux-gnu/libblis.so.4 /usr/lib64/libblis.so.4; do
    [ -e "$f" ] && return 0
  done
  return 1
}
if ! blis_present; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq --no-install-recommends libblis4 </dev/null >/dev/null 2>&1; then
      apt-get update -qq </dev/null >/dev/null 2>&1 || true
      apt-get install -y -qq --no-install-recommends libblis4 </dev/null >/dev/null 2>&1 || true
    fi
  fi
  if ! blis_present; then
    echo "install-deps: BLIS (libblis4) is not installed and could not be installed here (needs apt-get as root);" \
      "kernelc picks among the other exact engines" >&2
  fi
fi

dotnet restore "$(dirname "$0")/../KernelCompiler.sln" --verbosity quiet
