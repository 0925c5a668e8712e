#!/usr/bin/env bash
# Re-runs the snapshot tests and approves what they generate: the Snapshots/*.verified.cs files are rewritten.
# Review the result with `git diff` before committing it.
set -euo pipefail
cd "$(dirname "$0")"
KERNELCOMPILER_ACCEPT_SNAPSHOTS=1 dotnet test --filter "FullyQualifiedName~Snapshot|FullyQualifiedName~Fixture" "$@"
