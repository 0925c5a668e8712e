#!/usr/bin/env bash
# The README's test command: installs what the tests need, runs every test project in Release and ends with
# the line "N passed, N failed" summed from the test results themselves (TRX files), not from console text.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh || exit $?
rm -rf TestResults
dotnet test KernelCompiler.sln -c Release --logger "trx" --results-directory TestResults "$@"
status=$?
passed=0; failed=0; skipped=0; files=0
for trx in TestResults/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed)))
  total=$(get total); executed=$(get executed)
  skipped=$((skipped + total - executed))
done
if [ "$files" -eq 0 ] && [ "$status" -ne 0 ]; then
  echo "build failed: no test ran"
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
