#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# abi/check.sh OBJDIR           check libverityscrub.so.0 in OBJDIR (make check)
# abi/check.sh --update OBJDIR  rewrite the baseline from it (make abi-update)
#
# The baseline, abi/libverityscrub.so.0.abi, is abidw's dump of the .so
# (libabigail, Debian's abigail-tools): the exported functions and every
# type of the public headers they reach (verityscrub.h and
# linux/verity_scrub.h; the library's private types are dropped), without
# paths.  The check fails on any difference abidiff finds: a removed or
# changed function, a public struct or enum changed (abidiff exit bits 8
# and 4), and also an addition until the baseline is updated on purpose
# (make abi-update, committed with the change).
#
# Prints "PASS: name" or "FAIL: name: why" per check; tests/run-tests.sh
# counts them.  Exits non-zero if a check failed.
cd "$(dirname "$0")/.." || exit 1	# userspace/
update=0
if [ "$1" = --update ]; then
	update=1
	shift
fi
obj=${1:-.obj}
SONAME=libverityscrub.so.0
BASELINE=abi/$SONAME.abi
VERSION=$(cat ../VERSION)
minor_patch=${VERSION#*.}
so=$obj/$SONAME.$minor_patch
# Test hooks of lib/lib_private.h: linkable from the archive, never exported.
HOOKS="vs_default_ops vs_real_ops vs_dev_set_ranges_cap"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; failed=1; }

# The public headers, alone in a directory: abidw and abidiff keep only
# the types defined there.
mkdir -p "$tmp/include/linux"
cp verityscrub.h "$tmp/include/"
cp ../uapi/linux/verity_scrub.h "$tmp/include/linux/"

if [ ! -f "$so" ]; then
	for c in abi-soname abi-exports abi-no-test-hooks abi-baseline abi-shared-example; do
		fail $c "no $so (build it: make -C userspace lib)"
	done
	exit 1
fi
if ! readelf -S "$so" | grep -q '\.debug_info'; then
	fail abi-baseline "$so has no debug info: abidw needs DWARF (build with -g)"
	[ $update = 1 ] && exit 1
fi

if [ $update = 1 ]; then
	abidw --headers-dir "$tmp/include" --drop-private-types \
		--drop-undefined-syms --no-corpus-path --no-comp-dir-path \
		--no-show-locs --out-file "$BASELINE" "$so" || exit 1
	echo "wrote $BASELINE from $so"
	exit 0
fi

soname=$(readelf -d "$so" | sed -n 's/.*(SONAME) *Library soname: \[\(.*\)\]$/\1/p')
if [ "$soname" = "$SONAME" ]; then
	pass abi-soname
else
	fail abi-soname "SONAME of $so is '$soname', expected $SONAME"
fi

# Exported: exactly the functions verityscrub.h declares, each with a
# version of the map (VERITYSCRUB_*).
sed -n 's/^[a-z][^#(]*[ *]\(verity_scrub_[a-z0-9_]*\)(.*/\1/p' verityscrub.h |
	sort -u > "$tmp/declared"
nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }' | sort > "$tmp/exported"
sed 's/@.*//' "$tmp/exported" > "$tmp/exported-names"
unversioned=$(grep -v '@@VERITYSCRUB_' "$tmp/exported" | tr '\n' ' ')
if [ ! -s "$tmp/declared" ]; then
	fail abi-exports "found no function declarations in verityscrub.h"
elif ! cmp -s "$tmp/declared" "$tmp/exported-names"; then
	fail abi-exports "exported symbols differ from verityscrub.h's functions (-declared +exported): $(
		diff "$tmp/declared" "$tmp/exported-names" | sed -n 's/^\([<>]\) /\1/p' |
		tr '<>' '-+' | tr '\n' ' ')"
elif [ -n "$unversioned" ]; then
	fail abi-exports "symbols without a VERITYSCRUB_ version: $unversioned"
else
	pass abi-exports
fi

leaked=
for h in $HOOKS; do
	grep -qx "$h" "$tmp/exported-names" && leaked="$leaked $h"
done
if ! nm "$obj/libverityscrub.a" | grep -q ' vs_default_ops$'; then
	fail abi-no-test-hooks "the static archive lost the test hooks (the host tests need them)"
elif [ -n "$leaked" ]; then
	fail abi-no-test-hooks "$so exports test hooks:$leaked"
else
	pass abi-no-test-hooks
fi

if [ ! -f "$BASELINE" ]; then
	fail abi-baseline "no $BASELINE (make -C userspace abi-update, then commit it)"
else
	# The baseline holds the public types only (verity_scrub_dev is
	# declaration-only there): the .so's private definitions are then
	# harmless differences abidiff filters out.  Not --hd2: it would
	# filter the public types too, the baseline having no locations.
	abidiff --no-show-locs "$BASELINE" "$so" > "$tmp/abidiff" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		pass abi-baseline
	else
		if [ $((rc & 8)) != 0 ]; then
			why="incompatible ABI change against $BASELINE"
		elif [ $((rc & 4)) != 0 ]; then
			why="ABI changed against $BASELINE (abidiff cannot tell whether callers still work: review the report; a deliberate, compatible change updates the baseline with make -C userspace abi-update)"
		else
			why="abidiff failed (exit $rc)"
		fi
		sed 's/^/  abidiff: /' "$tmp/abidiff"
		fail abi-baseline "$why"
	fi
fi

# The example scrub tool linked with the .so (not the archive) runs: with
# no device on the host, the documented exit status 2 and the library's
# message for a missing module.
ex=$obj/bin/scrub-example-so
if [ ! -x "$ex" ]; then
	fail abi-shared-example "no $ex"
elif ! readelf -d "$ex" | grep -q "(NEEDED).*\[$SONAME\]"; then
	fail abi-shared-example "$ex is not linked with $SONAME"
else
	LD_LIBRARY_PATH=$obj "$ex" ../VERSION > "$tmp/ex.out" 2> "$tmp/ex.err"
	rc=$?
	want="$ex: /dev/verity-scrub is not available: the verity_scrub module is not loaded"
	if [ $rc = 2 ] && grep -qF "$want" "$tmp/ex.err"; then
		pass abi-shared-example
	else
		fail abi-shared-example "exit $rc, stderr '$(head -c 300 "$tmp/ex.err")', expected 2 and '$want ...'"
	fi
fi
exit $failed
