#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the host tests once per build directory given (normal, sanitizers).
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
for dir in "$@"; do
	for prog in "$dir/bin/test_lib" "$dir/bin/test_units" \
		    "$dir/bin/test_repair" \
		    "python3 tests/test_cli.py $dir/bin" \
		    "python3 tests/test_cli_repair.py $dir/bin"; do
		$prog >"$log" 2>&1
		rc=$?
		p=$(grep -c '^PASS: ' "$log")
		f=$(grep -c '^FAIL: ' "$log")
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			echo "FAIL: $prog exited $rc" >>"$log"
			f=1
		fi
		if [ "$f" -ne 0 ] || [ -n "$VERBOSE" ]; then
			cat "$log"
		fi
		echo "$dir: $prog: $p passed, $f failed"
		pass=$((pass + p))
		fail=$((fail + f))
	done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
