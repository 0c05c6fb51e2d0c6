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
# vf_fresh_file SIZE: $f = $VS_MNT/data, a verity file of SIZE bytes, out
# of the page cache.
vf_fresh_file() {
	f=$VS_MNT/data
	vs_verity_file "$f" "$1"
	vs_drop_caches
}
# vf_expect_clean FILE: a --json scrub of FILE exits 0, status ok, no
# ranges (checks clean-rc, clean-status, clean-ranges).
vf_expect_clean() {
	vs_expect_rc clean-rc 0 vf_run --json "$1"
	vs_expect_eq clean-status ok "$(vf_str status)"
	vs_expect_eq clean-ranges "[]" "$(vf_ranges)"
}
# vf_repair_setup SIZE: $d = $VS_MNT/dir, $f = $d/data, a verity file of
# SIZE bytes; a tmpfs on /mnt/src for the good copy.
vf_repair_setup() {
	d=$VS_MNT/dir
	mkdir -p "$d" /mnt/src
	mount -t tmpfs tmpfs /mnt/src
	f=$d/data
	vs_verity_file "$f" "$1"
}
# vf_sources, vf_new_scrub: the "sources" array and the "new_scrub" object
# of the repair of the last --json run, as printed.
vf_sources() {
	grep -o '"sources":\[[^]]*\]' $VF_OUT
}
vf_new_scrub() {
	grep -o '"new_scrub":{[^}]*}' $VF_OUT
}
# vf_expect_repaired SOURCE BYTES BLOCKS SIZE: the last --json run
# repaired the file from SOURCE alone, BYTES bytes in BLOCKS blocks, and
# the new file of SIZE bytes scrubbed clean (checks repair-status,
# repair-sources, repair-blocks, repair-new-scrub).
vf_expect_repaired() {
	vs_expect_eq repair-status repaired \
		"$(grep -o '"repair":{"status":"[a-z_]*"' $VF_OUT | sed 's/.*:"//; s/"$//')"
	vs_expect_eq repair-sources "\"sources\":[{\"source\":\"$1\",\"bytes\":$2,\"rejected_blocks\":0}]" \
		"$(vf_sources)"
	vs_expect_eq repair-blocks "$3" "$(grep -o '"blocks":[0-9]*' $VF_OUT | sed 's/.*://')"
	vs_expect_eq repair-new-scrub "\"new_scrub\":{\"complete\":true,\"bytes_verified\":$4,\"ranges\":[]}" \
		"$(vf_new_scrub)"
}
# vf_expect_replaced FILE INO DIGEST: FILE is another inode than INO with
# the fs-verity digest DIGEST (checks new-inode, same-digest).
vf_expect_replaced() {
	vs_expect_eq new-inode 1 "$([ "$(stat -c %i "$1")" != "$2" ] && echo 1)"
	vs_expect_eq same-digest "$3" "$("$VS_BIN/fsverity" measure "$1" | cut -d' ' -f1)"
}
# vf_listing DIR: the entries of DIR but . and .., on one line.
vf_listing() {
	ls -a "$1" | grep -v '^\.\.\?$' | tr '\n' ' ' | sed 's/ $//'
}
# vf_expect_rescrub FILE: FILE has the bytes of /mnt/src/data and, read
# from disk, scrubs clean (checks same-bytes, rescrub-rc, rescrub-ranges,
# rescrub-whole-file).
vf_expect_rescrub() {
	vs_drop_caches
	vs_expect_rc same-bytes 0 cmp "$1" /mnt/src/data
	vs_drop_caches
	vs_expect_rc rescrub-rc 0 vf_run --json "$1"
	vs_expect_eq rescrub-ranges "[]" "$(vf_ranges)"
	vs_expect_eq rescrub-whole-file true "$(vf_num whole_file_from_disk)"
}
# vf_repair_field KEY: the first value of KEY in the "repair" object of
# the last --json run, without quotes.
vf_repair_field() {
	grep -o '"repair":{.*' $VF_OUT | grep -o "\"$1\":[^,}]*" | head -n 1 |
		sed 's/^[^:]*://; s/^"//; s/"$//'
}
# vf_raw_sum FILE BLOCKS: md5 of the first BLOCKS 4096-byte blocks of FILE
# as they are on the device (each block where it is mapped now).
vf_raw_sum() {
	vs_drop_caches
	_i=0
	while [ $_i -lt "$2" ]; do
		_p=$(vs_phys "$1" $((_i * 4096)))
		"$VS_BIN/dd" if="$VS_DEV" bs=4096 skip=$((_p / 4096)) count=1 \
			iflag=direct status=none
		_i=$((_i + 1))
	done | md5sum | cut -d' ' -f1
}
