#!/usr/bin/env bash
# Records the library's public surface in src/KernelCompiler/PublicAPI.Unshipped.txt (Microsoft.CodeAnalysis.
# PublicApiAnalyzers): run it after adding or changing a public member, and review the diff like code. A build fails
# on a public change not recorded there (RS0016: a new symbol, RS0017: a removed one). The script builds, takes the
# symbols those two diagnostics name, adds or removes their lines, and builds again. At a release, move the lines to
# PublicAPI.Shipped.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
project=src/KernelCompiler/KernelCompiler.csproj
unshipped=src/KernelCompiler/PublicAPI.Unshipped.txt
for attempt in 1 2 3; do
  log=$(dotnet build "$project" -c Release --nologo -v q --no-incremental -p:TreatWarningsAsErrors=false 2>&1 || true)
  added=$(grep -oE "(error|warning) RS0016: Symbol '.*' is not part of the declared public API" <<<"$log" |
    sed -E "s/^(error|warning) RS0016: Symbol '(.*)' is not part of the declared public API$/\2/" | sort -u || true)
  removed=$(grep -oE "(error|warning) RS0017: Symbol '.*' is part of the declared API, but is either not public or could not be found" <<<"$log" |
    sed -E "s/^(error|warning) RS0017: Symbol '(.*)' is part of the declared API.*/\2/" | sort -u || true)
  if [ -z "$added" ] && [ -z "$removed" ]; then
    if grep -q ": error " <<<"$log"; then grep ": error " <<<"$log" | sort -u >&2; exit 1; fi
    echo "public API up to date ($(($(wc -l < "$unshipped") - 1)) unshipped lines)"
    exit 0
  fi
  { head -n 1 "$unshipped"; { tail -n +2 "$unshipped" | grep -vxF -f <(printf '%s\n' "$removed") || true; printf '%s\n' "$added"; } |
      grep -v '^$' | LC_ALL=C sort -u; } > "$unshipped.new"
  mv "$unshipped.new" "$unshipped"
done
echo "public API still changing after 3 rounds" >&2
exit 1
