# Engine: a scrub's resources are bounded, accounted and fair.  48 scrubs
# of one file at once in a 1 GiB guest are all exact (at most max_scrubs
# run at a time, the others wait); a scrub pinned to one vCPU with taskset
# hashes only there; a scrub in a memory cgroup has its windows charged
# there (memory.peak) and, under a limit too small for them, fails with
# ENOMEM instead of waking the OOM killer.
# vs-kernels: 6.1 6.12
# vs-fs: ext4
# vs-mem: 1024
# vs-timeout: 900
. /tests/guest/engine-lib.sh

vs_mkfs
f=$VS_MNT/res
size=$((64 * 1048576))
vs_verity_file "$f" $size
vs_corrupt_file "$f" $((40 * 1048576 + 5))
want="RANGE 41943040 4096 HASH_MISMATCH NONE 0;"

# 48 at once.
i=0
while [ $i -lt 48 ]; do
	/opt/bin/scrubctl "$f" > /tmp/es-many-$i 2>&1 &
	i=$((i + 1))
done
wait
exact=0
i=0
while [ $i -lt 48 ]; do
	[ "$(grep '^RANGE' /tmp/es-many-$i | tr '\n' ';')" = "$want" ] &&
		exact=$((exact + 1))
	i=$((i + 1))
done
vs_expect_eq many-exact 48 "$exact"
vs_expect_eq no-oom 0 "$(dmesg | grep -c 'Out of memory\|invoked oom-killer' || true)"

# taskset -c 0: vCPU 1 stays idle (its busy ticks, /proc/stat).
er_busy() {
	awk -v c="cpu$1" '$1 == c {print $2 + $3 + $4 + $7 + $8}' /proc/stat
}
vs_drop_caches
b0=$(er_busy 0) b1=$(er_busy 1)
vs_expect_rc pinned-rc 0 taskset -c 0 /opt/bin/scrubctl "$f"
d0=$(( $(er_busy 0) - b0 )) d1=$(( $(er_busy 1) - b1 ))
echo "taskset -c 0 scrub: busy ticks cpu0 $d0, cpu1 $d1" > /dev/console
vs_expect_eq pinned-other-cpu-idle 1 "$(( d1 * 5 < d0 ))"

# Memory cgroup (kernels with the memory controller).
cg=/sys/fs/cgroup
grep -q cgroup2 /proc/mounts || mount -t cgroup2 none $cg
if grep -qw memory $cg/cgroup.controllers; then
	echo +memory > $cg/cgroup.subtree_control
	mkdir -p $cg/vs
	vs_drop_caches
	rc=0
	sh -c "echo \$\$ > $cg/vs/cgroup.procs; exec /opt/bin/scrubctl $f" \
		> $ES_OUT 2>&1 || rc=$?
	vs_expect_eq cg-rc 0 $rc
	vs_expect_eq cg-ranges "$want" "$(es_ranges)"
	peak=$(cat $cg/vs/memory.peak)
	echo "memory.peak of the scrub's cgroup: $peak" > /dev/console
	vs_expect_eq cg-charged 1 "$(( peak >= 16 * 1048576 ))"
	mkdir -p $cg/vs2
	echo $((8 * 1048576)) > $cg/vs2/memory.max
	rc=0
	sh -c "echo \$\$ > $cg/vs2/cgroup.procs; exec /opt/bin/scrubctl $f" \
		> $ES_OUT 2>&1 || rc=$?
	cat $ES_OUT > /dev/console
	vs_expect_eq cg-limit-rc 1 $rc
	vs_expect_eq cg-limit-enomem ENOMEM "$(es_field rc)"
	vs_expect_eq cg-limit-no-oom 0 "$(dmesg | grep -c 'Out of memory\|invoked oom-killer' || true)"
	rmdir $cg/vs $cg/vs2
else
	echo "no memory controller on this kernel: cgroup checks not run" > /dev/console
fi
