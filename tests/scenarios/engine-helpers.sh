# Engine: the threads that hash beside a scrub are made to match its
# caller: in its cgroup (so cpu.max and cpu.weight hold for them and their
# CPU time is charged there), on its CPUs, at its nice value; and none is
# left after the scrub.  The scrub is held in its direct path (a dm
# "delay" target holds the reads of windows 2-4) while its helpers are
# looked at; window 1 is read and hashed with them.
# vs-fs: ext4
# vs-timeout: 240
. /tests/guest/engine-lib.sh

vs_mkfs
f=$VS_MNT/h
size=$((64 * 1048576))
es_held_file "$f"
p4=$es_p4 p16=$es_p16

cg=/sys/fs/cgroup
grep -q cgroup2 /proc/mounts || mount -t cgroup2 none $cg
mkdir -p $cg/vs-hash

# eh_helpers PID: the helper threads of scrub PID (their comm vs_hash/PID).
eh_helpers() {
	for _c in /proc/[0-9]*/comm; do
		[ "$(cat "$_c" 2>/dev/null)" != "vs_hash/$1" ] || dirname "$_c"
	done
}
# eh_wait_helpers PID: poll (0.2 s steps, 20 s at most: the scrub is held
# uninterruptibly, and the guest reports tasks blocked for 30 s) until
# they exist.
eh_wait_helpers() {
	_i=0
	while [ -z "$(eh_helpers "$1")" ]; do
		_i=$((_i + 1))
		[ $_i -le 100 ] || return 1
		sleep 0.2
	done
}
# eh_nice DIR: the nice value of /proc/PID (field 19 of stat).
eh_nice() {
	sed 's/.*) //' "$1/stat" | awk '{print $17}'
}

for n in 0 -5; do
	vs_dm_route "$(vs_hold vshold "$p4" $((p16 - p4)))"
	sh -c "echo \$\$ > $cg/vs-hash/cgroup.procs; renice -n $n -p \$\$ >/dev/null;
		exec taskset -c 0,1 /opt/bin/scrubctl $f" > $ES_OUT 2>&1 &
	pid=$!
	vs_expect_rc "nice$n-held" 0 vs_wait_held vshold 3
	vs_expect_rc "nice$n-helpers-appear" 0 eh_wait_helpers $pid
	h=$(eh_helpers $pid)
	vs_expect_eq "nice$n-one-helper" 1 "$(echo "$h" | wc -l)"
	vs_expect_eq "nice$n-cgroup" "0::/vs-hash" "$(cat "$h/cgroup")"
	vs_expect_eq "nice$n-nice" "$n" "$(eh_nice "$h")"
	vs_expect_eq "nice$n-cpus" 0-1 \
		"$(awk '$1 == "Cpus_allowed_list:" {print $2}' "$h/status")"
	vs_release vshold
	rc=0
	wait $pid || rc=$?
	cat $ES_OUT > /dev/console
	vs_expect_eq "nice$n-rc" 0 $rc
	vs_expect_eq "nice$n-clean" "" "$(es_ranges)"
	vs_expect_eq "nice$n-verified" $size "$(es_field verified)"
	vs_expect_eq "nice$n-helpers-gone" "" "$(eh_helpers $pid)"
	vs_dm_restore
done
rmdir $cg/vs-hash
