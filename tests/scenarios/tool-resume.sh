# --state and --max-time with the real module: a three-file tree, a run
# stopped at its time budget inside the second file, the next run resumes
# there (exactly: its offset is the one saved, it verifies exactly the rest
# of the file and the third file, not the first again), and the findings of
# the two runs are those of one uninterrupted run.  The rate is limited
# (--limit 2M: 4 s per 8 MiB file) so that a 6 s budget ends in file 2
# whatever the speed of the guest (checked, not assumed).
# vs-kernels: 6.1 6.12
# vs-fs: ext4
# vs-timeout: 500
. /tests/guest/tool-lib.sh

# vf_file NAME: the JSON object of file NAME in the last --json run.
vf_file() {
	sed 's/},{"path"/}\
{"path"/g' $VF_OUT | grep "\"path\":\"[^\"]*/$1\""
}
# vf_file_num NAME KEY: a number of that file.
vf_file_num() {
	vf_file "$1" | grep -o "\"$2\":[0-9a-z]*" | head -n 1 | sed 's/^[^:]*://'
}
# vf_file_ranges NAME: its ranges array.
vf_file_ranges() {
	vf_file "$1" | grep -o '"ranges":\[[^]]*\]' | head -n 1 |
		sed 's/^"ranges"://'
}

vs_mkfs
t=$VS_MNT/tree
mkdir -p $t
size=$((8 * 1048576))
last=$((size - 4096))
for n in 1 2 3; do
	vs_verity_file $t/f$n $size
done
vs_corrupt_file $t/f2 100		# block 0: before the stop
vs_corrupt_file $t/f2 $((last + 100))	# the last block: after it
st=/tmp/vs-state.json

# Run 1: stopped by its budget.
vs_expect_rc run1-rc 33 vf_run -r --limit 2M --max-time 6 --state $st \
	--json $t
cur=$(vf_file_num f2 resume_offset)
vs_expect_eq run1-f1 ok "$(vf_file f1 | grep -o '"status":"[a-z]*"' | sed 's/.*:"//; s/"//')"
vs_expect_eq run1-f1-verified $size "$(vf_file_num f1 bytes_verified)"
vs_expect_eq run1-stop-in-f2 1 "$(( cur > 0 && cur < last && cur % 4096 == 0 ))"
vs_expect_eq run1-f2-verified $((cur - 4096)) "$(vf_file_num f2 bytes_verified)"
vs_expect_eq run1-f3-not-begun '' "$(vf_file f3)"
vs_expect_eq run1-budget true "$(vf_sum max_time_reached)"
vs_expect_eq run1-stderr 1 "$(grep -c "the next run resumes at $t/f2 offset $cur\$" /tmp/vf.err)"
r1=$(vf_file_ranges f2)
vs_expect_eq run1-f2-ranges '[{"offset":0,"length":4096,"kind":"hash_mismatch","cached_good":false}]' "$r1"

vs_expect_rc status1-rc 0 vf_run --status --state $st
vs_expect_eq status1-resume 1 "$(grep -c "^Resumes at: $t/f2 offset $cur\$" $VF_OUT)"
vs_expect_eq status1-progress 1 "$(grep -c "^Progress:   1 of 3 files, $((size + cur)) of $((3 * size)) bytes" $VF_OUT)"

# Run 2: from the saved offset to the end of the pass.
vs_expect_rc run2-rc 1 vf_run -r --state $st --json $t
vs_expect_eq run2-f1-skipped '' "$(vf_file f1)"
vs_expect_eq run2-resumed-files 1 "$(vf_sum resumed_files)"
vs_expect_eq run2-f2-from $cur "$(vf_file_num f2 resumed_from)"
vs_expect_eq run2-f2-verified $((size - cur - 4096)) "$(vf_file_num f2 bytes_verified)"
vs_expect_eq run2-f3-verified $size "$(vf_file_num f3 bytes_verified)"
r2=$(vf_file_ranges f2)
vs_expect_eq run2-f2-ranges "[{\"offset\":$last,\"length\":4096,\"kind\":\"hash_mismatch\",\"cached_good\":false}]" "$r2"
vs_expect_rc status2-rc 0 vf_run --status --state $st
vs_expect_eq status2-complete 1 "$(grep -c '^Pass: .* 2 runs, complete' $VF_OUT)"
vs_expect_eq status2-findings 2 "$(grep -c "^  $t/f2: hash_mismatch at offset \(0\|$last\) length 4096\$" $VF_OUT)"

# One uninterrupted run finds the same, in the same file.
vs_expect_rc whole-rc 1 vf_run -r --json $t
vs_expect_eq whole-ranges "[{\"offset\":0,\"length\":4096,\"kind\":\"hash_mismatch\",\"cached_good\":false},{\"offset\":$last,\"length\":4096,\"kind\":\"hash_mismatch\",\"cached_good\":false}]" "$(vf_file_ranges f2)"
vs_expect_eq summed-ranges "$(vf_file_ranges f2)" "$(echo "$r1,$r2" | sed 's/\],\[/,/')"

# A complete pass: the next run with the state begins a new one.
vs_expect_rc run3-rc 1 vf_run -r --state $st --json $t
vs_expect_eq run3-new-pass "$size $size" "$(vf_file_num f1 bytes_verified) $(vf_file_num f3 bytes_verified)"
