# Engine: bad input gets a clear errno and changes nothing.
# vs-kernels: 6.1 6.12
# vs-fs: ext4
. /tests/guest/engine-lib.sh

vs_mkfs
f=$VS_MNT/v
vs_verity_file "$f" $((64 * 4096))
vs_make_file "$VS_MNT/plain" 8192

vs_expect_rc bad-fd 1 es_scrub -F 999
vs_expect_eq bad-fd-errno EBADF "$(es_field rc)"
vs_expect_rc opath-fd 1 es_scrub -P "$f"
vs_expect_eq opath-fd-errno EBADF "$(es_field rc)"
vs_expect_rc directory 1 es_scrub "$VS_MNT"
vs_expect_eq directory-errno EINVAL "$(es_field rc)"
vs_expect_rc not-verity 1 es_scrub "$VS_MNT/plain"
vs_expect_eq not-verity-errno ENODATA "$(es_field rc)"
vs_expect_rc unknown-flag 1 es_scrub -f 8 "$f"
vs_expect_eq unknown-flag-errno EINVAL "$(es_field rc)"
vs_expect_rc too-small 1 es_scrub -z 232 "$f"
vs_expect_eq too-small-errno EINVAL "$(es_field rc)"
vs_expect_rc ver0-size 0 es_scrub -z 240 "$f"
vs_expect_rc larger-zero-tail 0 es_scrub -z 300 "$f"
vs_expect_rc larger-nonzero-tail 1 es_scrub -z 300 -t "$f"
vs_expect_eq larger-nonzero-tail-errno E2BIG "$(es_field rc)"
vs_expect_rc too-many-retries 1 es_scrub -r 17 "$f"
vs_expect_eq too-many-retries-errno EINVAL "$(es_field rc)"
vs_expect_rc max-retries 0 es_scrub -r 16 "$f"
vs_expect_rc bad-arg-pointer 1 es_scrub -A "$f"
vs_expect_eq bad-arg-pointer-errno EFAULT "$(es_field rc)"
vs_expect_rc past-eof 0 es_scrub -s 1000000 "$f"
vs_expect_eq past-eof-nothing "0" "$(es_field verified)"
vs_expect_eq past-eof-no-ranges "" "$(es_ranges)"
vs_expect_rc empty-range 0 es_scrub -s 8192 -e 8192 "$f"
vs_expect_eq empty-range-nothing "0" "$(es_field verified)"

# A bad range pointer is found when the first range is written.
vs_expect_rc clean-bad-ranges 0 es_scrub -B "$f"
vs_corrupt_file "$f" $((3 * 4096))
vs_expect_rc bad-ranges-pointer 1 es_scrub -B "$f"
vs_expect_eq bad-ranges-pointer-errno EFAULT "$(es_field rc)"
# No room at all: stops at the bad block, RANGES_FULL.
vs_expect_rc cap0-rc 0 es_scrub -c 0 "$f"
vs_expect_eq cap0-cursor 12288 "$(es_field start)"
vs_expect_eq cap0-flags 4 "$(( $(es_field flags) & 4 ))"

vs_expect_eq device-mode 600 "$(stat -c %a /dev/verity-scrub)"
