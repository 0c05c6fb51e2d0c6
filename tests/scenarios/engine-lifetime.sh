# Engine: no completion of the module's I/O runs after the module is gone.
# A scrub whose direct-path reads are held by dm "delay" targets stays in
# the ioctl (the module cannot be removed) until those reads complete,
# however the walk ended: killed (kill -9), interrupted by a signal the
# process handles (-EINTR: scrubctl -I, verify-file's SIGINT), or stopped
# by a full range array.  Once the reads are let go the scrub ends, rmmod
# succeeds and nothing of the module runs after it.
# vs-kernels: 6.1 6.12
# vs-fs: ext4
# vs-timeout: 420
. /tests/guest/engine-lib.sh
. /tests/guest/tool-lib.sh

vs_mkfs
f=$VS_MNT/life
size=$((64 * 1048576))
es_held_file "$f"
p4=$es_p4 p8=$es_p8 p16=$es_p16

# ---- kill -9 -----------------------------------------------------------
# Reads of the second to fourth 4 MiB windows wait ten minutes (writes
# there, none expected, would not).
s=$((p4 / 512)) n=$(((p16 - p4) / 512))
vs_dm_route "$s $n delay $VS_BASE $s 600000 $VS_BASE $s 0"

/opt/bin/scrubctl "$f" > /tmp/es-life 2>&1 &
pid=$!
# Held reads of the scrub: the three slow windows were submitted.
held=0
vs_wait_held "$VS_DM" 3 || true
held=$(vs_held "$VS_DM")
vs_expect_eq reads-held 1 "$([ "$held" -ge 3 ] && echo 1 || echo 0)"
kill -9 $pid
vs_expect_rc rmmod-while-reads-held 1 rmmod verity_scrub
vs_expect_eq scrub-still-in-ioctl 1 "$([ -d /proc/$pid ] && echo 1 || echo 0)"
vs_dm_restore		# the held reads complete now
wait $pid || true
vs_expect_rc rmmod-after 0 vs_unload_module
vs_expect_eq module-gone 0 "$(grep -c '^verity_scrub ' /proc/modules || true)"
# Anything of the module still running would fault in its freed text now.
cat "$f" > /dev/null
vs_expect_rc reload 0 vs_load_module
vs_expect_rc scrub-after 0 es_scrub "$f"
vs_expect_eq scrub-after-clean "" "$(es_ranges)"

# ---- the walk ends while reads are in flight ----------------------------
# Three hold devices: window 1 (vsw1), the first block of window 2 (vsw2a)
# and the rest of windows 2 and 3 (vsw2b).  The direct path submits its
# four windows at once, then waits for window 1 before it settles window 0
# (the signal and the range array are looked at only then): while vsw1
# holds, the walk cannot end, whatever was sent to it.  Once vsw1 lets go,
# window 0 is settled and the walk ends (EINTR, array full); the scrub then
# waits for every window it started, window 2 first: that wait submits
# the window's parent bio, a re-read of its first block (dwin.c), so vsw2a
# holding 2 reads (the first bio's first block, the parent) is exactly
# "the walk is over, the scrub waits for its reads".  Each hold lasts a
# few seconds (the hung-task detector fires at 30 s).

# el_blocked PID: number of PID's threads in uninterruptible sleep (D).
el_blocked() {
	for _st in /proc/"$1"/task/*/stat; do
		sed 's/.*) //' "$_st" 2>/dev/null | cut -d' ' -f1
	done | grep -c '^D' || true
}

# el_wait_blocked PID: poll until a thread of PID is in D (60 s at most).
el_wait_blocked() {
	_i=0
	while [ "$(el_blocked "$1")" -eq 0 ]; do
		_i=$((_i + 1))
		[ $_i -le 300 ] || return 1
		sleep 0.2
	done
}

# el_wait_teardown PID: poll until vsw2a holds the parent bio too (0), or
# PID has exited (1), 60 s at most.
el_wait_teardown() {
	_i=0
	while [ "$(vs_held vsw2a)" -lt 2 ]; do
		case "$(sed 's/.*) //' /proc/"$1"/stat 2>/dev/null | cut -d' ' -f1)" in
		''|Z) return 1 ;;
		esac
		_i=$((_i + 1))
		[ $_i -le 300 ] || return 1
		sleep 0.2
	done
}

# el_staged NAME OUT ACTION CMD...: run CMD (stdout in OUT) while windows
# 1-3 are held; ACTION runs once the walk is held at window 1.  Checks the
# scrub is in the ioctl and the module busy both while the walk is held
# and after it ended; then lets the reads go.  CMD's status in el_rc.
el_staged() {
	el_name=$1 el_out=$2 el_act=$3
	shift 3
	vs_dm_route "$(vs_hold vsw1 "$p4" $((p8 - p4)))
$(vs_hold vsw2a "$p8" 4096)
$(vs_hold vsw2b $((p8 + 4096)) $((p16 - p8 - 4096)))"
	"$@" > "$el_out" 2> /tmp/el.err &
	el_pid=$!
	vs_expect_rc "$el_name-walk-held" 0 vs_wait_held vsw1 1
	vs_expect_rc "$el_name-walk-blocked" 0 el_wait_blocked $el_pid
	$el_act
	vs_expect_rc "$el_name-rmmod-walk-held" 1 rmmod verity_scrub
	vs_release vsw1
	vs_expect_rc "$el_name-teardown-waits" 0 el_wait_teardown $el_pid
	vs_expect_eq "$el_name-teardown-in-ioctl" "1 0" \
		"$(el_blocked $el_pid) $(wc -c < "$el_out" | tr -d ' ')"
	vs_expect_rc "$el_name-rmmod-teardown-held" 1 rmmod verity_scrub
	vs_release vsw2a
	vs_release vsw2b
	el_rc=0
	wait $el_pid || el_rc=$?
	cat "$el_out" /tmp/el.err > /dev/console
	vs_dm_restore
	vs_expect_rc "$el_name-rmmod-after" 0 vs_unload_module
	cat "$f" > /dev/null 2>&1 || true	# faults if module code still ran
	vs_load_module
}

# (a) SIGUSR1, handled (scrubctl -I): the ioctl returns EINTR at the
# cursor after window 0, the process lives on and reports it.
el_usr1() {
	kill -USR1 $el_pid
	vs_expect_rc usr1-pending 0 vs_wait_sig $el_pid 10
}
el_staged usr1 $ES_OUT el_usr1 /opt/bin/scrubctl -I "$f"
vs_expect_eq usr1-exit 1 "$el_rc"
vs_expect_eq usr1-done "rc=EINTR start=4194304 count=0 verified=4194304" \
	"$(grep '^DONE' $ES_OUT | cut -d' ' -f2-4,6)"
vs_expect_eq usr1-direct 8 "$(( $(es_field flags) & 12 ))"

# (a) SIGINT to verify-file: its main thread forwards SIGUSR1 to the worker
# in the ioctl (pending while the walk is held), which stops at the cursor.
el_int() {
	kill -INT $el_pid
	vs_expect_rc vf-int-forwarded 0 vs_wait_sig $el_pid 10
}
el_staged vf-int $VF_OUT el_int "$VF" --json "$f"
vs_expect_eq vf-int-exit 32 "$el_rc"
vs_expect_eq vf-int-interrupted 2 \
	"$(grep -o '"interrupted":true' $VF_OUT | wc -l | tr -d ' ')"
vs_expect_eq vf-int-resume 4194304 "$(vf_num resume_offset)"
vs_expect_eq vf-int-verified 4194304 "$(vf_num bytes_verified)"
vs_expect_eq vf-int-ranges '[]' "$(vf_ranges)"

# (b) A full range array: capacity 1 and three bad blocks in window 0.  The
# first is emitted when the second opens a range; the third would close
# the second, which no longer fits: the walk stops there (with two bad
# blocks the array would fill only at the end of the file, all reads
# done), the cursor goes back to the second block.
for o in 4096 12288 20480; do
	vs_corrupt_dev $(($(vs_phys "$f" $o) + 100))
done
vs_drop_caches
el_staged full $ES_OUT : /opt/bin/scrubctl -c 1 "$f"
vs_expect_eq full-exit 0 "$el_rc"
vs_expect_eq full-done "rc=0 start=12288 count=1 verified=8192 retried=1" \
	"$(grep '^DONE' $ES_OUT | cut -d' ' -f2-4,6,8)"
vs_expect_eq full-flags 12 "$(( $(es_field flags) & 12 ))"
vs_expect_eq full-range "RANGE 4096 4096 HASH_MISMATCH NONE 0;" "$(es_ranges)"
