#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tests/check-buildflags.sh - the build honours the packaging flags
#
# A distribution build, as Debian's would run it: the sources copied to a
# temporary tree (userspace/ is left alone), then
#   eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)"
#   make -j2 WERROR=0 verify-file lib
# (-D_FORTIFY_SOURCE=2, -fstack-protector-strong, -Wl,-z,relro,
# -Wl,-z,now; dpkg-dev).  readelf then checks verify-file and
# libverityscrub.so for relro, BIND_NOW and fortified calls, and make -n
# checks that WERROR=0 drops -Werror, which development builds keep.
# About 10 s on two cores.
# Prints "PASS: name" or "FAIL: name: why"; tests/run-tests.sh counts them.
cd "$(dirname "$0")/.." || exit 1	# userspace/
# Run from make check: the outer make's command-line variables (CFLAGS=,
# WERROR=, ...), which make also puts in the environment, must not reach
# these builds: they set their own.
unset MAKEFLAGS MFLAGS MAKELEVEL WERROR CPPFLAGS CFLAGS LDFLAGS
export CC=cc
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; failed=1; }
CHECKS="buildflags-build buildflags-flags-used buildflags-verify-file-hardened
	buildflags-so-hardened buildflags-verify-file-fortified
	buildflags-so-fortified"

if ! command -v dpkg-buildflags > /dev/null; then
	for c in $CHECKS buildflags-werror; do
		fail $c "no dpkg-buildflags (Debian package dpkg-dev)"
	done
	exit 1
fi
src=$tmp/src
mkdir -p "$src/userspace"
cp -r Makefile verityscrub.h lib cli man "$src/userspace/"
cp -r ../uapi ../VERSION "$src/"
soname=libverityscrub.so.0

# ---- WERROR: make -n prints every command of a full build -------------------
# werror_lines ARGS...: how many compile commands carry -Werror, of how many.
werror_lines() {
	make -n -B -C "$src/userspace" "$@" verify-file lib 2>&1 |
		grep -E '^cc .* -c ' > "$tmp/dry" || true
	echo "$(grep -cE -- ' -Werror( |$)' "$tmp/dry")/$(grep -c . "$tmp/dry")"
}
dev=$(werror_lines)
dist=$(werror_lines WERROR=0)
n=${dev#*/}
if [ "$n" -gt 0 ] && [ "$dev" = "$n/$n" ] && [ "$dist" = "0/$n" ]; then
	pass buildflags-werror
else
	fail buildflags-werror "compile commands with -Werror: $dev by default, $dist with WERROR=0 (expected $n/$n and 0/$n)"
fi

# ---- the distribution build ---------------------------------------------------
(
	export DEB_BUILD_MAINT_OPTIONS=hardening=+all
	eval "$(dpkg-buildflags --export=sh)"
	make -j2 -C "$src/userspace" WERROR=0 verify-file lib
) > "$tmp/build.log" 2>&1
rc=$?
vf=$src/userspace/verify-file
so=$(ls "$src/userspace/$soname".*.* 2>/dev/null | head -n1)
if [ $rc != 0 ] || [ ! -f "$vf" ] || [ -z "$so" ]; then
	tail -n 20 "$tmp/build.log" | sed 's/^/  build: /'
	for c in $CHECKS; do
		fail $c "make WERROR=0 verify-file lib with dpkg-buildflags: exit $rc, verify-file $(
			[ -f "$vf" ] && echo built || echo missing), $soname.* ${so:-missing}"
	done
	exit 1
fi
pass buildflags-build

# Every compile command got CPPFLAGS and CFLAGS, every link LDFLAGS.
grep -E '^cc ' "$tmp/build.log" > "$tmp/cmds"
compiles=$(grep -c -- ' -c ' "$tmp/cmds")
links=$(grep -vc -- ' -c ' "$tmp/cmds")
c_ok=$(grep -- ' -c ' "$tmp/cmds" | grep -- '-D_FORTIFY_SOURCE=2' |
	grep -c -- '-fstack-protector-strong')
l_ok=$(grep -v -- ' -c ' "$tmp/cmds" | grep -- '-Wl,-z,relro' | grep -c -- '-Wl,-z,now')
if [ "$compiles" -gt 0 ] && [ "$links" -ge 2 ] && [ "$c_ok" = "$compiles" ] &&
	[ "$l_ok" = "$links" ]; then
	pass buildflags-flags-used
else
	fail buildflags-flags-used "compiles with CPPFLAGS+CFLAGS: $c_ok of $compiles; links with LDFLAGS: $l_ok of $links"
fi

# hardened NAME FILE: relro segment and BIND_NOW (DT_FLAGS or DT_FLAGS_1).
hardened() {
	relro=$(readelf -lW "$2" | grep -c 'GNU_RELRO')
	now=$(readelf -dW "$2" | grep -cE '\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*NOW')
	if [ "$relro" -ge 1 ] && [ "$now" -ge 1 ]; then
		pass "$1"
	else
		fail "$1" "$(basename "$2"): GNU_RELRO segments $relro, BIND_NOW flags $now (expected both)"
	fi
}
hardened buildflags-verify-file-hardened "$vf"
hardened buildflags-so-hardened "$so"

# fortified NAME FILE: calls to glibc's checking variants (__*_chk), and
# the stack protector's __stack_chk_fail.
fortified() {
	readelf --dyn-syms -W "$2" | awk '$7 == "UND" { sub(/@.*/, "", $8); print $8 }' |
		sort -u > "$tmp/und"
	chk=$(grep -E '^__[a-z0-9_]+_chk$' "$tmp/und" | grep -v '^__stack_chk_fail$' | tr '\n' ' ')
	if [ -n "$chk" ] && grep -qx '__stack_chk_fail' "$tmp/und"; then
		pass "$1"
	else
		fail "$1" "$(basename "$2"): fortified calls '$chk', __stack_chk_fail $(grep -cx '__stack_chk_fail' "$tmp/und") (expected some and 1)"
	fi
}
fortified buildflags-verify-file-fortified "$vf"

# The library makes no libc call glibc can check (its memcpy and memset
# sizes are known to fit, or its destinations are of unknown size), so the
# .so has no __*_chk symbol to find.  Checked instead: the stack protector,
# and that the library's own compile command, preprocessed, has fortify
# active (glibc's __USE_FORTIFY_LEVEL 2: it turns fortify off without
# optimisation).
readelf --dyn-syms -W "$so" | awk '$7 == "UND" { sub(/@.*/, "", $8); print $8 }' |
	sort -u > "$tmp/und"
cmd=$(grep -E '^cc .* -c -o \S*/lib/verityscrub\.o lib/verityscrub\.c$' "$tmp/cmds" |
	sed 's/ -c -o [^ ]* / -E -dM /')
level=
if [ -n "$cmd" ]; then
	level=$(cd "$src/userspace" && eval "$cmd" 2>/dev/null |
		sed -n 's/^#define __USE_FORTIFY_LEVEL //p')
fi
if [ "$level" = 2 ] && grep -qx '__stack_chk_fail' "$tmp/und"; then
	pass buildflags-so-fortified
else
	fail buildflags-so-fortified "$(basename "$so"): __USE_FORTIFY_LEVEL '$level' in lib/verityscrub.c's compile command, __stack_chk_fail $(grep -cx '__stack_chk_fail' "$tmp/und") (expected 2 and 1)"
fi
exit $failed
