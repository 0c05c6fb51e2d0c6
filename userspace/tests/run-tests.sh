#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the host tests once per build directory given (normal, sanitizers),
# then, once: the documentation tests (tests/test_docs.py), the ABI check of
# the first build's libverityscrub.so.0 (abi/check.sh) and the
# packaging-flags build (tests/check-buildflags.sh).
# Every test case prints "PASS: name" or "FAIL: name"; a test program that
# exits non-zero without saying which case failed (a crash, a sanitizer
# report) counts as one more failure.  Last line: "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
pass=0
fail=0
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=98
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# run LABEL COMMAND...: run one test program and count its cases.
run() {
	label=$1
	shift
	"$@" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^PASS: ' "$log")
	f=$(grep -c '^FAIL: ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $* exited $rc" >>"$log"
		f=1
	fi
	if [ "$f" -ne 0 ] || [ -n "$VERBOSE" ]; then
		cat "$log"
	fi
	echo "$label: $*: $p passed, $f failed"
	pass=$((pass + p))
	fail=$((fail + f))
}

for dir in "$@"; do
	run "$dir" "$dir/bin/test_lib"
	run "$dir" "$dir/bin/test_units"
	run "$dir" "$dir/bin/test_repair"
	run "$dir" python3 tests/test_cli.py "$dir/bin"
	run "$dir" python3 tests/test_cli_repair.py "$dir/bin"
	run "$dir" python3 tests/test_cli_observe.py "$dir/bin"
	run "$dir" python3 tests/test_cli_state.py "$dir/bin"
done
# Once, with the first build: the man pages (make's .obj/man, whatever the
# build) and the bash completion against that build's --help.
run docs python3 tests/test_docs.py "$1/bin" .obj/man \
	../packaging/bash-completion/verify-file
run abi abi/check.sh "$1"
run buildflags tests/check-buildflags.sh
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
