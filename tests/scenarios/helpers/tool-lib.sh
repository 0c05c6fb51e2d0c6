# shellcheck shell=sh
# tool-lib.sh - helpers for the verify-file scenarios (sourced after
# guest-lib.sh): run verify-file and pick values out of its --json output.
VF=/opt/bin/verify-file
VF_OUT=/tmp/vf.out
# vf_run ARGS...: run verify-file; stdout in $VF_OUT, both streams on the
# console; returns verify-file's exit status.
vf_run() {
	_rc=0
	"$VF" "$@" > $VF_OUT 2> /tmp/vf.err || _rc=$?
	cat $VF_OUT /tmp/vf.err > /dev/console
	return $_rc
}
# vf_ranges: the "ranges" array of the first file of the last --json run.
vf_ranges() {
	grep -o '"ranges":\[[^]]*\]' $VF_OUT | head -n 1 | sed 's/^"ranges"://'
}
# vf_str KEY, vf_num KEY: the first value of KEY in the last --json run.
vf_str() {
	grep -o "\"$1\":\"[^\"]*\"" $VF_OUT | head -n 1 | sed 's/^[^:]*:"//; s/"$//'
}
vf_num() {
	grep -o "\"$1\":[0-9a-z.]*" $VF_OUT | head -n 1 | sed 's/^[^:]*://'
}
# vf_sum KEY: a value of the summary of the last --json run.
vf_sum() {
	grep -o '"summary":{.*' $VF_OUT | grep -o "\"$1\":[0-9a-z.]*" |
		head -n 1 | sed 's/^[^:]*://'
}
