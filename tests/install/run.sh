#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/install/run.sh - host-side install tests (issue 6): DKMS, make
# install/uninstall, modules_install, the pkg-config file, the udev rule.
#
# Called by tests/harness/vsbench.py check after the 6.1 module build (it
# needs build/mod-6.1/verity_scrub.ko); root only; installs the Debian
# packages it needs.  Prints one line per check (tests/guest/result.sh):
#   VS-RESULT PASS install[host] <name>
#   VS-RESULT FAIL install[host] <name> -- <reason>
# and exits 0 even when checks fail (the driver counts the lines).  A check
# whose prerequisite failed prints FAIL (never nothing, never PASS).
#
# Nothing global is touched: DKMS runs with private --dkmstree,
# --sourcetree and --installtree, --no-depmod, and a throw-away signing
# key; make install and modules_install go to temporary DESTDIR /
# INSTALL_MOD_PATH; the udev rule is evaluated by udevadm in a private
# mount namespace with its own /dev, /run and rules directories.  Nothing
# is ever loaded into the host kernel.
#
# Also writes build/dkms-6.1/verity_scrub.ko (the DKMS-built module), which
# the driver puts at /lib/vs/dkms/verity_scrub.ko in the 6.1 guest for
# tests/scenarios/install-dkms.sh.
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${VS_BUILD:-$TOP/build}
LOGDIR=$BUILD/logs/install
BENCH_KO=$BUILD/mod-6.1/verity_scrub.ko
OUT_KO=$BUILD/dkms-6.1/verity_scrub.ko
PKG=verity-scrub
PREFIX=/usr

mkdir -p "$LOGDIR"
TMP=$(mktemp -d /tmp/vs-install.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

. "$TOP/tests/guest/result.sh"
pass() { vs_result PASS "install[host]" "$1"; }
fail() { vs_result FAIL "install[host]" "$1" "$2"; }
# check NAME REASON-IF-FAILED CMD...: PASS if CMD succeeds.
check() {
	local name=$1 why=$2
	shift 2
	if "$@"; then pass "$name"; else fail "$name" "$why"; fi
}
# expect NAME WANT GOT: PASS if equal.
expect() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; fi
}
# logged LOG CMD...: run CMD with its output in $LOGDIR/LOG.
logged() {
	local log=$LOGDIR/$1
	shift
	"$@" > "$log" 2>&1
}
last() { tail -n 3 "$LOGDIR/$1" 2>/dev/null | tr '\n' ' ' | cut -c1-300; }

if [ "$(id -u)" != 0 ]; then
	for c in deps version dkms-add dkms-build dkms-vermagic dkms-same-code \
		dkms-srcversion dkms-signed dkms-copy dkms-install dkms-remove \
		dkms-nothing-global make-install-files make-install-modes \
		verify-file-version pkgconfig-version shared-lib-links example-build \
		example-run example-build-static example-run-static \
		make-uninstall modules-install sysusers udev-rule udev-readme; do
		fail $c "tests/install/run.sh must run as root"
	done
	exit 0
fi

# ---- dependencies ------------------------------------------------------------

deps_ok=1
ABI=$("$TOP/tests/harness/install-deps.sh" 2> "$LOGDIR/install-deps.log") || ABI=
if [ -z "$ABI" ]; then
	deps_ok=0
	deps_why="tests/harness/install-deps.sh failed: $(last install-deps.log)"
fi
missing=()
for p in dkms openssl; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ] &&
	! logged apt-get.log env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}"; then
	deps_ok=0
	deps_why="apt-get install ${missing[*]} failed: $(last apt-get.log)"
fi
KDIR=/lib/modules/$ABI/build
if [ $deps_ok = 1 ] && [ ! -f "$KDIR/Makefile" ]; then
	deps_ok=0
	deps_why="no kernel headers at $KDIR"
fi
if [ $deps_ok = 1 ]; then pass deps; else fail deps "$deps_why"; fi

# ---- one version -------------------------------------------------------------

VERSION=$(cat "$TOP/VERSION" 2>/dev/null)
DKMS_VER=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$TOP/dkms.conf")
DKMS_NAME=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$TOP/dkms.conf")
if ! [[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
	fail version "VERSION is '$VERSION', not N.N.N"
elif [ "$DKMS_VER" != "$VERSION" ]; then
	fail version "dkms.conf PACKAGE_VERSION '$DKMS_VER' differs from VERSION '$VERSION'"
elif [ "$DKMS_NAME" != "$PKG" ]; then
	fail version "dkms.conf PACKAGE_NAME is '$DKMS_NAME', not '$PKG'"
elif ! logged version-check.log make -s -C "$TOP" version-check; then
	fail version "make version-check failed: $(last version-check.log)"
else
	pass version
fi

# ---- DKMS ------------------------------------------------------------------------

DK=$TMP/dkms
DKOPT=(--dkmstree "$DK/tree" --sourcetree "$DK/src" --installtree "$DK/inst")
MV=(-m "$PKG" -v "$VERSION")
# DKMS signs what it builds; keep its key out of /var/lib/dkms.  (A
# sign_file/mok_* setting in /etc/dkms/framework.conf would win over these.)
export sign_file="" mok_signing_key=$DK/mok.key mok_certificate=$DK/mok.pub
DKMS_KO=$DK/tree/$PKG/$VERSION/$ABI/x86_64/module/verity_scrub.ko
INST_KO=$DK/inst/$ABI/updates/dkms/verity_scrub.ko

# What a DKMS run could change outside its private trees.
global_state() {
	for d in /var/lib/dkms /usr/src "/lib/modules/$ABI" /etc/dkms; do
		echo "== $d"
		find "$d" -maxdepth 2 -printf '%p %y %T@\n' 2>/dev/null | sort
	done
}

dkms_status() { dkms status "${MV[@]}" -k "$ABI" "${DKOPT[@]}" 2>/dev/null; }

# Comparable dump of a module's code: every allocated section's name, size
# and bytes, and every relocation (symbol + offset), without file offsets,
# debug info or the signature.
code_dump() {
	local ko=$1 sec secs
	secs=$(readelf -SW "$ko" | awk '$0 ~ /^ *\[ *[0-9]+\]/ {
		sub(/^ *\[ *[0-9]+\] */, ""); if ($7 ~ /A/) print $1 }')
	for sec in $secs; do
		case $sec in .note.*) continue ;; esac	# build id: covers debug info
		objcopy -O binary --only-section="$sec" "$ko" "$TMP/sec.bin" 2>/dev/null
		echo "$sec $(stat -c %s "$TMP/sec.bin") $(sha256sum < "$TMP/sec.bin" | cut -c1-64)"
	done
	# Relocations of the allocated sections only (debug info is stripped by
	# DKMS, not by the bench).
	readelf -rW "$ko" | awk -v secs=" $(echo $secs) " '
		/^Relocation section/ { s = $3; gsub(/\047/, "", s); sub(/^\.rela/, "", s)
			keep = index(secs, " " s " ") > 0; if (keep) print "section " s; next }
		keep && /^[0-9a-f]+ +[0-9a-f]+ / { $2 = ""; $1 = $1; print }'
}

DKMS_CHECKS=(dkms-add dkms-build dkms-vermagic dkms-same-code dkms-srcversion
	dkms-signed dkms-copy dkms-install dkms-remove dkms-nothing-global)
dkms_tests() {
	local c
	if [ $deps_ok = 0 ]; then
		for c in "${DKMS_CHECKS[@]}"; do fail $c "dependencies missing (see deps)"; done
		return
	fi
	mkdir -p "$DK/tree" "$DK/inst/$ABI"
	global_state > "$TMP/global.before"

	# dkms add, from the tree `make dkms-src` makes (what a user's
	# `make dkms-install` hands to dkms).
	if ! logged dkms-src.log make -s -C "$TOP" dkms-src DESTDIR="$DK" \
		DKMS_SRCDIR="/src/$PKG-$VERSION"; then
		for c in "${DKMS_CHECKS[@]}"; do fail $c "make dkms-src failed: $(last dkms-src.log)"; done
		return
	fi
	if ! logged dkms-add.log dkms add "${MV[@]}" "${DKOPT[@]}"; then
		fail dkms-add "dkms add failed: $(last dkms-add.log)"
	else
		expect dkms-add "$PKG/$VERSION: added" "$(dkms status "${MV[@]}" "${DKOPT[@]}" 2>/dev/null)"
	fi

	if ! logged dkms-build.log dkms build "${MV[@]}" -k "$ABI" "${DKOPT[@]}"; then
		fail dkms-build "dkms build -k $ABI failed: $(last dkms-build.log)"
	elif [ ! -f "$DKMS_KO" ]; then
		fail dkms-build "dkms build succeeded but $DKMS_KO is missing"
	else
		expect dkms-build "$PKG/$VERSION, $ABI, x86_64: built" "$(dkms_status)"
	fi

	if [ ! -f "$DKMS_KO" ]; then
		for c in dkms-vermagic dkms-same-code dkms-srcversion dkms-signed dkms-copy; do
			fail $c "no DKMS-built module (see dkms-build)"
		done
	elif [ ! -f "$BENCH_KO" ]; then
		expect dkms-vermagic "$ABI" "$(modinfo -F vermagic "$DKMS_KO" | cut -d' ' -f1)"
		for c in dkms-same-code dkms-srcversion; do
			fail $c "$BENCH_KO is missing: the bench's 6.1 module build must run first"
		done
	else
		expect dkms-vermagic "$(modinfo -F vermagic "$BENCH_KO")" \
			"$(modinfo -F vermagic "$DKMS_KO")"
		code_dump "$BENCH_KO" > "$TMP/code.bench"
		code_dump "$DKMS_KO" > "$TMP/code.dkms"
		if [ ! -s "$TMP/code.bench" ]; then
			fail dkms-same-code "could not read the sections of $BENCH_KO"
		elif cmp -s "$TMP/code.bench" "$TMP/code.dkms"; then
			pass dkms-same-code
		else
			diff "$TMP/code.bench" "$TMP/code.dkms" > "$LOGDIR/same-code.diff"
			fail dkms-same-code "sections or relocations differ from $BENCH_KO (see $LOGDIR/same-code.diff)"
		fi
		local sb sd
		sb=$(modinfo -F srcversion "$BENCH_KO")
		sd=$(modinfo -F srcversion "$DKMS_KO")
		if [ -z "$sb" ] || [ -z "$sd" ]; then
			fail dkms-srcversion "no srcversion in the module (bench '$sb', DKMS '$sd'): modpost adds one only to modules with MODULE_VERSION() (Debian's 6.1 has no CONFIG_MODULE_SRCVERSION_ALL); module/ should declare MODULE_VERSION"
		else
			expect dkms-srcversion "$sb" "$sd"
		fi
	fi

	if [ -f "$DKMS_KO" ]; then
		# Signed at build time with the MOK key DKMS made (README, Secure
		# Boot): modinfo's sig_key is the certificate's serial number.
		local want got
		want=$(openssl x509 -inform DER -in "$mok_certificate" -noout \
			-serial 2>/dev/null | sed -n 's/^serial=//p')
		got=$(modinfo -F sig_key "$DKMS_KO" | tr -d ':')
		if [ -z "$want" ]; then
			fail dkms-signed "DKMS made no MOK certificate at $mok_certificate"
		else
			expect dkms-signed "DKMS module signing key $want sha256" \
				"$(modinfo -F signer "$DKMS_KO") $got $(modinfo -F sig_hashalgo "$DKMS_KO")"
		fi
		mkdir -p "$(dirname "$OUT_KO")"
		rm -f "$OUT_KO"
		if cp "$DKMS_KO" "$OUT_KO" && cmp -s "$DKMS_KO" "$OUT_KO"; then
			pass dkms-copy
		else
			fail dkms-copy "cannot copy the DKMS module to $OUT_KO"
		fi
	fi

	# dkms install into the private install tree; no depmod (it would
	# write /lib/modules/$ABI/modules.*).  Nothing is loaded.
	if ! logged dkms-install.log dkms install "${MV[@]}" -k "$ABI" --no-depmod "${DKOPT[@]}"; then
		fail dkms-install "dkms install failed: $(last dkms-install.log)"
	elif ! cmp -s "$DKMS_KO" "$INST_KO"; then
		fail dkms-install "$INST_KO missing or not the module DKMS built"
	else
		expect dkms-install "$PKG/$VERSION, $ABI, x86_64: installed" "$(dkms_status)"
	fi

	if ! logged dkms-remove.log dkms remove "${MV[@]}" --all --no-depmod "${DKOPT[@]}"; then
		fail dkms-remove "dkms remove failed: $(last dkms-remove.log)"
	else
		local left
		left=$(cd "$DK" && find tree inst -mindepth 1 ! -type d | sort | tr '\n' ' ')
		if [ -n "$(dkms status "${DKOPT[@]}" 2>/dev/null)" ]; then
			fail dkms-remove "dkms status still lists: $(dkms status "${DKOPT[@]}" | tr '\n' ' ')"
		else
			expect dkms-remove "" "$left"
		fi
	fi

	global_state > "$TMP/global.after"
	if cmp -s "$TMP/global.before" "$TMP/global.after"; then
		pass dkms-nothing-global
	else
		diff "$TMP/global.before" "$TMP/global.after" > "$LOGDIR/global.diff"
		fail dkms-nothing-global "DKMS changed files outside its private trees (see $LOGDIR/global.diff)"
	fi
}
dkms_tests

# ---- make install / uninstall ------------------------------------------------------

D=$TMP/destdir
EXPECTED="/etc/verity-scrub.conf 644
/usr/bin/verify-file 755
/usr/include/linux/verity_scrub.h 644
/usr/include/verityscrub.h 644
/usr/lib/libverityscrub.a 644
/usr/lib/libverityscrub.so 777
/usr/lib/libverityscrub.so.0 777
/usr/lib/libverityscrub.so.0.${VERSION#*.} 644
/usr/lib/pkgconfig/verityscrub.pc 644
/usr/lib/systemd/system/verity-scrub-all.service 644
/usr/lib/systemd/system/verity-scrub-all.timer 644
/usr/lib/systemd/system/verity-scrub-fail@.service 644
/usr/lib/systemd/system/verity-scrub@.service 644
/usr/lib/sysusers.d/verity-scrub.conf 644
/usr/lib/udev/rules.d/60-verity-scrub.rules 644
/usr/share/bash-completion/completions/verify-file 644
/usr/share/doc/verity-scrub/examples/modules-load.d/verity-scrub.conf 644
/usr/share/doc/verity-scrub/examples/prometheus/verity-scrub.rules.yml 644
/usr/share/doc/verity-scrub/examples/verity-scrub.conf 644
/usr/share/man/man1/verify-file.1 644
/usr/share/man/man3/verity_scrub_close.3 777
/usr/share/man/man3/verity_scrub_detail_name.3 777
/usr/share/man/man3/verity_scrub_fd.3 777
/usr/share/man/man3/verity_scrub_kind_name.3 777
/usr/share/man/man3/verity_scrub_open.3 777
/usr/share/man/man3/verity_scrub_opts_init.3 777
/usr/share/man/man3/verity_scrub_opts_init_size.3 777
/usr/share/man/man3/verity_scrub_path.3 777
/usr/share/man/man3/verity_scrub_repair_opts_init.3 777
/usr/share/man/man3/verity_scrub_repair_opts_init_size.3 777
/usr/share/man/man3/verity_scrub_repair_path.3 777
/usr/share/man/man3/verity_scrub_repair_result_init.3 777
/usr/share/man/man3/verity_scrub_repair_result_init_size.3 777
/usr/share/man/man3/verity_scrub_repair_status_name.3 777
/usr/share/man/man3/verity_scrub_repair_step_name.3 777
/usr/share/man/man3/verity_scrub_result_init.3 777
/usr/share/man/man3/verity_scrub_result_init_size.3 777
/usr/share/man/man3/verity_scrub_strerror.3 777
/usr/share/man/man3/verity_scrub_version.3 777
/usr/share/man/man3/verityscrub.3 644
/usr/share/man/man4/verity-scrub.4 644
/usr/share/verify-file/verify-file.schema.json 644"

install_tests() {
	local c
	if ! logged make-install.log make -C "$TOP" install DESTDIR="$D" PREFIX=$PREFIX; then
		for c in make-install-files make-install-modes verify-file-version \
			pkgconfig-version shared-lib-links example-build example-run \
			example-build-static example-run-static make-uninstall; do
			fail $c "make install DESTDIR=... PREFIX=$PREFIX failed: $(last make-install.log)"
		done
		return
	fi
	# (the man page links are symlinks: mode 777)
	expect make-install-files "$(echo "$EXPECTED" | cut -d' ' -f1 | LC_ALL=C sort | tr '\n' ' ')" \
		"$(cd "$D" && find . ! -type d | sed 's/^\.//' | LC_ALL=C sort | tr '\n' ' ')"
	expect make-install-modes "$(echo "$EXPECTED" | LC_ALL=C sort | tr '\n' ' ')" \
		"$(cd "$D" && find . ! -type d -printf '%p %m\n' | sed 's/^\.//' | LC_ALL=C sort | tr '\n' ' ')"
	expect verify-file-version "$VERSION" \
		"$("$D/usr/bin/verify-file" --version 2>&1 | grep -o '[0-9][0-9.]*[0-9]' | head -n1)"

	# The shared library: the development link -> the SONAME link -> the
	# real file, whose SONAME is the middle name.
	local lib=$D$PREFIX/lib sofile=libverityscrub.so.0.${VERSION#*.}
	expect shared-lib-links "libverityscrub.so.0 $sofile libverityscrub.so.0" \
		"$(readlink "$lib/libverityscrub.so") $(readlink "$lib/libverityscrub.so.0") $(
			readelf -d "$lib/$sofile" 2>&1 | sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p')"

	# The example scrub tool against the installed header and .pc alone:
	# its source is copied away from userspace/ so "verityscrub.h" can only
	# come from the DESTDIR, and the header trace must show that.
	export PKG_CONFIG_PATH=$D$PREFIX/lib/pkgconfig PKG_CONFIG_LIBDIR=$D$PREFIX/lib/pkgconfig
	export PKG_CONFIG_SYSROOT_DIR=$D
	expect pkgconfig-version "$VERSION" "$(pkg-config --modversion verityscrub 2>&1)"
	local ex=$TMP/example cflags libs
	mkdir -p "$ex"
	cp "$TOP/userspace/examples/scrub-example.c" "$ex/"
	if [ -e /usr/include/verityscrub.h ] || [ -e /usr/include/linux/verity_scrub.h ]; then
		fail example-build "the host has verityscrub.h or linux/verity_scrub.h in /usr/include: cannot prove the DESTDIR copies are used"
	elif ! cflags=$(pkg-config --cflags verityscrub) || ! libs=$(pkg-config --libs verityscrub); then
		fail example-build "pkg-config verityscrub failed"
	elif ! (cd "$ex" && logged example-build.log cc -std=c11 -Wall -Wextra -Werror -H \
			$cflags -o scrub-example scrub-example.c $libs); then
		fail example-build "cc \$(pkg-config --cflags --libs verityscrub) failed: $(last example-build.log)"
	else
		local hdrs
		hdrs=$(grep -E '^\.+ .*(verityscrub|verity_scrub)\.h$' "$LOGDIR/example-build.log" |
			awk '{print $2}' | sort | tr '\n' ' ')
		expect example-build "$D$PREFIX/include/linux/verity_scrub.h $D$PREFIX/include/verityscrub.h " "$hdrs"
	fi
	# The same, linked with the static archive (pkg-config --static):
	# nothing of libverityscrub is needed at run time.
	# (its Libs.private, libfsverity and libcrypto, after the archive)
	local private
	if ! libs=$(pkg-config --static --libs-only-L verityscrub) ||
		! other=$(pkg-config --static --libs-only-other verityscrub) ||
		! private=$(pkg-config --static --libs-only-l verityscrub |
			sed 's/-lverityscrub//'); then
		fail example-build-static "pkg-config --static verityscrub failed"
	elif ! (cd "$ex" && logged example-build-static.log cc -std=c11 -Wall -Wextra -Werror \
			$cflags -o scrub-example-static scrub-example.c $libs $other \
			-Wl,-Bstatic -lverityscrub -Wl,-Bdynamic $private); then
		fail example-build-static "cc with the static archive failed: $(last example-build-static.log)"
	else
		expect example-build-static "" "$(readelf -d "$ex/scrub-example-static" | grep -o 'libverityscrub[^]]*')"
	fi
	unset PKG_CONFIG_PATH PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
	# No module on the host: the documented "an error" exit status, 2, and
	# the library's message.  The shared build finds libverityscrub.so.0 in
	# the DESTDIR only (LD_LIBRARY_PATH), as it says.
	local rc want=": /dev/verity-scrub is not available: the verity_scrub module is not loaded"
	if [ -x "$ex/scrub-example" ]; then
		rc=0
		LD_LIBRARY_PATH=$lib LD_DEBUG=libs "$ex/scrub-example" "$TOP/VERSION" \
			> "$LOGDIR/example-run.log" 2>&1 || rc=$?
		expect example-run "2 1 1" "$rc $(grep -c "calling init: $lib/libverityscrub.so.0$" \
			"$LOGDIR/example-run.log") $(grep -c "$want" "$LOGDIR/example-run.log")"
	else
		fail example-run "no example binary (see example-build)"
	fi
	if [ -x "$ex/scrub-example-static" ]; then
		rc=0
		"$ex/scrub-example-static" "$TOP/VERSION" > "$LOGDIR/example-run-static.log" 2>&1 || rc=$?
		expect example-run-static "2 1" "$rc $(grep -c "$want" "$LOGDIR/example-run-static.log")"
	else
		fail example-run-static "no static example binary (see example-build-static)"
	fi

	if ! logged make-uninstall.log make -C "$TOP" uninstall DESTDIR="$D" PREFIX=$PREFIX; then
		fail make-uninstall "make uninstall failed: $(last make-uninstall.log)"
	else
		expect make-uninstall "" "$(cd "$D" && find . ! -type d | sort | tr '\n' ' ')$(
			[ -e "$D$PREFIX/share/doc/verity-scrub" ] && echo "$PREFIX/share/doc/verity-scrub")"
	fi
}
install_tests

# ---- make modules_install --------------------------------------------------------

modules_install_test() {
	if [ $deps_ok = 0 ]; then
		fail modules-install "dependencies missing (see deps)"
		return
	fi
	# In a copy of the module sources: the top-level Makefile builds with
	# M=$(CURDIR) and must not leave objects in the checkout.
	local src=$TMP/mi-src root=$TMP/mi-root ko
	if ! logged mi-src.log make -s -C "$TOP" dkms-src DESTDIR="$TMP" DKMS_SRCDIR=/mi-src; then
		fail modules-install "make dkms-src failed: $(last mi-src.log)"
		return
	fi
	if ! logged modules-install.log make -C "$src" -f "$TOP/Makefile" modules_install \
		KDIR="$KDIR" INSTALL_MOD_PATH="$root"; then
		fail modules-install "make modules_install failed: $(last modules-install.log)"
		return
	fi
	ko=$root/lib/modules/$ABI/extra/verity_scrub.ko
	if [ ! -f "$ko" ]; then
		fail modules-install "no $ko after make modules_install INSTALL_MOD_PATH=..."
	else
		expect modules-install "$ABI extra/verity_scrub.ko:" \
			"$(modinfo -F vermagic "$ko" | cut -d' ' -f1) $(grep -o '^extra/verity_scrub.ko:' \
				"$root/lib/modules/$ABI/modules.dep" 2>/dev/null)"
	fi
}
modules_install_test

# ---- sysusers.d and the udev rule --------------------------------------------------

RULE=$TOP/packaging/60-verity-scrub.rules
SYSROOT=$TMP/sysroot
GROUP_LINE=
if ! command -v systemd-sysusers > /dev/null; then
	fail sysusers "systemd-sysusers not found (Debian package systemd)"
else
	mkdir -p "$SYSROOT/etc"
	if ! logged sysusers.log systemd-sysusers --root="$SYSROOT" "$TOP/packaging/verity-scrub.sysusers"; then
		fail sysusers "systemd-sysusers failed: $(last sysusers.log)"
	else
		GROUP_LINE=$(grep '^verity-scrub:' "$SYSROOT/etc/group")
		gid=$(echo "$GROUP_LINE" | cut -d: -f3)
		if [ -n "$gid" ] && [ "$gid" -lt 1000 ]; then
			pass sysusers
		else
			fail sysusers "expected a system group verity-scrub (gid < 1000), got '$GROUP_LINE'"
		fi
	fi
fi

# udevadm: the installed one, else the one in Debian's udev package
# unpacked (not installed: installing udev would start udevd on the host).
udevadm_bin() {
	if command -v udevadm; then return 0; fi
	local cache=$BUILD/install-cache/udev deb
	if [ ! -x "$cache/bin/udevadm" ] && [ ! -x "$cache/usr/bin/udevadm" ]; then
		mkdir -p "$cache.dl"
		(cd "$cache.dl" && apt-get download udev > /dev/null 2>&1) || return 1
		deb=$(ls "$cache.dl"/udev_*.deb 2>/dev/null | head -n1)
		[ -n "$deb" ] && dpkg-deb -x "$deb" "$cache" || return 1
	fi
	ls "$cache"/bin/udevadm "$cache"/usr/bin/udevadm 2>/dev/null | head -n1
}

# The sandbox: a private mount namespace with an empty tmpfs on /dev, /run
# and every udev rules directory, the group file systemd-sysusers made, and
# a real misc device of the host's sysfs standing in for verity-scrub (the
# rule is copied with only its KERNEL match changed).  udevadm test applies
# OWNER/GROUP/MODE to the node, so that node must be a tmpfs copy.
udev_sandbox() {
	local udevadm=$1 sysdev=$2 name=$3 majmin=$4 d
	set -e
	mount -t tmpfs none /run
	mount -t tmpfs none /dev
	[ "$(stat -f -c %T /dev)" = tmpfs ] && [ "$(stat -f -c %T /run)" = tmpfs ]
	for d in /etc/udev/rules.d /usr/lib/udev/rules.d /lib/udev/rules.d \
		/usr/local/lib/udev/rules.d; do
		[ -d "$d" ] && mount -t tmpfs none "$d"
	done
	mkdir -p /run/udev/rules.d
	cp "$RULE" /run/udev/rules.d/60-verity-scrub.rules
	sed "s/KERNEL==\"verity-scrub\"/KERNEL==\"$name\"/" "$RULE" \
		> /run/udev/rules.d/61-stand-in.rules
	mount --bind "$SYSROOT/etc/group" /etc/group
	mknod "/dev/$name" c "${majmin%:*}" "${majmin#*:}"
	chmod 0600 "/dev/$name"		# as the module creates it
	SYSTEMD_LOG_LEVEL=debug "$udevadm" test --action=add "$sysdev" > /run/udevadm.log 2>&1 || true
	cat /run/udevadm.log
	echo "VS-NODE $(stat -c '%A %U %G' "/dev/$name")"
	if "$udevadm" verify --help > /dev/null 2>&1; then	# udev >= 253
		if "$udevadm" verify /run/udev/rules.d/60-verity-scrub.rules; then
			echo "VS-VERIFY ok"
		else
			echo "VS-VERIFY failed"
		fi
	fi
}

udev_test() {
	local udevadm sysdev name majmin out node diffs
	if [ -z "$GROUP_LINE" ]; then
		fail udev-rule "no verity-scrub group (see sysusers)"
		return
	fi
	if ! udevadm=$(udevadm_bin) || [ -z "$udevadm" ]; then
		fail udev-rule "no udevadm: neither installed nor from 'apt-get download udev'"
		return
	fi
	diffs=$(sed "s/KERNEL==\"verity-scrub\"/KERNEL==\"x\"/" "$RULE" | diff - "$RULE" | grep -c '^>')
	if [ "$diffs" != 1 ]; then
		fail udev-rule "the rule must have exactly one line matching KERNEL==\"verity-scrub\" (found $diffs)"
		return
	fi
	for sysdev in /sys/class/misc/*; do
		[ -f "$sysdev/dev" ] && break
	done
	if [ ! -f "$sysdev/dev" ]; then
		fail udev-rule "no misc device in /sys/class/misc to stand in for verity-scrub"
		return
	fi
	sysdev=$(readlink -f "$sysdev")
	name=$(basename "$sysdev")
	majmin=$(cat "$sysdev/dev")
	export RULE SYSROOT
	out=$(unshare -m bash -c "$(declare -f udev_sandbox); udev_sandbox '$udevadm' '$sysdev' '$name' '$majmin'" 2>&1)
	echo "$out" > "$LOGDIR/udevadm-test.log"
	node=$(echo "$out" | sed -n 's/^VS-NODE //p')
	local bad
	bad=$(echo "$out" | grep -E '60-verity-scrub\.rules|61-stand-in\.rules' |
		grep -iE 'invalid|ignor|error|fail|unknown|not ' | head -n 2 | tr '\n' ' ')
	if ! echo "$out" | grep -q 'Reading rules file: /run/udev/rules.d/60-verity-scrub.rules'; then
		fail udev-rule "udevadm did not read the rule (see $LOGDIR/udevadm-test.log)"
	elif [ -n "$bad" ]; then
		fail udev-rule "udevadm: $bad"
	elif echo "$out" | grep -q 'VS-VERIFY failed'; then
		fail udev-rule "udevadm verify rejects the rule"
	else
		expect udev-rule "crw-rw---- root verity-scrub" "$node"
	fi
	# The README documents exactly what the rule gives.
	if grep -q 'crw-rw---- 1 root verity-scrub' "$TOP/README" &&
		[ "$node" = "crw-rw---- root verity-scrub" ]; then
		pass udev-readme
	else
		fail udev-readme "README does not show 'crw-rw---- 1 root verity-scrub' or the rule gives '$node'"
	fi
}
udev_test

exit 0
