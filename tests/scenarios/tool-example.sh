# The example scrub tool (userspace/examples/scrub-example.c), which uses
# only libverityscrub: clean and corrupted files, a non-verity file.
# vs-kernels: 6.1 6.12
# vs-fs: ext4
vs_mkfs
ex=/opt/bin/scrub-example
f=$VS_MNT/ok
g=$VS_MNT/bad
vs_verity_file "$f" $((128 * 1024))
vs_verity_file "$g" $((1048576 + 1000))
vs_corrupt_file "$g" $((100 * 4096))
vs_corrupt_file "$g" $((101 * 4096 + 1))
echo plain > "$VS_MNT"/plain

rc=0
"$ex" "$f" "$g" > /tmp/ex.out 2> /tmp/ex.err || rc=$?
cat /tmp/ex.out /tmp/ex.err > /dev/console
vs_expect_eq example-rc 1 "$rc"
vs_expect_eq example-output "$f: 131072 bytes verified, 0 bad ranges
$g 409600 8192 hash_mismatch
$g: $((1048576 + 1000 - 8192)) bytes verified, 1 bad ranges" "$(cat /tmp/ex.out)"

rc=0
"$ex" "$VS_MNT"/plain > /tmp/ex.out 2> /tmp/ex.err || rc=$?
vs_expect_eq example-plain-rc 2 "$rc"
vs_expect_eq example-plain-error "$ex: $VS_MNT/plain: not an fs-verity file" "$(cat /tmp/ex.err)"
