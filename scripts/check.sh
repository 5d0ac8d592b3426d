#!/usr/bin/env bash
# Builds and runs every test (lit: FileCheck tests, GoogleTest units, end to
# end), then prints one closing line "check: N passed, N failed".
set -uo pipefail
build=${1:-build}
log=$build/check.log
cmake --build "$build" --target check-imc 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
count() {
  grep -E "^\s+($1)\s*:\s*[0-9]+" "$log" | awk -F: '{ split($2, a, " "); s += a[1] } END { print s + 0 }'
}
passed=$(count 'Passed|Expectedly Failed')
failed=$(count 'Failed|Unresolved|Timed Out|Unexpectedly Passed')
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1 # the build itself failed
echo "check: $passed passed, $failed failed"
exit "$status"
