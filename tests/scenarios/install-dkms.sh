# Install: the module DKMS built for Debian's 6.1 kernel on the host
# (tests/install/run.sh writes build/dkms-6.1/verity_scrub.ko, the bench
# puts it at /lib/vs/dkms/verity_scrub.ko) loads, makes /dev/verity-scrub
# (mode 0600, as the module creates it; no udev in the guest), scrubs a
# clean file and a file with one corrupted block through verify-file with
# exact ranges, and unloads.
# vs-kernels: 6.1
# vs-fs: ext4
# vs-module: no
KO=/lib/vs/dkms/verity_scrub.ko
. /tests/guest/tool-lib.sh

if [ ! -f "$KO" ]; then
	vs_fail dkms-module "$KO missing: tests/install/run.sh must build build/dkms-6.1/verity_scrub.ko before the 6.1 guest boots"
	exit 1
fi

# An earlier scenario in this boot may have loaded the bench's own build.
vs_expect_rc unload-bench-module 0 vs_unload_module
vs_expect_rc insmod 0 insmod "$KO"
vs_expect_eq loaded 1 "$(grep -c '^verity_scrub ' /proc/modules)"
vs_expect_eq device "character special file a 600 0 0" \
	"$(stat -c '%F %t %a %u %g' /dev/verity-scrub 2>&1)"

vs_mkfs
size=$((1048576 + 1000))		# 257 blocks, the last of 1000 bytes
vf_fresh_file $size			# $f

vf_expect_clean "$f"
vs_expect_eq clean-verified "$size" "$(vf_num bytes_verified)"

vs_corrupt_file "$f" $((100 * 4096 + 7))
vs_expect_rc corrupt-rc 1 vf_run --json "$f"
vs_expect_eq corrupt-status bad "$(vf_str status)"
vs_expect_eq corrupt-ranges '[{"offset":409600,"length":4096,"kind":"hash_mismatch","cached_good":false}]' \
	"$(vf_ranges)"
vs_expect_eq corrupt-verified $((size - 4096)) "$(vf_num bytes_verified)"

vs_umount
vs_expect_rc rmmod 0 rmmod verity_scrub
vs_expect_eq unloaded 0 "$(grep -c '^verity_scrub ' /proc/modules)"
vs_expect_eq device-gone no "$([ -e /dev/verity-scrub ] && echo yes || echo no)"
