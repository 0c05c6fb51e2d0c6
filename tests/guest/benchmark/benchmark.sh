# shellcheck shell=sh
# Guest side of the benchmark (tests/benchmark/run.py).  Installed as
# /tests/demo/vs-benchmark.sh; run-one.sh sources it under `set -e` after
# guest-lib.sh, with verity_scrub.ko loaded when it could be.
#
# Makes verity files on ext4 (and non-verity copies of the same bytes),
# then runs every method on every file, RUNS rounds, the methods of a round
# in a rotating order, cold cache before each run.  Every measurement is one
# "VSB-RUN ..." line from vsb-measure, preceded by "VSB-CASE case method
# round"; the host parses them.  Configuration: /etc/vs-benchmark.conf.

. /etc/vs-benchmark.conf
B=$VS_BIN
info() { echo "VSB-INFO $*" > /dev/console; }

# ---- what this guest is ----------------------------------------------------
info kernel "$(uname -r)"
info cpus "$(grep -c ^processor /proc/cpuinfo)"
info cpu_model "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
info cpu_flags "$(sed -n 's/^flags[[:space:]]*: //p' /proc/cpuinfo | head -n1 |
	tr ' ' '\n' | grep -E '^(sse4_2|avx|avx2|avx512f|sha_ni|ssse3)$' | tr '\n' ' ')"
info mem_total_kb "$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)"
if [ "$BENCH_SHA_MODULE" = yes ] && [ -f /lib/vs/sha256-ssse3.ko ]; then
	insmod /lib/vs/sha256-ssse3.ko || info warn "sha256-ssse3.ko did not load"
fi

have_module=no
[ -c /dev/verity-scrub ] && have_module=yes
have_vf=no
[ -x "$B/verify-file" ] && have_vf=yes
have_floor=no
[ -f /lib/vs/vs_hashfloor.ko ] && have_floor=yes
info have_module "$have_module"
info have_verify_file "$have_vf"
info have_hashfloor "$have_floor"

# ---- files -----------------------------------------------------------------
vs_mkfs
info fs "$(grep " $VS_MNT " /proc/mounts)"
# make_case NAME MIB: $VS_MNT/NAME.plain (random) and NAME.verity (a copy
# with fs-verity enabled: sha256, 4096-byte blocks, no salt).
make_case() {
	_t0=$(date +%s)
	"$B/dd" if=/dev/urandom of="$VS_MNT/$1.plain" bs=1M count="$2" status=none
	"$B/dd" if="$VS_MNT/$1.plain" of="$VS_MNT/$1.verity" bs=4M status=none
	sync
	"$B/fsverity" enable "$VS_MNT/$1.verity"
	sync
	info case "$1" bytes "$(stat -c %s "$VS_MNT/$1.verity")" \
		digest "$("$B/fsverity" measure "$VS_MNT/$1.verity" | cut -d' ' -f1)" \
		setup_s "$(($(date +%s) - _t0))"
}
# make_tree NAME SPEC: a tree of verity files in $VS_MNT/NAME (vsb-tree):
# "files:COUNTxKIB" (COUNT files of KIB KiB) or "mixed:MIB" (log-uniform
# sizes from 1 byte to 64 MiB, MIB in all).
make_tree() {
	_t0=$(date +%s)
	case $1 in
	files)	_out=$("$B/vsb-tree" files "$VS_MNT/$1" "${2%%x*}" "${2#*x}") ;;
	*)	_out=$("$B/vsb-tree" mixed "$VS_MNT/$1" "$2" 64) ;;
	esac
	sync
	_n=$(echo "$_out" | sed -n 's/.*files=\([0-9]*\).*/\1/p')
	_b=$(echo "$_out" | sed -n 's/.*bytes=\([0-9]*\).*/\1/p')
	info case "$1" bytes "$_b" files "$_n" setup_s "$(($(date +%s) - _t0))"
}
is_tree() { case $1 in files|mixed) return 0 ;; esac; return 1; }
for c in $BENCH_CASES; do
	if is_tree "${c%%:*}"; then
		make_tree "${c%%:*}" "${c#*:}"
	else
		make_case "${c%%:*}" "${c#*:}"
	fi
done
info df "$(df -k "$VS_MNT" | tail -n1)"

# The sha256 implementation fs-verity picked (at the first verity file).
fsv_driver=$(dmesg | sed -n 's/.*fs-verity: sha256 using implementation "\(.*\)"/\1/p' | head -n1)
info crypto_sha256 "$fsv_driver"

# ---- methods ---------------------------------------------------------------
# Two cat processes at a time over the tree, as `xargs -P 2` runs them.
cat > /tmp/vsb-xargs-cat <<EOF
/bin/busybox find "\$1" -type f -print0 | /bin/busybox xargs -0 -P 2 -n 64 $B/cat
EOF
# method_cmd METHOD FILE_BASE: the command line (empty: not available here).
method_cmd() {
	_v=$VS_MNT/$2.verity
	_d=$VS_MNT/$2
	case $1 in
	find-cat)	echo "/bin/busybox find $_d -type f -exec $B/cat {} +" ;;
	xargs-cat)	echo "sh /tmp/vsb-xargs-cat $_d" ;;
	vf-r-j1)	[ $have_vf = yes ] && [ $have_module = yes ] &&
				echo "$B/verify-file -q -r -j 1 $_d" ;;
	vf-r-j2)	[ $have_vf = yes ] && [ $have_module = yes ] &&
				echo "$B/verify-file -q -r -j 2 $_d" ;;
	vf-r-j1-base|vf-r-j2-base)	# verify-file of --base-userspace
		_j=${1#vf-r-j}
		[ -x "$B/verify-file-base" ] && [ $have_module = yes ] &&
			echo "$B/verify-file-base -q -r -j ${_j%-base} $_d" ;;
	cat)		echo "$B/cat $_v" ;;
	dd)		echo "$B/dd if=$_v of=/dev/null bs=4M" ;;
	populate)	echo "$B/vsb-scan populate $_v 4" ;;
	touch)		echo "$B/vsb-scan touch $_v" ;;
	vf-nomod)	[ $have_vf = yes ] && echo "$B/verify-file -q --no-module $_v" ;;
	vf)		[ $have_vf = yes ] && [ $have_module = yes ] &&
				echo "$B/verify-file -q $_v" ;;
	vf-watched)	[ $have_vf = yes ] && [ $have_module = yes ] &&
				echo "/bin/busybox env NOTIFY_SOCKET=/run/vsb-no-socket $B/verify-file -q $_v" ;;
	vf-state)	[ $have_vf = yes ] && [ $have_module = yes ] &&
				echo "$B/verify-file -q --state=/tmp/vsb-state $_v" ;;
	vf-warm)	[ $have_vf = yes ] && [ $have_module = yes ] &&
				echo "$B/verify-file -q $_v" ;;
	ioctl)		[ $have_module = yes ] && echo "$B/vsb-scan ioctl $_v" ;;
	ioctl-noclass)	[ $have_module = yes ] &&
				echo "$B/vsb-scan ioctl $_v no-classify" ;;
	ioctl-pagecache) [ $have_module = yes ] &&
				echo "$B/vsb-scan ioctl $_v page-cache" ;;
	plain-dd)	echo "$B/dd if=$VS_MNT/$2.plain of=/dev/null bs=4M" ;;
	hashfloor*)
		[ $have_floor = yes ] || return 0
		case $1 in
		hashfloor)	_th="" ;;
		hashfloor-1cpu)	_th=threads=1 ;;
		hashfloor-fsverity)
			[ -n "$fsv_driver" ] || return 0
			_th=driver=$fsv_driver ;;
		*)		_th=driver=sha256-${1#hashfloor-} ;;
		esac
		_size=$(stat -c %s "$_v")
		# Pin the file's own pages when they fit in RAM, else hash a
		# 128 MiB buffer cyclically for as many bytes as the file has.
		if [ $((_size / 1024)) -lt $(($(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo) / 3)) ]; then
			echo "$B/vsb-scan hashfloor $_v $_th"
		else
			echo "$B/vsb-scan hashfloor buf:128 bytes=$_size $_th"
		fi ;;
	esac
}

floor_on() {
	vs_unload_module || return 1	# both export module/hash.c's symbols
	insmod /lib/vs/vs_hashfloor.ko
}

floor_off() {
	rmmod vs_hashfloor
	if [ $have_module = yes ]; then
		vs_load_module
	fi
}

run_one() {	# run_one CASE METHOD ROUND
	_cmd=$(method_cmd "$2" "$1" || true)
	if [ -z "$_cmd" ]; then
		return 0
	fi
	case $2 in
	hashfloor*)
		if ! floor_on; then
			info fail "$1 $2 $3: cannot load vs_hashfloor.ko"
			return 0
		fi ;;
	vf-warm)
		# Its own eviction: the whole file is cached when it starts.
		vs_drop_caches
		"$B/cat" "$VS_MNT/$1.verity" > /dev/null ;;
	vf-state)
		# a fresh pass each run, not the resume of the last one
		rm -f /tmp/vsb-state
		vs_drop_caches ;;
	*)
		vs_drop_caches ;;
	esac
	_out=/tmp/vsb-out
	case $2 in	# their output is the files
	cat|find-cat|xargs-cat) _out=/dev/null ;;
	esac
	rm -f /tmp/vsb-out
	echo "VSB-CASE $1 $2 $3" > /dev/console
	_rc=0
	# shellcheck disable=SC2086
	"$B/vsb-measure" -o "$_out" -l "$2" -- $_cmd > /dev/console || _rc=$?
	grep '^VSB-' /tmp/vsb-out > /dev/console 2>/dev/null || true
	if [ $_rc -ne 0 ]; then
		info fail "$1 $2 $3 rc=$_rc: $(head -c 600 /tmp/vsb-out 2>/dev/null)"
	fi
	case $2 in
	hashfloor*) floor_off || info fail "cannot reload verity_scrub.ko" ;;
	esac
}

for c in $BENCH_CASES; do
	name=${c%%:*}
	methods=$BENCH_METHODS
	[ "$name" = big ] && methods=$BENCH_BIG_METHODS
	is_tree "$name" && methods=$BENCH_TREE_METHODS
	info methods "$name $methods"
	n=$(echo "$methods" | wc -w)
	r=1
	while [ $r -le "$BENCH_RUNS" ]; do
		# rotate the order so no method always follows the same one
		# shellcheck disable=SC2086
		set -- $methods
		i=0
		while [ $i -lt $(((r - 1) % n)) ]; do
			m=$1
			shift
			set -- "$@" "$m"
			i=$((i + 1))
		done
		for m in "$@"; do
			run_one "$name" "$m" "$r"
		done
		r=$((r + 1))
	done
done

# ---- profiles (BENCH_PROFILE=yes): where the CPU time goes -----------------
# cpu-clock sampling (TCG has no PMU) of the whole guest during one run of
# each profiled method on the first case (a tree's methods: the first tree),
# cold cache.
if [ "$BENCH_PROFILE" = yes ] && [ -x "$B/perf" ]; then
	echo -1 > /proc/sys/kernel/perf_event_paranoid
	echo 0 > /proc/sys/kernel/kptr_restrict
	for m in $BENCH_PROFILE_METHODS; do
		# a tree's methods on the first tree case, the others on the
		# first case
		name=${BENCH_CASES%%:*}
		case $m in
		find-cat|xargs-cat|vf-r-j*)
			for c in $BENCH_CASES; do
				is_tree "${c%%:*}" && { name=${c%%:*}; break; }
			done ;;
		esac
		_cmd=$(method_cmd "$m" "$name" || true)
		[ -n "$_cmd" ] || continue
		vs_drop_caches
		# shellcheck disable=SC2086
		"$B/perf" record -q -a -g -e cpu-clock -F 999 -o /tmp/perf.data \
			-- $_cmd > /dev/null 2>&1 || info fail "perf record $m"
		echo "VSB-PROFILE-BEGIN $m" > /dev/console
		"$B/perf" report -i /tmp/perf.data --stdio --no-children \
			--sort cpu,comm -g none --percent-limit 1 2>/dev/null |
			grep -v '^#' | grep . | head -n 20 > /dev/console || true
		"$B/perf" report -i /tmp/perf.data --stdio --no-children \
			--sort comm,dso,sym -g none --percent-limit 0.7 2>/dev/null |
			grep -v '^#' | grep . | head -n 45 > /dev/console || true
		case $m in
		vf*)	# verify-file's own time, by function with what it
			# calls (call graphs): where a file's time goes
			"$B/perf" report -i /tmp/perf.data --stdio --children \
				--comms verify-file --sort sym -g none \
				--percent-limit 0.5 2>/dev/null | grep -v '^#' |
				grep . | head -n 70 > /dev/console || true ;;
		esac
		echo "VSB-PROFILE-END $m" > /dev/console
		rm -f /tmp/perf.data
	done
fi
# The driver verity_scrub hashes with (module/hashpick.c says so in dmesg
# when it is not the crypto API's pick, which is then fs-verity's too).
mod_driver=$(dmesg | sed -n 's/.*verity_scrub: sha256 using "\([^"]*\)".*/\1/p' | head -n1)
info module_sha256 "${mod_driver:-$fsv_driver}"
vs_pass benchmark-ran
