#!/bin/bash
# Every test: install what is missing, build with warnings as errors, run the
# whole ctest suite (unit + end-to-end), then again under ASan + UBSan, then
# (when clang is installed) each libFuzzer target for 20 s from its corpus.
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
echo "== fuzz targets, 20 s each (clang + libFuzzer)"
if command -v clang >/dev/null 2>&1; then
    CC=clang cmake -S . -B build-fuzz -DRS_WERROR=ON -DCMAKE_BUILD_TYPE=Debug -DRS_FUZZ=ON >/dev/null
    cmake --build build-fuzz -j"$(nproc)" --target fuzz_sip_parse fuzz_shell_parse fuzz_ical_parse fuzz_api_parse
    for t in sip_parse shell_parse ical_parse api_parse; do
        dict="$ROOT/tests/fuzz/${t%_parse}.dict"
        new=$(mktemp -d) # new inputs go here; the committed corpus is only read
        seeds="" # the shell's seeds are its transcripts and examples, as they are
        [ "$t" = shell_parse ] && seeds="$ROOT/tests/shell $ROOT/examples"
        if ! "build-fuzz/tests/fuzz/fuzz_$t" -max_total_time=20 -timeout=10 -rss_limit_mb=2048 \
            -dict="$dict" -artifact_prefix="build-fuzz/crash-$t-" \
            "$new" "$ROOT/tests/fuzz/corpus/$t" $seeds >"build-fuzz/fuzz_$t.log" 2>&1; then
            tail -n 40 "build-fuzz/fuzz_$t.log"
            echo "fuzz_$t failed: the input is in build-fuzz/crash-$t-*" >&2
            exit 1
        fi
        grep -E '^Done [0-9]+ runs' "build-fuzz/fuzz_$t.log" | sed "s/^/fuzz_$t: /"
        rm -rf "$new"
    done
else
    echo "clang not found: fuzz targets skipped (their corpora replay under RS_FUZZ=ON)"
fi
