#!/usr/bin/env bash
# The README's test command: installs what the tests need, runs every test project in Release and ends with
# one "not run: ..." line per reason a test was skipped (e.g. a data set absent from this machine), then the line
# "N passed, N failed, N skipped", summed from the test results themselves (TRX files), not from console text.
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
# What did not run and why: one line per reason, with the test classes it covers (from the skip messages in the TRX
# files). Tests over the large real data sets (not shipped; KERNELCOMPILER_DATA names their folder) skip where
# they are absent; CI has them.
for trx in TestResults/*.trx; do
  [ -e "$trx" ] || continue
  tr -d '\r\n' < "$trx" | sed 's/<UnitTestResult /\n<UnitTestResult /g' | grep 'outcome="NotExecuted"' |
    sed -n 's/.*testName="\([^"(]*\)\.[^."(]*[("].*<Message>\([^<]*\)<\/Message>.*/\2|\1/p'
done | sort | awk -F'|' '
  { n[$1]++; cls = $2; sub(/.*\./, "", cls); if (index(seen[$1], " " cls ",") == 0) { seen[$1] = seen[$1] " " cls ","; list[$1] = list[$1] (list[$1] == "" ? "" : ", ") cls } }
  END { for (r in n) printf "not run: %d test%s (%s): %s\n", n[r], n[r] == 1 ? "" : "s", list[r], r }'
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
