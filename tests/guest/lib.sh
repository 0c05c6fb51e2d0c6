# shellcheck shell=sh
# lib.sh - helpers for guest scenarios (busybox ash, sourced).
#
# Environment a scenario sees:
#   VS_KERNEL    6.1 or 6.12
#   VS_FS        ext4, f2fs or btrfs (from the scenario's "# vs-fs:" line)
#   VS_SCENARIO  scenario name
#   VS_SCRATCH   scratch disk (virtio, /dev/vda), VS_SCRATCH2 (/dev/vdb, "# vs-disk2:")
#   VS_DEV       the dm-linear device the filesystem lives on (vs_mkfs)
#   VS_MNT       mount point (/mnt/scratch)
# Real tools are in /opt/bin: call them by absolute path (busybox prefers
# its own applets for bare names).  Scenarios run under `set -e`: capture
# expected failures with `cmd || rc=$?`.

VS_KERNEL=$(cat /etc/vs-kernel)
VS_SCRATCH=/dev/vda
VS_SCRATCH2=/dev/vdb
VS_DM=vsdev
VS_DEV=/dev/mapper/$VS_DM
VS_MNT=/mnt/scratch
VS_BIN=/opt/bin
DM_DISABLE_UDEV=1
export VS_KERNEL VS_SCRATCH VS_SCRATCH2 VS_DEV VS_MNT DM_DISABLE_UDEV

# ---- results -------------------------------------------------------------
# Every check prints exactly one line the host counts (tests/guest/result.sh):
#   VS-RESULT PASS|FAIL <scenario>[<fs>] <check> [-- reason]
. /tests/guest/result.sh

vs_pass() {
	vs_result PASS "$VS_SCENARIO[$VS_FS]" "$1" > /dev/console
}

vs_fail() {
	vs_result FAIL "$VS_SCENARIO[$VS_FS]" "$1" "$2" > /dev/console
}

# vs_expect_eq CHECK EXPECTED ACTUAL
vs_expect_eq() {
	if [ "$2" = "$3" ]; then
		vs_pass "$1"
	else
		vs_fail "$1" "expected '$2', got '$3'"
	fi
}

# vs_expect_rc CHECK RC CMD...: run CMD, expect exit status RC.
vs_expect_rc() {
	_check=$1 _want=$2
	shift 2
	_rc=0
	"$@" || _rc=$?
	vs_expect_eq "$_check" "$_want" "$_rc"
}

# ---- module --------------------------------------------------------------

vs_load_module() {
	grep -q '^verity_scrub ' /proc/modules && return 0
	insmod /lib/vs/verity_scrub.ko || return 1
	[ -c /dev/verity-scrub ]
}

vs_unload_module() {
	grep -q '^verity_scrub ' /proc/modules || return 0
	rmmod verity_scrub
}

# KUnit (6.12 only): the suites run at insmod; their KTAP goes to dmesg,
# which the host hands to the kernel's kunit.py parser.
vs_run_kunit() {
	dmesg -c >/dev/null
	_rc=0
	insmod /lib/vs/verity_scrub_test.ko || _rc=$?
	echo "VS-KTAP-BEGIN"
	dmesg | sed -n '/KTAP version/,$p' | sed 's/^\[ *[0-9.]*\] //'
	echo "VS-KTAP-END"
	rmmod verity_scrub_test 2>/dev/null || true
	return $_rc
}

# ---- devices and filesystems ---------------------------------------------

# vs_wait_fd PID PATH: wait (up to 120 s) until process PID has PATH open
# (for example verify-file, /dev/verity-scrub: its start-up is slow under
# TCG, and its signal handlers are installed by then).
vs_wait_fd() {
	_n=0
	while [ $_n -lt 120 ]; do
		for _fd in /proc/"$1"/fd/*; do
			[ "$(readlink "$_fd" 2>/dev/null)" = "$2" ] && return 0
		done
		sleep 1
		_n=$((_n + 1))
	done
	return 1
}

# vs_dev_sectors DEV: size in 512-byte sectors
vs_dev_sectors() {
	blockdev --getsz "$1"
}

# vs_dm_linear [DEV]: (re)create the dm-linear device VS_DEV over DEV.
vs_dm_linear() {
	_base=${1:-$VS_SCRATCH}
	VS_BASE=$_base
	dmsetup remove "$VS_DM" 2>/dev/null || true
	echo "0 $(vs_dev_sectors "$_base") linear $_base 0" |
		"$VS_BIN/dmsetup" create "$VS_DM" --noudevsync
	"$VS_BIN/dmsetup" mknodes "$VS_DM" >/dev/null 2>&1 || true
	[ -b "$VS_DEV" ]
}

# vs_mkfs [DEV]: make a $VS_FS filesystem with fs-verity on a dm-linear
# device over DEV (default the scratch disk) and mount it on VS_MNT.
vs_mkfs() {
	vs_dm_linear "${1:-$VS_SCRATCH}"
	case "$VS_FS" in
	ext4)  "$VS_BIN/mke2fs" -F -q -t ext4 -b 4096 -O verity "$VS_DEV" ;;
	ext4-1k) "$VS_BIN/mke2fs" -F -q -t ext4 -b 1024 -O verity "$VS_DEV" ;;
	f2fs)  "$VS_BIN/mkfs.f2fs" -f -q -O extra_attr,verity "$VS_DEV" >/dev/null ;;
	btrfs) "$VS_BIN/mkfs.btrfs" -f -q "$VS_DEV" >/dev/null ;;
	*) echo "vs_mkfs: unknown fs $VS_FS" >&2; return 1 ;;
	esac
	vs_mount
}

vs_fstype() {
	case "$VS_FS" in ext4*) echo ext4 ;; *) echo "$VS_FS" ;; esac
}

vs_mount() {
	mkdir -p "$VS_MNT"
	mount -t "$(vs_fstype)" "$VS_DEV" "$VS_MNT"
}

vs_umount() {
	umount "$VS_MNT"
}

vs_remount() {
	vs_umount
	vs_mount
}

vs_drop_caches() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
}

# ---- files ---------------------------------------------------------------

# vs_make_file PATH BYTES: a file of random bytes.
vs_make_file() {
	"$VS_BIN/dd" if=/dev/urandom of="$1" bs=1M count=$(($2 / 1048576)) \
		status=none
	_rest=$(($2 % 1048576))
	if [ $_rest -ne 0 ]; then
		"$VS_BIN/dd" if=/dev/urandom bs=$_rest count=1 status=none >> "$1"
	fi
	sync
}

# vs_enable_verity PATH [fsverity enable options]
vs_enable_verity() {
	_f=$1
	shift
	"$VS_BIN/fsverity" enable "$_f" "$@"
}

# vs_verity_file PATH BYTES [options]: make a file and enable verity on it.
vs_verity_file() {
	_p=$1 _n=$2
	shift 2
	vs_make_file "$_p" "$_n"
	vs_enable_verity "$_p" "$@"
}

# vs_phys PATH OFFSET: byte offset on VS_DEV of the file byte at OFFSET
# (OFFSET may be past EOF: the Merkle tree of ext4/f2fs lives there).
vs_phys() {
	/opt/bin/fiemap-offset "$1" "$2"
}

# vs_tree_offset PATH: file offset where ext4/f2fs keep the Merkle tree.
vs_tree_offset() {
	_sz=$(stat -c %s "$1")
	echo $(( (_sz + 65535) / 65536 * 65536 ))
}

# vs_corrupt_dev BYTE_OFFSET [LEN]: overwrite LEN bytes (default 1) on
# VS_DEV with their complement, bypassing every cache.
vs_corrupt_dev() {
	_off=$1 _len=${2:-1}
	_blk=$((_off / 4096 * 4096))
	"$VS_BIN/dd" if="$VS_DEV" of=/tmp/vs-blk bs=4096 count=1 \
		skip=$((_blk / 4096)) iflag=direct status=none
	# complement the bytes in place
	_i=0
	while [ $_i -lt "$_len" ]; do
		_p=$((_off - _blk + _i))
		_b=$(od -An -tu1 -j $_p -N1 /tmp/vs-blk | tr -d ' ')
		printf "\\$(printf %o $((255 - _b)))" |
			"$VS_BIN/dd" of=/tmp/vs-blk bs=1 seek=$_p conv=notrunc status=none
		_i=$((_i + 1))
	done
	"$VS_BIN/dd" if=/tmp/vs-blk of="$VS_DEV" bs=4096 count=1 \
		seek=$((_blk / 4096)) oflag=direct conv=notrunc status=none
}

# vs_corrupt_file PATH OFFSET [LEN]: damage the file byte(s) at OFFSET on
# disk, then drop caches so the next read comes from the device.
vs_corrupt_file() {
	_phys=$(vs_phys "$1" "$2")
	vs_corrupt_dev "$_phys" "${3:-1}"
	vs_drop_caches
}

# ---- device-mapper faults -----------------------------------------------

# vs_dm_table LINES: load a new table into VS_DEV (atomically, no remount).
vs_dm_table() {
	printf '%s\n' "$1" > /tmp/vs-table
	"$VS_BIN/dmsetup" suspend --noflush "$VS_DM"
	"$VS_BIN/dmsetup" reload "$VS_DM" /tmp/vs-table
	"$VS_BIN/dmsetup" resume "$VS_DM"
}

# vs_dm_error BYTE_OFFSET BYTES: the sectors under [OFFSET, OFFSET+BYTES)
# of VS_DEV return EIO (dm "error" target); the rest stays linear.
vs_dm_error() {
	_s=$(($1 / 512)) _n=$(($2 / 512)) _t=$(vs_dev_sectors "$VS_BASE")
	_tab="0 $_s linear $VS_BASE 0
$_s $_n error"
	_e=$((_s + _n))
	[ $_e -lt "$_t" ] && _tab="$_tab
$_e $((_t - _e)) linear $VS_BASE $_e"
	vs_dm_table "$_tab"
}

# vs_dm_error_all: every sector of VS_DEV fails.
vs_dm_error_all() {
	vs_dm_table "0 $(vs_dev_sectors "$VS_BASE") error"
}

# vs_dm_restore: VS_DEV is plain linear again.
vs_dm_restore() {
	vs_dm_table "0 $(vs_dev_sectors "$VS_BASE") linear $VS_BASE 0"
}

# ---- held and gated reads (dm "delay") ------------------------------------
# A dm "delay" target of ten minutes holds reads until its table is
# reloaded: its presuspend sends every read it holds on at once.  Its
# status counts the reads it holds, so a scenario polls for an exact state
# instead of sleeping.  Writes and flushes always pass (to VS_BASE).  Keep
# a task held in the direct path (uninterruptible) well under 30 s: the
# hung-task detector is set to 30 s and fails the scenario.

# vs_dm_dev NAME TABLE: create dm device /dev/mapper/NAME with TABLE, or
# switch it to TABLE (reload first: a bad table leaves it running, not
# suspended; then suspend --noflush, resume).
vs_dm_dev() {
	printf '%s\n' "$2" > "/tmp/vs-table-$1"
	if "$VS_BIN/dmsetup" info "$1" >/dev/null 2>&1; then
		"$VS_BIN/dmsetup" reload "$1" "/tmp/vs-table-$1"
		"$VS_BIN/dmsetup" suspend --noflush "$1"
		"$VS_BIN/dmsetup" resume "$1"
	else
		"$VS_BIN/dmsetup" create "$1" --noudevsync < "/tmp/vs-table-$1"
		"$VS_BIN/dmsetup" mknodes "$1" >/dev/null 2>&1 || true
		[ -b "/dev/mapper/$1" ]
	fi
}

# vs_dm_route SEGMENTS: load VS_DEV with a table linear over VS_BASE but
# for SEGMENTS, lines "SECTOR COUNT TARGET ARGS..." (sorted, disjoint).
vs_dm_route() {
	_t=$(vs_dev_sectors "$VS_BASE") _at=0 _tab= _nl='
'
	while read -r _s _n _rest; do
		[ -n "$_s" ] || continue
		[ "$_s" -gt $_at ] &&
			_tab="$_tab$_at $((_s - _at)) linear $VS_BASE $_at$_nl"
		_tab="$_tab$_s $_n $_rest$_nl"
		_at=$((_s + _n))
	done <<EOF
$1
EOF
	[ $_at -lt "$_t" ] && _tab="$_tab$_at $((_t - _at)) linear $VS_BASE $_at"
	vs_dm_dev "$VS_DM" "$_tab"
}

# vs_hold NAME BYTE BYTES: device NAME holds the reads of VS_BASE bytes
# [BYTE, BYTE+BYTES); prints the vs_dm_route segment sending them there.
vs_hold() {
	_s=$(($2 / 512)) _n=$(($3 / 512))
	vs_dm_dev "$1" "0 $_n delay $VS_BASE $_s 600000 $VS_BASE $_s 0" >&2
	echo "$_s $_n linear /dev/mapper/$1 0"
}

# vs_release NAME: hold device NAME maps linearly; what it held completes.
vs_release() {
	vs_dm_dev "$1" "$(awk '{print "0", $2, "linear", $4, $5}' "/tmp/vs-table-$1")"
}

# vs_held DEV [N]: reads held now by DEV's delay targets (all, or the Nth).
vs_held() {
	"$VS_BIN/dmsetup" status "$1" |
		awk -v n="${2:-0}" '$3 == "delay" {i++; if (!n || i == n) s += $4}
			END {print s + 0}'
}

# vs_wait_held DEV COUNT [N]: poll (0.2 s steps, 60 s at most) until DEV
# (its Nth delay target) holds at least COUNT reads; 1 on timeout.
vs_wait_held() {
	_i=0
	while [ "$(vs_held "$1" "${3:-0}")" -lt "$2" ]; do
		_i=$((_i + 1))
		[ $_i -le 300 ] || return 1
		sleep 0.2
	done
}

# vs_gate BYTE BYTES: a gate on VS_DEV's bytes [BYTE, BYTE+BYTES): their
# reads are held by a delay target in VS_DEV sending them to device
# "vsgate", which fails them (dm "error") until vs_gate_pass.
vs_gate() {
	VS_GATE_S=$(($1 / 512)) VS_GATE_N=$(($2 / 512))
	vs_dm_dev vsgate "0 $VS_GATE_N error"
	vs_gate_fail
}

# vs_gate_wait COUNT: poll until the gate holds COUNT reads; 1 on timeout.
vs_gate_wait() {
	vs_wait_held "$VS_DM" "$1"
}

# vs_gate_fail: the reads the gate holds go on to vsgate and fail; the
# gate holds the reads that come after.
vs_gate_fail() {
	vs_dm_route "$VS_GATE_S $VS_GATE_N delay /dev/mapper/vsgate 0 600000 $VS_BASE $VS_GATE_S 0"
}

# vs_gate_pass: vsgate maps the blocks (good data), then VS_DEV is linear:
# the reads the gate holds complete, and read the data.
vs_gate_pass() {
	vs_dm_dev vsgate "0 $VS_GATE_N linear $VS_BASE $VS_GATE_S"
	vs_dm_restore
}

# vs_sig_pending PID SIG: whether signal number SIG is pending for process
# PID (shared, or in any of its threads).
vs_sig_pending() {
	for _st in /proc/"$1"/task/*/status; do
		for _m in $(awk '$1 == "SigPnd:" || $1 == "ShdPnd:" {print $2}' \
			"$_st" 2>/dev/null); do
			[ $(((0x$_m >> ($2 - 1)) & 1)) = 1 ] && return 0
		done
	done
	return 1
}

# vs_wait_sig PID SIG: poll (0.2 s steps, 60 s at most) until vs_sig_pending.
vs_wait_sig() {
	_i=0
	until vs_sig_pending "$1" "$2"; do
		_i=$((_i + 1))
		[ $_i -le 300 ] || return 1
		sleep 0.2
	done
}

# ---- other fault injection -----------------------------------------------

# vs_fail_requests DEV TIMES [PASS_BYTES]: the next TIMES requests to DEV
# fail (fail_make_request; 6.12 test kernel only), after requests of
# PASS_BYTES bytes in all went through (its "space": 4096 lets exactly one
# 4 KiB request pass first).  Deterministic: no timing.
vs_fail_requests() {
	_d=/sys/kernel/debug/fail_make_request
	echo 0 > $_d/verbose
	echo 100 > $_d/probability
	echo 0 > $_d/interval
	echo $(( ${3:-0} ? ${3:-0} + 1 : 0 )) > $_d/space
	echo "$2" > $_d/times
	echo 1 > "/sys/block/$(basename "$1")/make-it-fail"
}

vs_fail_requests_off() {
	_d=/sys/kernel/debug/fail_make_request
	[ -d $_d ] || return 0
	echo 0 > $_d/probability
	echo 0 > $_d/space
	for _f in /sys/block/*/make-it-fail; do echo 0 > "$_f"; done
}

# vs_scsi_debug: print the scsi_debug disk (64 MiB) device path.  On 6.1 the
# module is loaded here; the 6.12 test kernel has it built in and the host
# boots it with scsi_debug.dev_size_mb=64.
vs_scsi_debug() {
	if [ "$VS_KERNEL" = 6.1 ] && ! grep -q '^scsi_debug ' /proc/modules; then
		insmod /lib/modules/*/scsi_debug.ko dev_size_mb=64 >&2
	fi
	for _h in /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*/block/*; do
		[ -e "$_h" ] && { echo "/dev/$(basename "$_h")"; return 0; }
	done
	echo "vs_scsi_debug: no scsi_debug disk" >&2
	return 1
}

# vs_medium_error DEV_SECTOR COUNT: scsi_debug reports a medium error for
# COUNT sectors from DEV_SECTOR (sectors of the scsi_debug disk).
vs_medium_error() {
	_p=/sys/module/scsi_debug/parameters
	echo "$1" > $_p/medium_error_start
	echo "$2" > $_p/medium_error_count
	echo 2 > /sys/bus/pseudo/drivers/scsi_debug/opts
}

# ---- cleanup -------------------------------------------------------------

vs_cleanup() {
	vs_fail_requests_off
	[ -w /sys/bus/pseudo/drivers/scsi_debug/opts ] &&
		echo 0 > /sys/bus/pseudo/drivers/scsi_debug/opts
	for _m in $(awk '$2 ~ "^/mnt/" {print $2}' /proc/mounts | sort -r); do
		umount "$_m" 2>/dev/null || umount -l "$_m"
	done
	"$VS_BIN/dmsetup" remove_all --force >/dev/null 2>&1 || true
	return 0
}
