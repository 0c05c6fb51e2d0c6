#!/bin/bash
# Lint the kernel code: checkpatch.pl --strict (from the 6.12 kernel tree),
# sparse (C=2, W=1) against the 6.12 and the 6.1 build, and no LINUX_VERSION_CODE outside
# module/compat.h.  Prints one "VS-RESULT PASS|FAIL lint[host] <check>
# [-- reason]" line per check (tests/guest/result.sh).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${VS_BUILD:-$top/build}
rc=0
. "$top/tests/guest/result.sh"

result() {
	if [ "$2" = 0 ]; then
		vs_result PASS "lint[host]" "$1"
	else
		vs_result FAIL "lint[host]" "$1" "$3"
		rc=1
	fi
}

line=$("$here/provision-kernels.sh" 6.12 | grep '^6.12 ')
kdir=$(echo "$line" | cut -d' ' -f2)
cd "$top" || exit 1
mapfile -t files < <(ls module/*.[ch] kunit/*.[ch] uapi/linux/*.h 2>/dev/null)

out=$("$kdir/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f "${files[@]}" 2>&1 |
	grep -E ': (ERROR|WARNING|CHECK):')
echo "$out" | grep . | head -40
result checkpatch "$([ -z "$out" ] && echo 0 || echo 1)" \
	"$(echo "$out" | grep -c .) checkpatch complaints"

out=$(grep -ln 'LINUX_VERSION_CODE' "${files[@]}" | grep -v '^module/compat.h$')
result version-checks-only-in-compat "$([ -z "$out" ] && echo 0 || echo 1)" \
	"LINUX_VERSION_CODE in: $out"

# sparse against both kernels the module is built for: their headers differ
# (compat.h takes other branches), and so can what sparse sees.
sparse_on() {	# KERNEL KDIR CHECK-NAME
	local d=$build/sparse-$1 out status warn
	mkdir -p "$d"
	rsync -a --delete --exclude "*.o" --exclude "*.ko" module kunit uapi Kbuild VERSION "$d/"
	out=$(make -C "$2" M="$d" C=2 W=1 modules 2>&1)
	status=$?
	warn=$(echo "$out" | grep -E 'warning:|error:')
	echo "$warn" | grep . | head -40
	[ $status = 0 ] && [ -z "$warn" ]
	result "$3" $? "make C=2 against $1: exit $status, $(echo "$warn" | grep -c .) warnings"
}
sparse_on 6.12 "$kdir" sparse
kdir61=$("$here/provision-kernels.sh" 6.1 | grep '^6.1 ' | cut -d' ' -f2)
sparse_on 6.1 "$kdir61" sparse-6.1
exit $rc
