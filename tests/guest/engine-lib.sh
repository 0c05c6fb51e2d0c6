# shellcheck shell=sh
# engine-lib.sh - helpers of the engine-*.sh scenarios (sourced after
# tests/guest/lib.sh).  scrubctl is tests/guest/helpers/scrubctl.c.

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

# es_quiet_mount: remount $VS_MNT so that nothing but the scenario sends
# requests: no lazy inode table zeroing (ext4), no background GC (f2fs),
# no atime updates.
es_quiet_mount() {
	case "$VS_FS" in
	ext4) mount -o remount,noinit_itable,noatime "$VS_MNT" ;;
	f2fs) mount -o remount,background_gc=off,noatime "$VS_MNT" ;;
	esac
}

# es_held_file PATH: a 64 MiB verity file whose descriptor and tree are
# cached (a scrub's setup needs no I/O), its windows 2-4 contiguous on
# the device; sets es_p4, es_p8, es_p16 to the device bytes of file
# offsets 4, 8 and 16 MiB (for holding those windows' reads).
es_held_file() {
	vs_verity_file "$1" $((64 * 1048576))
	sync
	cat "$1" > /dev/null
	es_p4=$(vs_phys "$1" $((4 * 1048576)))
	es_p8=$(vs_phys "$1" $((8 * 1048576)))
	es_p16=$(vs_phys "$1" $((16 * 1048576)))
	vs_expect_eq contiguous $((12 * 1048576)) $((es_p16 - es_p4))
}

# es_map_hold FILE LOG PAGES: a mapper process ($es_mapper, helpers/mapper.c)
# maps FILE and touches its PAGES pages, logging to LOG; returns when it
# has (check "touched").
es_map_hold() {
	es_map_log=$2
	rm -f "$2"
	/opt/bin/mapper hold "$1" "$2" &
	es_mapper=$!
	while [ ! -s "$2" ]; do sleep 1; done
	vs_expect_eq touched "touched $3" "$(cat "$2")"
}

# es_map_release TOUCHED ALIVE PAGES: the mapper touches its PAGES pages
# again, with no SIGBUS (check TOUCHED) and is still running (check
# ALIVE); then it is stopped.
es_map_release() {
	_n=$(wc -l < "$es_map_log")
	kill -USR1 $es_mapper
	while [ "$(wc -l < "$es_map_log")" = "$_n" ]; do sleep 1; done
	vs_expect_eq "$1" "ok $3" "$(tail -n 1 "$es_map_log")"
	vs_expect_rc "$2" 0 kill -0 $es_mapper
	kill $es_mapper
	wait $es_mapper || true
}

# es_two_page_file FILE SIZE GOOD: a verity file of SIZE bytes, copied to
# GOOD, on disk and out of the page cache; sets es_p3, es_p200 to the
# device bytes of its pages 3 and 200.
es_two_page_file() {
	vs_verity_file "$1" "$2"
	cp "$1" "$3"
	sync
	es_p3=$(vs_phys "$1" $((3 * 4096)))
	es_p200=$(vs_phys "$1" $((200 * 4096)))
	vs_drop_caches
}

# es_half_cached FILE: FILE read whole, then its page 200 dropped again
# (POSIX_FADV_DONTNEED through dd iflag=nocache).
es_half_cached() {
	cat "$1" > /dev/null
	"$VS_BIN/dd" if="$1" of=/dev/null bs=4096 skip=200 count=1 iflag=nocache status=none
}
