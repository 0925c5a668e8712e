#!/usr/bin/env bash
# Re-runs the snapshot tests of every test project and approves what they generate: the Snapshots/*.verified.cs
# files (and the kernels/models/random-*.lut.json generator fixtures) are rewritten. Review with `git diff` before
# committing.
set -euo pipefail
cd "$(dirname "$0")/.."
KERNELCOMPILER_ACCEPT_SNAPSHOTS=1 dotnet test KernelCompiler.sln --filter "FullyQualifiedName~Snapshot|FullyQualifiedName~Fixture" "$@"
