# shellcheck shell=sh
# engine-lib.sh - helpers of the engine-*.sh scenarios (sourced after
# tests/lib/guest-lib.sh).  scrubctl is tests/scenarios/helpers/scrubctl.c.

ES_OUT=/tmp/es-scrub.out

# es_scrub [scrubctl options] FILE: run a scrub; output in $ES_OUT; returns
# scrubctl's status.
es_scrub() {
	_rc=0
	/opt/bin/scrubctl "$@" > $ES_OUT 2>&1 || _rc=$?
	cat $ES_OUT > /dev/console
	return $_rc
}

# es_ranges: the RANGE lines of the last scrub, separated by ';'.
es_ranges() {
	grep '^RANGE' $ES_OUT | tr '\n' ';'
}

# es_field NAME: a field of the last scrub's DONE line.
es_field() {
	grep '^DONE' $ES_OUT | tail -n 1 | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# es_size FILE
es_size() {
	stat -c %s "$1"
}

# es_digest FILE: the hex digest `fsverity measure` reports.
es_digest() {
	"$VS_BIN/fsverity" measure "$1" | sed 's/^[a-z0-9]*:\([0-9a-f]*\) .*/\1/'
}

# es_meta_read FILE: bytes a clean full scrub reads raw besides the data:
# each Merkle tree block once, and the filesystem block of the descriptor.
es_meta_read() {
	echo $(( $("$VS_BIN/fsverity" dump_metadata merkle_tree "$1" | wc -c) + 4096 ))
}

# es_now: seconds since boot.
es_now() {
	cut -d. -f1 /proc/uptime
}

# es_now_cs: centiseconds since boot.
es_now_cs() {
	tr -d . < /proc/uptime | cut -d' ' -f1
}
