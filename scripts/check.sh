#!/usr/bin/env bash
# Builds and runs every test: the lit suite (FileCheck tests, GoogleTest
# units, end to end) and the Python package's pytest suite; then prints one
# closing line "check: N passed, N failed" over both.
set -uo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
log=$build/check.log
cmake --build "$build" --target check-imc 2>&1 | tee "$log"
lit_status=${PIPESTATUS[0]}
count() {
  grep -E "^\s+($1)\s*:\s*[0-9]+" "$log" | awk -F: '{ split($2, a, " "); s += a[1] } END { print s + 0 }'
}
passed=$(count 'Passed|Expectedly Failed')
failed=$(count 'Failed|Unresolved|Timed Out|Unexpectedly Passed')
[ "$lit_status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1 # the build failed

# The Python package, with Debian's interpreter (torch, numpy, onnx); in a
# sanitizer build (make check-sanitize) with the ASan runtime preloaded.
pylog=$build/pytest.log
preload=$(sed -n 's/^IMC_PYTHON_PRELOAD:INTERNAL=//p' "$build/CMakeCache.txt")
pyenv=()
[ -n "$preload" ] && pyenv=(LD_PRELOAD="$preload" ASAN_OPTIONS=detect_leaks=0:allow_user_poisoning=0)
env "${pyenv[@]}" IMC_BUILD_DIR=$(cd "$build" && pwd) /usr/bin/python3 -m pytest -q \
  -p no:cacheprovider "$root/test/python" 2>&1 | tee "$pylog"
py_status=${PIPESTATUS[0]}
py_passed=$(grep -oE '[0-9]+ passed' "$pylog" | tail -1 | awk '{ print $1 + 0 }')
py_failed=$(grep -oE '[0-9]+ (failed|error)' "$pylog" | awk '{ s += $1 } END { print s + 0 }')
[ "$py_status" -ne 0 ] && [ "${py_failed:-0}" -eq 0 ] && py_failed=1
passed=$((passed + ${py_passed:-0}))
failed=$((failed + py_failed))

echo "check: $passed passed, $failed failed"
[ "$lit_status" -eq 0 ] && [ "$py_status" -eq 0 ]
