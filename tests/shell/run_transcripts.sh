#!/bin/sh
# run_transcripts.sh ROOMSYS DIR - run every DIR/*.ps1 through the roomsys shell
# (no server: ROOMSYS_SERVER points at a closed port) and compare standard
# output with NAME.out, the error stream with NAME.err and the exit status with
# NAME.rc (default 0). Standard input is NAME.in when it exists (answers to
# Read-Host and Confirm prompts), else empty. Scripts run in DIR (data files
# such as rooms.csv are read from there); files they write go to $env:TESTDIR,
# a fresh folder per script, whose path shows as <TESTDIR> in the compared
# output. Prints "N passed, N failed" and exits 1 on any failure.
roomsys=$1
dir=$2
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$dir" || exit 2
for script in *.ps1; do
    name=${script%.ps1}
    input=/dev/null
    [ -f "$name.in" ] && input="$name.in"
    rm -rf "$tmp/files" && mkdir "$tmp/files"
    TESTDIR="$tmp/files" ROOMSYS_SERVER=https://127.0.0.1:9 ROOMSYS_USER= ROOMSYS_PASSWORD_FILE= \
        ROOMSYS_SLEEP_SCALE=0 "$roomsys" "$script" <"$input" >"$tmp/raw.out" 2>"$tmp/raw.err"
    rc=$?
    sed "s|$tmp/files|<TESTDIR>|g" "$tmp/raw.out" >"$tmp/out"
    sed "s|$tmp/files|<TESTDIR>|g" "$tmp/raw.err" >"$tmp/err"
    want_rc=0
    [ -f "$name.rc" ] && want_rc=$(cat "$name.rc")
    ok=1
    if ! cmp -s "$tmp/out" "$name.out"; then
        echo "FAIL $name: standard output differs:"
        diff -u "$name.out" "$tmp/out" | head -40
        ok=0
    fi
    want_err=/dev/null
    [ -f "$name.err" ] && want_err="$name.err"
    if ! cmp -s "$tmp/err" "$want_err"; then
        echo "FAIL $name: error stream differs:"
        diff -u "$want_err" "$tmp/err" | head -40
        ok=0
    fi
    if [ "$rc" != "$want_rc" ]; then
        echo "FAIL $name: exit status $rc, expected $want_rc"
        ok=0
    fi
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
