# The README's demo: make a verity file, damage it two ways, show what
# verify-file reports, repair it from a copy and scrub it clean; then a
# mapped file rotting on disk, repaired from its own page cache.  Runs in a Debian 6.1 guest (make demo; make
# check runs it too).  The report is checked, exact ranges and exit
# statuses, by judge_demo() in tests/harness/vsbench.py (DEMO_*): change both
# together.
# vs-fs: ext4
# vs-timeout: 300

say() { printf '\n### %s\n' "$*" > /dev/console; }
# show CMD...: print the command, its output (through a file, so no
# progress line: that is only for terminals) and its exit status.
show() {
	printf '$ %s\n' "$*" > /dev/console
	_rc=0
	"$@" > /tmp/demo.out 2>&1 || _rc=$?
	cat /tmp/demo.out > /dev/console
	printf '(exit status %s)\n' "$_rc" > /dev/console
}
cat_null() {
	cat "$1" > /dev/null
}

vs_mkfs
f=$VS_MNT/demo.img
vs_verity_file "$f" $((8 * 1024 * 1024 + 1000))
vs_drop_caches
say "A fresh 8 MiB fs-verity file on ext4"
show /opt/bin/verify-file "$f"
# A copy elsewhere (any copy: repair trusts none of its bytes)
mkdir -p /tmp/mirror
cp "$f" /tmp/mirror/demo.img

say "Flip one byte of data block 100 on the disk"
vs_corrupt_file "$f" $((100 * 4096 + 17))
say "Make the disk fail the sectors under data block 1500 (dm error target)"
vs_dm_error "$(vs_phys "$f" $((1500 * 4096)))" 4096
vs_drop_caches
say "What cat sees: just EIO"
show cat_null "$f"
say "What verify-file sees"
show /opt/bin/verify-file "$f"
show /opt/bin/verify-file --json "$f"
say "Repair it from the copy: each block checked against the file's own Merkle tree"
show /opt/bin/verify-file --repair-from /tmp/mirror/demo.img "$f"
vs_drop_caches
say "Scrub it again, every byte from the disk (the failing sectors are still there)"
show /opt/bin/verify-file "$f"
vs_dm_restore

# Self-healing: a program maps a file; the disk rots under two of its
# pages; the cached pages fs-verity verified are the copy.
g=$VS_MNT/app.bin
vs_verity_file "$g" $((1024 * 1024))
sync
g3=$(vs_phys "$g" $((3 * 4096)))
g200=$(vs_phys "$g" $((200 * 4096)))
vs_drop_caches
rm -f /tmp/demo-map
/opt/bin/mapper hold "$g" /tmp/demo-map &
mapper=$!
while [ ! -s /tmp/demo-map ]; do sleep 1; done
say "A program maps a 1 MiB fs-verity file; the disk rots under its pages 3 and 200"
vs_corrupt_dev $((g3 + 100))
vs_corrupt_dev $((g200 + 7))
show /opt/bin/verify-file "$g"
say "Repair it from its own verified pages in the page cache: no copy needed"
show /opt/bin/verify-file --repair "$g"
touch_again() {
	_n=$(wc -l < /tmp/demo-map)
	kill -USR1 $mapper
	while [ "$(wc -l < /tmp/demo-map)" = "$_n" ]; do sleep 1; done
	tail -n 1 /tmp/demo-map
	kill -0 $mapper && echo "the program is still running"
}
say "The program reads every page of its mapping again"
show touch_again
kill $mapper
wait $mapper || true
vs_drop_caches
say "Scrub the repaired file from the disk"
show /opt/bin/verify-file "$g"
vs_pass demo-ran
