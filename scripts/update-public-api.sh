#!/usr/bin/env bash
# Records the library's public surface in src/KernelCompiler/PublicAPI.Unshipped.txt (Microsoft.CodeAnalysis.
# PublicApiAnalyzers): run it after adding or changing a public member, and review the diff like code. A build fails
# on a public change not recorded there (RS0016/RS0017). At a release, move the lines to PublicAPI.Shipped.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet format analyzers src/KernelCompiler/KernelCompiler.csproj --diagnostics RS0016 RS0017 RS0037 --severity info -v q
dotnet build src/KernelCompiler/KernelCompiler.csproj -c Release --nologo -v q
