#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/systemd/guest-test.sh: the checks of the real systemd guest (issue
# 12), run by vs-systemd-test.service in a Debian 12 root booted with
# systemd as PID 1 (tests/systemd/make-image.sh built it).  The project is
# installed as an administrator would (make install, PREFIX=/usr/local),
# the module in /lib/modules/KVER/extra (depmod), nothing loaded yet.
# The second disk (/dev/vdb) becomes an ext4 filesystem with verity.
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
# One data block of $BAD on the raw device (filefrag: its extent).
phys=$(filefrag -v -b4096 $BAD | awk -v b=$BAD_BLOCK '
	$1 ~ /^[0-9]+:$/ { split($2, l, "."); split($4, p, ".");
		if (b >= l[1] + 0 && b <= $3 + 0) { print p[1] + b - l[1]; exit } }')
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
# NAME{labels sorted} VALUE for the samples of root $TREE
norm() {
	awk -v root="$TREE" '!/^#/ && NF == 2 {
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

echo "VS-END $NAME $FS rc=0 secs=$(($(cut -d. -f1 /proc/uptime) - t0))"
echo "VS-DONE"
sync
# (not systemctl poweroff: it asks logind over D-Bus first; minbase has none)
systemctl start --no-block poweroff.target
