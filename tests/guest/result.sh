# shellcheck shell=sh
# result.sh - the one result line of every test script (sourced by the
# guest scenarios through lib.sh, and by the host's tests/install/run.sh,
# tests/fresh/check-fresh.sh and tests/harness/lint.sh).  Each check prints
# exactly one line, which tests/harness/vsbenchlib.py (parse_result()) counts:
#   VS-RESULT PASS|FAIL <unit>[<where>] <check> [-- <reason>]
# <unit>[<where>] is one word: a scenario and its filesystem in a guest
# (repair-attrs[ext4]), a host script and where it ran (install[host]).

# vs_result PASS|FAIL UNIT[WHERE] CHECK [REASON]: print the line on stdout.
vs_result() {
	if [ "$1" = FAIL ]; then
		echo "VS-RESULT FAIL $2 $3 -- ${4:-}"
	else
		echo "VS-RESULT PASS $2 $3"
	fi
}
