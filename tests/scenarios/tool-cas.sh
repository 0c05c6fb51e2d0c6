# verify-file -r --digest-from-name over a content-addressed store in the
# composefs object layout (objects/XX/YYYY..., named with 'fsverity digest
# --compact') and one flat-named object: every byte is read from disk, a
# misnamed object (renamed to another valid digest) is a digest mismatch,
# a rotten one (a data block damaged on the device) has its exact range,
# the rest are clean.
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
. /tests/guest/tool-lib.sh

vs_mkfs
store=$VS_MNT/store
mkdir -p "$store"/objects "$store"/flat

# cas_name DIGEST: its object path in the store, objects/XX/YYYY...
cas_name() {
	echo "$store/objects/$(echo "$1" | cut -c1-2)/$(echo "$1" | cut -c3-)"
}

# cas_add BYTES [fsverity options]: a new verity object of BYTES random
# bytes, moved to the name its digest gives; prints its digest.
cas_add() {
	_n=$1
	shift
	vs_verity_file "$VS_MNT/new" "$_n" "$@"
	_d=$("$VS_BIN/fsverity" digest --compact "$@" "$VS_MNT/new")
	mkdir -p "$(dirname "$(cas_name "$_d")")"
	mv "$VS_MNT/new" "$(cas_name "$_d")"
	echo "$_d"
}

clean=$(cas_add $((64 * 1024 + 5)))
rotten=$(cas_add $((300 * 1024)))
misnamed=$(cas_add $((20 * 1024)))
big=$(cas_add $((70 * 1024)) --hash-alg=sha512)
vs_verity_file "$VS_MNT/flat.new" $((8 * 1024 + 1))
flat=$("$VS_BIN/fsverity" digest --compact "$VS_MNT/flat.new")
mv "$VS_MNT/flat.new" "$store/flat/$flat"

# misnamed: renamed to the digest of other content (not in the store)
vs_make_file /tmp/other $((20 * 1024))
other=$("$VS_BIN/fsverity" digest --compact /tmp/other)
mkdir -p "$(dirname "$(cas_name "$other")")"
mv "$(cas_name "$misnamed")" "$(cas_name "$other")"
# rotten: a data block damaged on the device, under the filesystem
vs_corrupt_file "$(cas_name "$rotten")" $((3 * 4096 + 7))

vs_expect_eq sha512-name-length 128 "$(printf %s "$big" | wc -c | tr -d ' ')"
{
	echo "$(cas_name "$clean"): OK"
	echo "$(cas_name "$rotten"): BAD: hash_mismatch at offset 12288 length 4096"
	echo "$(cas_name "$other"): BAD: digest sha256:$misnamed, expected sha256:$other"
	echo "$(cas_name "$big"): OK"
	echo "$store/flat/$flat: OK"
} | LC_ALL=C sort > /tmp/cas.want
echo "Scrub summary: 5 files: 3 ok, 2 bad, 0 errors; 0 skipped" >> /tmp/cas.want

vs_expect_rc store-rc 1 vf_run -r --digest-from-name "$store"
vs_expect_eq store-report "$(cat /tmp/cas.want)" "$(head -n 6 $VF_OUT)"
vs_expect_eq store-errors "Error summary: hash_mismatch=1 (blocks)" \
	"$(grep '^Error summary:' $VF_OUT)"

vs_drop_caches
vs_expect_rc json-rc 1 vf_run --json -r --digest-from-name "$store"
vs_expect_eq json-rotten-range '{"offset":12288,"length":4096,"kind":"hash_mismatch","cached_good":false}' \
	"$(grep -o '{"offset":[^}]*}' $VF_OUT)"
vs_expect_eq json-misnamed 1 "$(grep -c "\"digest\":\"sha256:$misnamed\".*\"expected_digest\":\"sha256:$other\",\"digest_matches\":false" $VF_OUT)"
vs_expect_eq json-matches 4 "$(grep -o '"digest_matches":true' $VF_OUT | wc -l | tr -d ' ')"
vs_expect_eq json-from-disk 5 "$(grep -o '"whole_file_from_disk":true' $VF_OUT | wc -l | tr -d ' ')"
vs_expect_eq json-summary '"files":5,"ok":3,"bad":2,"errors":0,"interrupted_files":0,"skipped":0' \
	"$(grep -o '"files":5,"ok":[0-9]*,"bad":[0-9]*,"errors":[0-9]*,"interrupted_files":[0-9]*,"skipped":[0-9]*' $VF_OUT)"

# a stray file whose name is not a digest: exit 8 (and still 1)
vs_verity_file "$store/objects/upload.tmp" 4096
vs_expect_rc stray-rc 9 vf_run -r -q --digest-from-name "$store"
vs_expect_eq stray-line 1 "$(grep -cx "$store/objects/upload.tmp: ERROR: name is not a digest (expected XX/ and 62 or 126 lowercase hex digits, or 64 or 128)" $VF_OUT)"
# --expect-digest with it: usage error, nothing scrubbed
vs_expect_rc exclusive-rc 16 vf_run -r --digest-from-name --expect-digest "sha256:$clean" "$store"
vs_expect_eq exclusive-message "verify-file: --digest-from-name excludes --expect-digest and --expect-digest-file" \
	"$(head -n 1 /tmp/vf.err)"
vs_expect_eq exclusive-stdout empty "$([ -s $VF_OUT ] && echo nonempty || echo empty)"
