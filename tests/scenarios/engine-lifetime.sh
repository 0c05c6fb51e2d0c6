# Engine: no completion of the module's I/O runs after the module is gone.
# A scrub is killed while its direct-path reads are held by a dm "delay"
# target: until those reads complete the scrub is still in the ioctl (the
# module cannot be removed); once the target lets them go, the scrub ends,
# rmmod succeeds and nothing of the module runs after it.
# vs-kernels: 6.1 6.12
# vs-fs: ext4
# vs-timeout: 300
. /tests/scenarios/helpers/engine-lib.sh

vs_mkfs
f=$VS_MNT/life
size=$((64 * 1048576))
vs_verity_file "$f" $size
sync
cat "$f" > /dev/null	# the descriptor and tree cached: setup needs no I/O
p4=$(vs_phys "$f" $((4 * 1048576)))
p16=$(vs_phys "$f" $((16 * 1048576)))
vs_expect_eq contiguous $((12 * 1048576)) $((p16 - p4))

# Reads of the second to fourth 4 MiB windows wait ten minutes (writes
# there, none expected, would not).
s=$((p4 / 512)) n=$(((p16 - p4) / 512)) t=$(vs_dev_sectors "$VS_BASE")
vs_dm_table "0 $s linear $VS_BASE 0
$s $n delay $VS_BASE $s 600000 $VS_BASE $s 0
$((s + n)) $((t - s - n)) linear $VS_BASE $((s + n))"
# el_held: reads the delay target holds (its status: reads writes flushes).
el_held() {
	"$VS_BIN/dmsetup" status "$VS_DM" | awk '$3 == "delay" {print $4}'
}

/opt/bin/scrubctl "$f" > /tmp/es-life 2>&1 &
pid=$!
# Held reads of the scrub: the three slow windows were submitted.
held=0 n=0
while [ $n -lt 120 ]; do
	held=$(el_held)
	[ "$held" -ge 3 ] && break
	sleep 1
	n=$((n + 1))
done
vs_expect_eq reads-held 1 "$([ "$held" -ge 3 ] && echo 1 || echo 0)"
kill -9 $pid
vs_expect_rc rmmod-while-reads-held 1 rmmod verity_scrub
vs_expect_eq scrub-still-in-ioctl 1 "$([ -d /proc/$pid ] && echo 1 || echo 0)"
vs_dm_restore		# the held reads complete now
wait $pid || true
vs_expect_rc rmmod-after 0 vs_unload_module
vs_expect_eq module-gone 0 "$(grep -c '^verity_scrub ' /proc/modules || true)"
# Anything of the module still running would fault in its freed text now.
cat "$f" > /dev/null
vs_expect_rc reload 0 vs_load_module
vs_expect_rc scrub-after 0 es_scrub "$f"
vs_expect_eq scrub-after-clean "" "$(es_ranges)"
