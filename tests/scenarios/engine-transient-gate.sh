# Engine: a read that fails once and then succeeds and verifies is
# TRANSIENT, on both paths, on every bench kernel (engine-transient does
# the same with fail_make_request, which only the 6.12 test kernel has).
# The failure comes from a gate built of device-mapper (vs_gate): the
# sectors of the file's one data block are read through a dm "delay" target
# on top of device vsgate, which fails them (dm "error") until it maps
# them linearly.  Each step waits for an exact state, never for time:
#   1. the scrub's first read of the block is held by the gate (polled:
#      the delay target's count of held reads: one on both paths; the
#      direct path's window is the scrub's only one, read by one bio that
#      is its own parent, with no re-read to wait on, dwin.c);
#   2. reloading VS_DEV's table sends the held reads on to vsgate, which
#      fails them; the module reads the block again (the direct path
#      through the page cache, the page-cache path a read of its own), and
#      that read is held by the gate of the new table (polled: one read);
#   3. vsgate maps the block, then VS_DEV becomes linear: the held read
#      goes on to the disk and verifies.
# Only reads of that block reach the gate: it covers its 8 sectors and
# nothing else (descriptor and tree blocks, metadata lie elsewhere; a
# one-block file has no tree); nothing moves the block (no f2fs GC) and
# nothing writes there.  One block, so that the failed request holds no
# other block (whose blocks would all be TRANSIENT, engine-transient).
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
# vs-timeout: 180
. /tests/guest/engine-lib.sh

vs_mkfs
es_quiet_mount
g=$VS_MNT/one
vs_verity_file "$g" 4096
exec 3< "$g"
sync
pg=$(vs_phys "$g" 0)

for path in 0 4; do	# direct, page cache
	echo 1 > /proc/sys/vm/drop_caches	# the data page comes from disk
	vs_gate "$pg" 4096
	/opt/bin/scrubctl -f $path "$g" > $ES_OUT 2>&1 &
	pid=$!
	vs_expect_rc "gate-$path-first-held" 0 vs_gate_wait 1
	vs_expect_eq "gate-$path-first-reads" 1 "$(vs_held "$VS_DM")"
	vs_gate_fail
	vs_expect_rc "gate-$path-retry-held" 0 vs_gate_wait 1
	vs_expect_eq "gate-$path-retry-reads" 1 "$(vs_held "$VS_DM")"
	vs_expect_eq "gate-$path-in-ioctl" 0 "$(wc -c < $ES_OUT | tr -d ' ')"
	vs_gate_pass
	rc=0
	wait $pid || rc=$?
	cat $ES_OUT > /dev/console
	vs_expect_eq "gate-$path-rc" 0 "$rc"
	vs_expect_eq "gate-$path-range" "RANGE 0 4096 TRANSIENT NONE 0;" "$(es_ranges)"
	vs_expect_eq "gate-$path-retried" 1 "$(es_field retried)"
	vs_expect_eq "gate-$path-verified" 4096 "$(es_field verified)"
	# DIRECT (8) on the direct path only; DESC_FROM_DISK (16); no
	# RANGES_FULL, DESC_UNREADABLE, RETRIES_CUT
	vs_expect_eq "gate-$path-flags" $((path == 0 ? 24 : 16)) \
		"$(( $(es_field flags) & 124 ))"
done
exec 3<&-
