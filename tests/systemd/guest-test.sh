#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/systemd/guest-test.sh: the checks of the real systemd guest (issue
# 12), run by vs-systemd-test.service in a Debian 12 root booted with
# systemd as PID 1 (tests/systemd/make-image.sh built it).  The project is
# installed as an administrator would (make install, PREFIX=/usr/local),
# the module in /lib/modules/KVER/extra (depmod), nothing loaded yet.
# The second disk (/dev/vdb) becomes an ext4 filesystem with verity, the
# third (/dev/vdc, 64 MiB) another one on device-mapper, for the
# transient-only run (a read that fails once, through a gate).
#
# Prints, on the console, the bench's lines (tests/guest/lib.sh):
#   VS-BOOTED, VS-BEGIN systemd-guest ext4, VS-RESULT PASS|FAIL ...,
#   VS-END systemd-guest ext4 rc=0 secs=N, VS-DONE; then powers off.
set -u
exec > /dev/ttyS0 2>&1

NAME=systemd-guest FS=ext4
MNT=/srv/vs
TREE=$MNT/tree
CLEAN=$MNT/clean
BAD=$TREE/bad
BAD_BLOCK=5			# the data block of $BAD made bad on the disk
SIZE_BAD=65536 SIZE_GOOD=40960
METRICS=/var/lib/prometheus/node-exporter/verity-scrub.prom
MAIL=/var/spool/vs-mail		# the fake /usr/sbin/sendmail writes here
ID_HASH=d266e1c4dd46404aa843de9088741319
ID_TRANSIENT=7a76f311cf094df6a64fb89a852da772
ID_UNIT_SUCCESS=7ad2d189f7e94e70a38c781354912448	# systemd: "Unit succeeded"
ID_UNIT_EXIT=98e322203f7a4ed290d09fe03c09fe15	# systemd: "Unit process exited"
ID_UNIT_STARTING=7d4958e842da4a758f6c1cdc7b36dcc5	# systemd: "A start job ... has begun"
# The transient-only run: a one-block verity file on its own filesystem,
# on dm device vsdev (linear over all of /dev/vdc).
VT=/srv/vt
VT_DIR=$VT/once
VT_FILE=$VT_DIR/one
DM=vsdev
DM_DEV=/dev/mapper/$DM
DM_BASE=/dev/vdc
DM_OFF=0 DM_LEN=131072		# sectors: all of /dev/vdc, 64 MiB

pass() { echo "VS-RESULT PASS $NAME[$FS] $1"; }
fail() { echo "VS-RESULT FAIL $NAME[$FS] $1 -- $2"; }
expect() {	# expect CHECK WANT GOT
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; fi
}
loaded() { if grep -q '^verity_scrub ' /proc/modules; then echo loaded; else echo absent; fi; }
# prop UNIT PROPERTY...: their values, space-separated
prop() {
	local u=$1 p out=
	shift
	for p; do out="$out${out:+ }$(systemctl show -p "$p" --value "$u" | tr '\n' ' ' | sed 's/ $//')"; done
	echo "$out"
}
# info UNIT: its journal, on the console (for the log, not judged)
info() { journalctl --no-pager -o cat -u "$1" | sed "s|^|VS-INFO $1: |"; }
# wait_done UNIT: until UNIT has no queued or running job (a job is state,
# not time: at most 120 polls of one second).
wait_done() {
	local n=0
	while [ -n "$(systemctl list-jobs --no-legend "$1")" ] && [ $n -lt 120 ]; do
		sleep 1
		n=$((n + 1))
	done
}
# ran UNIT: "ran" if UNIT's main process ever exited, else "never-ran"
ran() { [ "$(prop "$1" ExecMainExitTimestampMonotonic)" != 0 ] && echo ran || echo never-ran; }
# phys_block FILE BLOCK: the filesystem block holding FILE's 4 KiB data
# block BLOCK (filefrag: its extent)
phys_block() {
	filefrag -v -b4096 "$1" | awk -v b="$2" '
	$1 ~ /^[0-9]+:$/ { split($2, l, "."); split($4, p, ".");
		if (b >= l[1] + 0 && b <= $3 + 0) { print p[1] + b - l[1]; exit } }'
}

# ---- the gate (as tests/guest/lib.sh's vs_gate, for this root) ----------
# The sectors of one block of vsdev are read through a dm "delay" target
# of ten minutes, which holds every read until its table is reloaded (its
# presuspend sends them on, to device vsgate); vsgate fails them (dm
# "error") until gate_pass maps them.  The delay target's status counts
# the reads it holds: each step waits for an exact count, never for time.
# dmsetup syncs with udev (55-dm.rules), as on any Debian system.
# dm_dev NAME TABLE: create /dev/mapper/NAME with TABLE, or switch it to
# TABLE (reload first, so a bad table leaves it running; then suspend
# --noflush and resume).
dm_dev() {
	if dmsetup info "$1" > /dev/null 2>&1; then
		dmsetup reload "$1" <<< "$2" &&
			dmsetup suspend --noflush "$1" && dmsetup resume "$1"
	else
		dmsetup create "$1" <<< "$2" && [ -b "/dev/mapper/$1" ]
	fi
}
dm_linear() { dm_dev $DM "0 $DM_LEN linear $DM_BASE $DM_OFF"; }
# gate SECTOR COUNT: vsdev's sectors [SECTOR, SECTOR+COUNT) are gated, and
# fail (gate_fail)
gate() {
	GATE_S=$1 GATE_N=$2
	dm_dev vsgate "0 $GATE_N error" && gate_fail
}
# gate_fail: the reads the gate holds go on to vsgate and fail; the gate
# holds those that come after
gate_fail() {
	local e=$((GATE_S + GATE_N))
	dm_dev $DM "0 $GATE_S linear $DM_BASE $DM_OFF
$GATE_S $GATE_N delay /dev/mapper/vsgate 0 600000 $DM_BASE $((DM_OFF + GATE_S)) 0
$e $((DM_LEN - e)) linear $DM_BASE $((DM_OFF + e))"
}
# gate_pass: vsgate maps the block (the good data), then vsdev is linear:
# the reads the gate holds complete, and read the data
gate_pass() {
	dm_dev vsgate "0 $GATE_N linear $DM_BASE $((DM_OFF + GATE_S))" && dm_linear
}
# held: the reads vsdev's delay target holds now ("none": no vsdev)
held() {
	local st
	st=$(dmsetup status $DM 2>/dev/null) || { echo none; return; }
	awk '$3 == "delay" { s += $4 } END { print s + 0 }' <<< "$st"
}
# wait_held COUNT: poll (0.2 s steps, 60 s at most: a bound on the clock,
# as a poll costs more than its sleep on a loaded host) until the gate
# holds COUNT reads; then print the count
wait_held() {
	local end=$((SECONDS + 60)) h
	h=$(held)
	while [ "$h" != none ] && [ "$h" -lt "$1" ] && [ $SECONDS -lt $end ]; do
		sleep 0.2
		h=$(held)
	done
	echo "$h"
}

echo "VS-BOOTED 6.1 $(uname -r) systemd $(systemctl --version | head -n1 | cut -d' ' -f2)"
echo "VS-BEGIN $NAME $FS"
t0=$(cut -d. -f1 /proc/uptime)
# (not is-system-running --wait: this unit is part of the boot's jobs)
echo "VS-INFO system state: $(systemctl is-system-running) after $(cut -d. -f1 /proc/uptime)s"
systemctl --failed --no-legend --plain | sed 's/^/VS-INFO failed unit: /'

# ---- the node, before the module is loaded ------------------------------------
# kmod static-nodes (systemd-tmpfiles-setup-dev) made it from the module's
# devname alias: char 10:138 (module/main.c), nothing loaded.
expect static-node "absent c 10:138" \
	"$(loaded) $(stat -c '%F' /dev/verity-scrub 2>&1 | sed 's/character special file/c/') $(
		printf '%d:%d' 0x$(stat -c %t /dev/verity-scrub 2>/dev/null || echo 0) \
			0x$(stat -c %T /dev/verity-scrub 2>/dev/null || echo 0))"

# ---- the units ----------------------------------------------------------------
units="verity-scrub-all.service verity-scrub-all.timer verity-scrub@srv-vs-clean.service
	verity-scrub-fail@verity-scrub-all.service.service"
out=$(systemd-analyze verify --man=no $units 2>&1); rc=$?
expect systemd-analyze-verify "0 " "$rc $out"
expect units-installed "/usr/local/lib/systemd/system/verity-scrub-all.service /usr/local/lib/systemd/system/verity-scrub@.service" \
	"$(prop verity-scrub-all.service FragmentPath) $(prop verity-scrub@srv-vs-clean.service FragmentPath)"
expect exit-policy "4 32 36 64 68 96 100" \
	"$(prop verity-scrub-all.service SuccessExitStatus | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')"
# (ProtectClock= adds char-rtc r; 3 and 5: the idle I/O class and CPU policy)
expect sandbox "strict yes cap_dac_read_search 3 7 5 19 closed char-rtc r /dev/verity-scrub rw" \
	"$(prop verity-scrub-all.service ProtectSystem PrivateNetwork CapabilityBoundingSet \
		IOSchedulingClass IOSchedulingPriority CPUSchedulingPolicy Nice DevicePolicy \
		DeviceAllow)"

systemctl enable --now verity-scrub-all.timer > /dev/null 2>&1; rc=$?
expect timer-enable 0 $rc
expect timer-active "active yes 2h verity-scrub-all.service" \
	"$(prop verity-scrub-all.timer ActiveState Persistent RandomizedDelayUSec Unit)"
expect timer-listed "verity-scrub-all.timer verity-scrub-all.service" \
	"$(systemctl list-timers --all --no-legend verity-scrub-all.timer | grep -o 'verity-scrub-all\.[a-z]*' | tr '\n' ' ' | sed 's/ $//')"
case "$(prop verity-scrub-all.timer NextElapseUSecRealtime)" in
?*) pass timer-next-elapse ;;
*) fail timer-next-elapse "the timer has no next elapse time" ;;
esac

# ---- the test filesystem --------------------------------------------------------
set -e
mkfs.ext4 -F -q -b 4096 -O verity /dev/vdb
mkdir -p $MNT
mount /dev/vdb $MNT
mkdir -p $TREE $CLEAN
head -c $SIZE_BAD /dev/urandom > $BAD
head -c $SIZE_GOOD /dev/urandom > $TREE/good
head -c 12288 /dev/urandom > $CLEAN/a
sync
for f in $BAD $TREE/good $CLEAN/a; do fsverity enable "$f"; done
# One data block of $BAD on the raw device.
phys=$(phys_block $BAD $BAD_BLOCK)
dd if=/dev/zero of=/dev/vdb bs=4096 seek="$phys" count=1 oflag=direct conv=notrunc status=none
sync
echo 3 > /proc/sys/vm/drop_caches
set +e
expect corrupted-block-eio 1 "$(dd if=$BAD of=/dev/null bs=4096 skip=$BAD_BLOCK count=1 status=none 2>/dev/null; echo $?)"
cat > /etc/verity-scrub.conf <<-CONF
VERITY_SCRUB_PATHS="$TREE"
VERITY_SCRUB_OPTIONS="-j 1"
VERITY_SCRUB_MAX_TIME=""
VERITY_SCRUB_REPAIR_FROM=""
VERITY_SCRUB_MAILTO="root@vs-systemd"
CONF

# Until the journal/metrics and state branches are merged, verify-file has
# no --state/--metrics and every unit run would stop at a usage error: the
# units are then run without those two options (a copy in /etc/systemd/
# system), and this check fails, so nothing is hidden.
if /usr/local/bin/verify-file --help 2>&1 | grep -q -- '--metrics' &&
	/usr/local/bin/verify-file --help 2>&1 | grep -q -- '--state'; then
	pass verify-file-has-state-and-metrics
else
	fail verify-file-has-state-and-metrics "verify-file --help lists no --state/--metrics (iface-12): units run without them"
	for u in verity-scrub-all.service verity-scrub@.service; do
		sed -e '/^\t--state=/d' -e '/^\t--metrics=/d' \
			/usr/local/lib/systemd/system/$u > /etc/systemd/system/$u
	done
	systemctl daemon-reload
fi

# ---- autoload: a clean tree, modprobe@ masked, so only the open can load it ----
systemctl mask --runtime modprobe@verity_scrub.service > /dev/null 2>&1
before=$(loaded)
inst=$(systemd-escape --path $CLEAN).service
expect escaped-instance verity-scrub@srv-vs-clean.service "verity-scrub@$inst"
systemctl start "verity-scrub@$inst"; rc=$?
info "verity-scrub@$inst"
expect autoload-on-open "absent loaded" "$before $(loaded)"
expect clean-run-succeeds "0 success 0 inactive" \
	"$rc $(prop "verity-scrub@$inst" Result ExecMainStatus ActiveState)"
expect clean-run-no-fail-unit "inactive never-ran" \
	"$(prop 'verity-scrub-fail@verity-scrub@srv-vs-clean.service.service' ActiveState) $(
		ran 'verity-scrub-fail@verity-scrub@srv-vs-clean.service.service')"
systemctl unmask --runtime modprobe@verity_scrub.service > /dev/null 2>&1
rmmod verity_scrub

# ---- one corrupted file: the unit fails (exit 1), modprobe@ loads the module ----
systemctl start verity-scrub-all.service > /dev/null 2>&1; rc=$?
info verity-scrub-all.service
expect modprobe-unit-loads "loaded" "$(loaded)"
[ -f $MAIL ] && sed 's/^/VS-INFO mail: /' $MAIL
expect bad-run-fails "1 failed exit-code 1" \
	"$rc $(prop verity-scrub-all.service ActiveState Result ExecMainStatus)"
fu=verity-scrub-fail@verity-scrub-all.service.service
wait_done $fu
expect on-failure "$fu" "$(prop verity-scrub-all.service OnFailure)"
expect fail-unit-ran "success 0 ran" "$(prop $fu Result ExecMainStatus) $(ran $fu)"
# (the journal's record of that run, as the transient run's check reads it)
expect fail-unit-run-journalled "1 yes" "$(
	journalctl --no-pager -o cat UNIT=$fu MESSAGE_ID=$ID_UNIT_STARTING | grep -c .) $(
	[ "$(journalctl --no-pager -o cat _SYSTEMD_UNIT=$fu | grep -c .)" -gt 0 ] && echo yes || echo no)"
info $fu
flog=$(journalctl --no-pager -o cat -u $fu)
want_line="$BAD: BAD: hash_mismatch at offset $((BAD_BLOCK * 4096)) length 4096"
expect fail-unit-logged "1 1" "$(grep -c "^verity-scrub-all.service failed on" <<< "$flog") $(grep -c -F "$want_line" <<< "$flog")"
expect fail-unit-mailed "1 1 1" "$(grep -c '^To: root@vs-systemd$' $MAIL 2>/dev/null) $(
	grep -c '^Subject: verity-scrub: verity-scrub-all.service failed on' $MAIL 2>/dev/null) $(
	grep -c -F "$want_line" $MAIL 2>/dev/null)"

# ---- the journal entry (journal/metrics branch) ----------------------------------
j=$(journalctl --no-pager -o json MESSAGE_ID=$ID_HASH \
	--output-fields=VERITY_SCRUB_PATH,VERITY_SCRUB_OFFSET,VERITY_SCRUB_LENGTH,VERITY_SCRUB_KIND,PRIORITY,_SYSTEMD_UNIT)
journalctl --no-pager -o json MESSAGE_ID=$ID_HASH | sed 's/^/VS-JOURNAL /'
field() { sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p" <<< "$j" | tr '\n' ' ' | sed 's/ $//'; }
expect journal-hash-mismatch-entry \
	"$BAD $((BAD_BLOCK * 4096)) 4096 hash_mismatch 3 verity-scrub-all.service" \
	"$(field VERITY_SCRUB_PATH) $(field VERITY_SCRUB_OFFSET) $(field VERITY_SCRUB_LENGTH) $(
		field VERITY_SCRUB_KIND) $(field PRIORITY) $(field _SYSTEMD_UNIT)"

# ---- the metrics file (journal/metrics branch) -----------------------------------
[ -f $METRICS ] && sed 's/^/VS-METRICS /' $METRICS
# norm FILE: NAME{labels sorted} VALUE for the samples of root $ROOT
# (default $TREE)
norm() {
	awk -v root="${ROOT:-$TREE}" '!/^#/ && NF == 2 {
		name = $1; lab = ""; i = index(name, "{")
		if (i) { lab = substr(name, i + 1, length(name) - i - 1); name = substr(name, 1, i - 1) }
		n = split(lab, a, ","); r = 0; out = ""
		for (k = 1; k <= n; k++) if (a[k] == "root=\"" root "\"") r = 1
		if (!r) next
		for (k = 2; k <= n; k++)	# (mawk: no asort) insertion sort
			for (l = k; l > 1 && a[l - 1] > a[l]; l--) { t = a[l]; a[l] = a[l - 1]; a[l - 1] = t }
		for (k = 1; k <= n; k++) if (a[k] !~ /^root=/) out = out (out == "" ? "" : ",") a[k]
		print name (out == "" ? "" : "{" out "}") " " $2 }' "$1" 2>/dev/null | sort
}
want=$(sort <<-M
verity_scrub_bad_blocks{kind="hash_mismatch"} 1
verity_scrub_bad_blocks{kind="io_error"} 0
verity_scrub_bad_blocks{kind="transient"} 0
verity_scrub_bad_blocks{kind="tree_corrupt"} 0
verity_scrub_bad_blocks{kind="unknown"} 0
verity_scrub_bytes_verified $((SIZE_BAD + SIZE_GOOD - 4096))
verity_scrub_exit_status 1
verity_scrub_files{status="bad"} 1
verity_scrub_files{status="error"} 0
verity_scrub_files{status="interrupted"} 0
verity_scrub_files{status="ok"} 1
verity_scrub_files{status="skipped"} 0
verity_scrub_run_complete 1
M
)
got=$(norm $METRICS | grep -v -E '_timestamp_seconds |_duration_seconds ')
expect metrics-counts "$(tr '\n' ';' <<< "$want")" "$(tr '\n' ';' <<< "$got")"
expect metrics-times-present "verity_scrub_run_duration_seconds verity_scrub_run_end_timestamp_seconds verity_scrub_run_start_timestamp_seconds" \
	"$(norm $METRICS | awk '/_timestamp_seconds |_duration_seconds / { print $1 }' | tr '\n' ' ' | sed 's/ $//')"
expect metrics-readable "644 root" "$(stat -c '%a %U' $METRICS 2>&1)"
expect state-file-written "yes" "$([ -s /var/lib/verity-scrub/all.state ] && echo yes || echo no)"

# ---- a transient-only run: the unit succeeds (exit 4), no fail unit -------------
# One 4 KiB verity file on its own filesystem on vsdev; its one data block
# read through the gate: the scrub's read is held, then fails; the module
# reads the block again, that read is held, then passes and verifies.
# Only that block's 8 sectors are gated (the descriptor lies past EOF, a
# one-block file has no tree); nothing else reads or writes there.
vt_setup() {
	modprobe dm_mod && modprobe dm_delay && dm_linear &&
		mkfs.ext4 -F -q -b 4096 -O verity $DM_DEV && mkdir -p $VT &&
		mount $DM_DEV $VT && mkdir -p $VT_DIR &&
		head -c 4096 /dev/urandom > $VT_FILE && sync &&
		fsverity enable $VT_FILE && sync &&
		vblk=$(phys_block $VT_FILE 0) && [ -n "$vblk" ] && [ "$vblk" -gt 0 ]
}
vblk=
vt_setup; rc=$?
expect transient-setup 0 $rc
# transient_run: the run and its checks, once the file is there
transient_run() {
	vinst=verity-scrub@$(systemd-escape --path $VT_DIR).service
	vfail=verity-scrub-fail@$vinst.service
	udevadm settle
	echo 3 > /proc/sys/vm/drop_caches	# the data page comes from the disk
	gate $((vblk * 8)) 8; rc=$?
	udevadm settle
	echo "VS-INFO transient: block $vblk of $DM_DEV gated; $(dmsetup table $DM | tr '\n' ';')"
	echo "VS-INFO transient: $(systemctl show -p ActiveState,SubState "$(systemd-escape --path --suffix=mount $VT)" | tr '\n' ' ')"
	expect transient-gate-idle "0 0" "$rc $(held)"
	# A unit that ends well is garbage-collected at once: its Result and
	# ExecMainStatus read afterwards are the defaults.  So its start job's
	# result (systemctl start's exit status) and the manager's own journal
	# entries: "Unit succeeded", and at debug level "Unit process exited"
	# with the status.
	lvl=$(systemctl log-level)
	systemctl log-level debug
	systemctl start "$vinst" & spid=$!
	expect transient-first-read-held 1 "$(wait_held 1)"
	gate_fail
	expect transient-retry-held 1 "$(wait_held 1)"
	gate_pass
	wait $spid; rc=$?
	systemctl log-level "$lvl"
	info "$vinst"
	expect transient-gate-open "0 linear" "$(held) $(dmsetup table $DM | awk '{ print $3 }' | tr '\n' ' ' | sed 's/ $//')"
	j=$(journalctl --no-pager -o json UNIT="$vinst" MESSAGE_ID=$ID_UNIT_EXIT \
		--output-fields=EXIT_CODE,EXIT_STATUS,MESSAGE | grep 'Main process exited')
	echo "VS-INFO transient: $j"
	expect transient-run-succeeds "0 inactive 1 exited 4 1" "$rc $(prop "$vinst" ActiveState) $(
		journalctl --no-pager -o cat UNIT="$vinst" MESSAGE_ID=$ID_UNIT_SUCCESS | grep -c .) $(
		field EXIT_CODE) $(field EXIT_STATUS) $(grep -c '(success)' <<< "$j")"
	# (no start job for it began, and no process of it wrote a line; the
	# manager's debug lines about loading it are not a run)
	journalctl --no-pager -o cat -u "$vfail" | sed "s|^|VS-INFO $vfail: |"
	expect transient-run-no-fail-unit "inactive 0 0" "$(prop "$vfail" ActiveState) $(
		journalctl --no-pager -o cat UNIT="$vfail" MESSAGE_ID=$ID_UNIT_STARTING | grep -c .) $(
		journalctl --no-pager -o cat _SYSTEMD_UNIT="$vfail" | grep -c .)"
	journalctl --no-pager -o json MESSAGE_ID=$ID_TRANSIENT | sed 's/^/VS-JOURNAL /'
	j=$(journalctl --no-pager -o json MESSAGE_ID=$ID_TRANSIENT \
		--output-fields=VERITY_SCRUB_PATH,VERITY_SCRUB_OFFSET,VERITY_SCRUB_LENGTH,VERITY_SCRUB_KIND,PRIORITY,_SYSTEMD_UNIT)
	expect journal-transient-entry "$VT_FILE 0 4096 transient 4 $vinst" \
		"$(field VERITY_SCRUB_PATH) $(field VERITY_SCRUB_OFFSET) $(field VERITY_SCRUB_LENGTH) $(
			field VERITY_SCRUB_KIND) $(field PRIORITY) $(field _SYSTEMD_UNIT)"
	vmetrics=/var/lib/prometheus/node-exporter/verity-scrub@$(systemd-escape --path $VT_DIR).prom
	[ -f "$vmetrics" ] && sed 's/^/VS-METRICS /' "$vmetrics"
	want=$(sort <<-M
	verity_scrub_bad_blocks{kind="hash_mismatch"} 0
	verity_scrub_bad_blocks{kind="io_error"} 0
	verity_scrub_bad_blocks{kind="transient"} 1
	verity_scrub_bad_blocks{kind="tree_corrupt"} 0
	verity_scrub_bad_blocks{kind="unknown"} 0
	verity_scrub_bytes_verified 4096
	verity_scrub_exit_status 4
	verity_scrub_files{status="bad"} 0
	verity_scrub_files{status="error"} 0
	verity_scrub_files{status="interrupted"} 0
	verity_scrub_files{status="ok"} 1
	verity_scrub_files{status="skipped"} 0
	verity_scrub_run_complete 1
	M
	)
	got=$(ROOT=$VT_DIR norm "$vmetrics" | grep -v -E '_timestamp_seconds |_duration_seconds ')
	expect transient-metrics-counts "$(tr '\n' ';' <<< "$want")" "$(tr '\n' ';' <<< "$got")"
}
[ $rc = 0 ] && transient_run

echo "VS-END $NAME $FS rc=0 secs=$(($(cut -d. -f1 /proc/uptime) - t0))"
echo "VS-DONE"
sync
# (not systemctl poweroff: it asks logind over D-Bus first; minbase has none)
systemctl start --no-block poweroff.target
