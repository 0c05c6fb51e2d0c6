# SIGINT and SIGTERM stop verify-file cleanly mid-scrub: exit 32 (ORed with
# what was found so far), a complete JSON document with the partial report.
# The scrubs are rate-limited (--limit 4M: 16 s at least for 64 MiB), so
# the signal, sent a second after start-up, always lands mid-scrub.
# vs-kernels: 6.1 6.12
# vs-fs: ext4
# vs-timeout: 400
. /tests/guest/tool-lib.sh

vs_mkfs
f=$VS_MNT/big
size=$((64 * 1048576))
vs_verity_file "$f" $size
vs_corrupt_file "$f" 100

"$VF" --limit 4M --json "$f" > $VF_OUT 2> /tmp/vf.err &
pid=$!
vs_expect_rc int-started 0 vs_wait_fd $pid /dev/verity-scrub
sleep 1
kill -INT $pid
rc=0
wait $pid || rc=$?
cat $VF_OUT /tmp/vf.err > /dev/console
vs_expect_eq int-rc 33 "$rc"
# one in the file, one in the summary
vs_expect_eq int-interrupted 2 "$(grep -o '"interrupted":true' $VF_OUT | wc -l | tr -d ' ')"
vs_expect_eq int-ranges '[{"offset":0,"length":4096,"kind":"hash_mismatch","cached_good":false}]' "$(vf_ranges)"
cur=$(vf_num resume_offset)
vs_expect_eq int-cursor-inside 1 "$(( cur > 0 && cur < size && cur % 4096 == 0 ))"
vs_expect_eq int-stderr 1 "$(grep -c 'interrupted; reporting what was found so far' /tmp/vf.err)"

# Resuming the rest with --range finishes the job.
vs_expect_rc resume-rc 0 vf_run --json --range "$cur:$((size - cur))" "$f"
vs_expect_eq resume-verified $((size - cur)) "$(vf_num bytes_verified)"

# SIGTERM, human output, nothing found yet past block 0: only bit 32.
vs_corrupt_file "$f" 100		# repaired
"$VF" --limit 4M "$f" > $VF_OUT 2> /tmp/vf.err &
pid=$!
vs_expect_rc term-started 0 vs_wait_fd $pid /dev/verity-scrub
sleep 1
kill -TERM $pid
rc=0
wait $pid || rc=$?
cat $VF_OUT /tmp/vf.err > /dev/console
vs_expect_eq term-rc 32 "$rc"
vs_expect_eq term-line 1 "$(grep -c "^$f: INTERRUPTED (interrupted at offset [0-9]*)$" $VF_OUT)"
