# Engine: two scrubs of the same file at once, racing readers, and rmmod
# while a scrub runs (EBUSY) are all safe.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
# vs-timeout: 300
. /tests/guest/engine-lib.sh

vs_mkfs
f=$VS_MNT/conc
size=$((48 * 1048576))
vs_verity_file "$f" $size
vs_corrupt_file "$f" $((100 * 4096))
vs_corrupt_file "$f" $((9000 * 4096))
want="RANGE 409600 4096 HASH_MISMATCH NONE 0;RANGE 36864000 4096 HASH_MISMATCH NONE 0;"

( i=0; while [ $i -lt 20 ]; do
	"$VS_BIN/dd" if="$f" of=/dev/null bs=65536 skip=$((i * 7)) count=5 status=none || true
	i=$((i + 1))
done ) &
r=$!
/opt/bin/scrubctl "$f" > /tmp/es-a &
a=$!
/opt/bin/scrubctl "$f" > /tmp/es-b &
b=$!
wait $a
wait $b
wait $r || true
cat /tmp/es-a /tmp/es-b > /dev/console
vs_expect_eq first-scrub "$want" "$(grep '^RANGE' /tmp/es-a | tr '\n' ';')"
vs_expect_eq second-scrub "$want" "$(grep '^RANGE' /tmp/es-b | tr '\n' ';')"

# rmmod while the device is open, and while a scrub runs: EBUSY.
exec 3< /dev/verity-scrub
vs_expect_rc rmmod-open-busy 1 rmmod verity_scrub
exec 3<&-
# A scrub in progress: verify-file --limit 4M needs 12 s at least for the
# 48 MiB, so the rmmod below always lands while it runs.
/opt/bin/verify-file --limit 4M --json "$f" > /tmp/es-c 2>&1 &
c=$!
vs_expect_rc scrub-started 0 vs_wait_fd $c /dev/verity-scrub
vs_expect_rc rmmod-busy-scrub 1 rmmod verity_scrub
rc=0
wait $c || rc=$?
vs_expect_eq scrub-survived-rc 1 "$rc"		# 1: bad ranges found
vs_expect_eq scrub-survived 2 "$(grep -o '"kind":"hash_mismatch"' /tmp/es-c | wc -l | tr -d ' ')"
vs_expect_rc rmmod-idle 0 vs_unload_module
vs_expect_rc reload 0 vs_load_module
