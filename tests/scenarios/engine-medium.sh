# Engine: a medium error under a data block (scsi_debug) is IO_ERROR with
# detail MEDIUM for exactly that block.
# vs-kernels: 6.1 6.12
# vs-fs: ext4
. /tests/guest/engine-lib.sh

dev=$(vs_scsi_debug)
vs_mkfs "$dev"
f=$VS_MNT/medium
vs_verity_file "$f" $((512 * 1024))
phys=$(vs_phys "$f" $((7 * 4096)))
vs_medium_error $((phys / 512)) 8
echo 1 > /proc/sys/vm/drop_caches
vs_expect_rc scrub-rc 0 es_scrub "$f"
vs_expect_eq medium-range "RANGE 28672 4096 IO_ERROR MEDIUM 0;" "$(es_ranges)"
echo 0 > /sys/bus/pseudo/drivers/scsi_debug/opts
vs_expect_rc healed-rc 0 es_scrub "$f"
vs_expect_eq healed-clean "" "$(es_ranges)"
