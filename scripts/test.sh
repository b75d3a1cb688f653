#!/bin/bash
# Every test: install what is missing, build with warnings as errors, run the
# whole ctest suite (unit + end-to-end), then again under ASan + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
"$ROOT/scripts/deps.sh"
echo "== build (warnings are errors)"
BUILD_DIR=build-test BUILD_TYPE=Debug "$ROOT/scripts/build.sh"
echo "== tests"
(cd build-test && ctest --output-on-failure -j2)
echo "== build with AddressSanitizer + UndefinedBehaviorSanitizer"
BUILD_DIR=build-asan BUILD_TYPE=Debug "$ROOT/scripts/build.sh" -DRS_SANITIZE=ON
echo "== tests under ASan + UBSan"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure -j2)
