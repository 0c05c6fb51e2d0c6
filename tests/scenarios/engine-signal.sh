# Engine: a signal interrupts the scrub with EINTR and a cursor; resuming
# from the cursor finishes the job.  A fatal signal ends it promptly.
# vs-kernels: 6.1 6.12
# vs-fs: ext4
# vs-timeout: 300
. /tests/guest/engine-lib.sh

vs_mkfs
f=$VS_MNT/sig
size=$((128 * 1048576))
vs_verity_file "$f" $size
vs_corrupt_file "$f" $((127 * 1048576))
vs_expect_rc intr-rc 1 es_scrub -T 300 "$f"
vs_expect_eq intr-errno EINTR "$(es_field rc)"
cur=$(es_field start)
echo "interrupted at $cur" > /dev/console
vs_expect_eq cursor-inside 1 "$(( cur > 0 && cur < size && cur % 4096 == 0 ))"
vs_expect_rc resume-rc 0 es_scrub -s "$cur" "$f"
vs_expect_eq resume-done "$size" "$(es_field start)"
vs_expect_eq resume-verified $((size - cur - 4096)) "$(es_field verified)"
vs_expect_eq resume-range "RANGE $((127 * 1048576)) 4096 HASH_MISMATCH NONE 0;" \
	"$(es_ranges)"

# SIGKILL mid-scrub: the process is gone promptly, the module still works.
t0=$(es_now)
/opt/bin/scrubctl "$f" > /dev/null &
pid=$!
sleep 1
kill -9 $pid
wait $pid || true
vs_expect_eq killed-promptly 1 "$(( $(es_now) - t0 < 10 ))"
vs_expect_rc after-kill-rc 0 es_scrub -s $((126 * 1048576)) "$f"
vs_expect_eq after-kill-range "RANGE $((127 * 1048576)) 4096 HASH_MISMATCH NONE 0;" \
	"$(es_ranges)"
