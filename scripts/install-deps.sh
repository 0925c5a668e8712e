#!/usr/bin/env bash
# Installs what the build and tests need beyond the .NET SDK. Idempotent; safe to run on every test run.
set -euo pipefail
if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-deps: the .NET 10 SDK is required (dotnet not found on PATH)" >&2
  exit 1
fi
dotnet restore "$(dirname "$0")/../KernelCompiler.sln" --verbosity quiet
