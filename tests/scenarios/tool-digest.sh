# --expect-digest and --expect-digest-file (the output of 'fsverity digest'):
# a match exits 0, a mismatch is corruption (exit 1, status bad).
# vs-kernels: 6.1 6.12
# vs-fs: ext4 f2fs
. /tests/guest/tool-lib.sh

vs_mkfs
f=$VS_MNT/d256
g=$VS_MNT/d512
vs_verity_file "$f" $((300 * 1024 + 5))
vs_verity_file "$g" $((70 * 1024)) --hash-alg=sha512
d=$("$VS_BIN/fsverity" measure "$f" | cut -d' ' -f1)

vs_expect_rc match-rc 0 vf_run --json --expect-digest "$d" "$f"
vs_expect_eq match true "$(vf_num digest_matches)"
vs_expect_eq match-status ok "$(vf_str status)"
bad=sha256:$(echo "${d#sha256:}" | tr 0123456789abcdef 123456789abcdef0)
vs_expect_rc mismatch-rc 1 vf_run --json --expect-digest "$bad" "$f"
vs_expect_eq mismatch false "$(vf_num digest_matches)"
vs_expect_eq mismatch-status bad "$(vf_str status)"
vs_expect_eq mismatch-ranges "[]" "$(vf_ranges)"
vs_expect_rc mismatch-human-rc 1 vf_run --expect-digest "$bad" "$f"
vs_expect_eq mismatch-human "$f: BAD: digest $d, expected $bad" "$(head -n 1 $VF_OUT)"

# sha512 files report sha512 digests
vs_expect_rc sha512-rc 0 vf_run --json "$g"
vs_expect_eq sha512-alg sha512 "$(vf_str hash_algorithm)"
vs_expect_eq sha512-digest "$("$VS_BIN/fsverity" measure "$g" | cut -d' ' -f1)" "$(vf_str digest)"

# 'fsverity digest' computes the digests in userspace, independently
"$VS_BIN/fsverity" digest "$f" > /tmp/digests
"$VS_BIN/fsverity" digest --hash-alg=sha512 "$g" >> /tmp/digests
cat /tmp/digests > /dev/console
vs_expect_rc file-rc 0 vf_run --json --expect-digest-file /tmp/digests "$f" "$g"
vs_expect_eq file-ok 2 "$(vf_sum ok)"
# the same file, expected as another file's digest: mismatch
"$VS_BIN/fsverity" digest "$f" | sed "s# .*# $g#" > /tmp/digests2
"$VS_BIN/fsverity" digest --hash-alg=sha512 "$g" | sed "s# .*# $f#" >> /tmp/digests2
vs_expect_rc file-swapped-rc 1 vf_run --json --expect-digest-file /tmp/digests2 "$f" "$g"
vs_expect_eq file-swapped-bad 2 "$(vf_sum bad)"
# a file with no line: operational error
head -n 1 /tmp/digests > /tmp/digests3
vs_expect_rc file-missing-rc 8 vf_run --json --expect-digest-file /tmp/digests3 "$f" "$g"
vs_expect_rc bad-digest-usage-rc 16 vf_run --json --expect-digest sha256:12 "$f"
# 'fsverity digest --compact' (the hex digest only) applies to every file
"$VS_BIN/fsverity" digest --compact "$f" > /tmp/digests4
vs_expect_rc compact-rc 0 vf_run --json --expect-digest-file /tmp/digests4 "$f"
vs_expect_eq compact-expected "$d" "$(vf_str expected_digest)"
# CRLF, a comment; a line without a path does not override a later line
# of the file's own
{ echo '# digests'; "$VS_BIN/fsverity" digest --compact "$f"
  "$VS_BIN/fsverity" digest --hash-alg=sha512 "$g"; } |
	while read -r l; do printf '%s\r\n' "$l"; done > /tmp/digests5
vs_expect_rc global-then-path-rc 0 vf_run --json --expect-digest-file /tmp/digests5 "$f" "$g"
vs_expect_eq global-then-path-ok 2 "$(vf_sum ok)"
# a malformed line: exit 8, nothing on stdout
echo "sha256:12 $f" > /tmp/digests6
vs_expect_rc malformed-rc 8 vf_run --json --expect-digest-file /tmp/digests6 "$f"
vs_expect_eq malformed-stdout empty "$([ -s $VF_OUT ] && echo nonempty || echo empty)"
vs_expect_eq malformed-message 1 "$(grep -c "^verify-file: invalid --expect-digest-file '/tmp/digests6': line 1: sha256 digest must have 64 hex digits, not 2\$" /tmp/vf.err)"
