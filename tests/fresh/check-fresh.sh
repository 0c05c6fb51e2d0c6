#!/bin/bash
# make check-fresh: the README's "See it work" commands, run on a fresh
# Debian 12 machine.  Root only; optional (not part of make check).
#
# The machine is a chroot: a clean Debian 12 (bookworm) root made by
# debootstrap's default variant (Priority required + important, what a
# minimal install has) plus git (the user cloned the repository), with the
# apt sources Debian's installer writes (bookworm, -updates, -security, on
# the mirror the host's apt uses).  It is cached as a tarball, built only if
# missing:
#   ${XDG_CACHE_HOME:-~/.cache}/verity-scrub/fresh/bookworm-root.tar
# Each run unpacks it into a new temporary directory, clones this
# repository's committed HEAD into /root/verity-scrub, mounts /proc, /sys,
# /dev and /dev/pts, and runs, as root in the chroot with a clean
# environment (HOME=/root: no kernel cache, none is shared in), exactly the
# indented command lines of the README's "See it work" section.  It then
# checks that they succeeded and that the output shows the promised ranges
# (vsbench.py verify-demo, the checks make check applies to the demo), and
# that only Debian's 6.1 kernel was provisioned.  Everything is unmounted
# and deleted at the end, also on failure.
#
# Environment: VS_FRESH_TMP (where the temporary root goes; default
# /var/tmp), VS_FRESH_KEEP=1 (keep the root after the run, unmounted).
# Prints one VS-RESULT line per check (tests/guest/result.sh: fresh[chroot],
# and verify-demo's demo[ext4]); ends with "N passed, N failed"; exit status
# 1 if any failed.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/verity-scrub/fresh
tarball=$cache/bookworm-root.tar
suite=bookworm
log() { echo "check-fresh: $*" >&2; }
die() { log "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (debootstrap, chroot, mounts)"

. "$top/tests/guest/result.sh"
passed=0 failed=0
ok() { if "$@" >/dev/null 2>&1; then echo 0; else echo 1; fi; }	# 0 if "$@" succeeds
check() {	# check 0|1 NAME [WHY]: one VS-RESULT line
	if [ "$1" = 0 ]; then
		passed=$((passed + 1)); vs_result PASS "fresh[chroot]" "$2"
	else
		failed=$((failed + 1)); vs_result FAIL "fresh[chroot]" "$2" "${3:-}"
	fi
}

# The URI the host's apt uses for SUITE (one-line .list or deb822 .sources).
host_uri() {
	local want=$1
	{
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			sed -e 's/#.*//' -e 's/\[[^]]*\]//' |
			awk -v s="$want" '$1 == "deb" && $3 == s { print $2 }'
		cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
			awk -v s="$want" 'BEGIN { RS = ""; FS = "\n" }
			{
				deb = 0; suite = 0; uri = ""
				for (i = 1; i <= NF; i++) {
					if ($i ~ /^#/) continue
					n = split($i, w, /[ \t]+/)
					if (w[1] == "Types:") for (j = 2; j <= n; j++) if (w[j] == "deb") deb = 1
					if (w[1] == "Suites:") for (j = 2; j <= n; j++) if (w[j] == s) suite = 1
					if (w[1] == "URIs:") uri = w[2]
				}
				if (deb && suite && uri != "") print uri
			}'
	} | head -n1
}

# Unmount everything under DIR (deepest first), end processes whose root
# is DIR (by pid: only ones this run started can be there), then delete it,
# never crossing into another filesystem.
cleanup_dir() {
	local dir=$1 p m left
	[ -n "$dir" ] && [ -d "$dir" ] || return 0
	for p in /proc/[0-9]*; do
		if [ "$(readlink "$p/root" 2>/dev/null)" = "$dir" ]; then
			kill -9 "${p#/proc/}" 2>/dev/null || true
		fi
	done
	while read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m" || true
	done < <(awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' \
			/proc/self/mounts | sort -r)
	left=$(awk -v d="$dir" '$2 == d || index($2, d "/") == 1' /proc/self/mounts)
	if [ -n "$left" ]; then
		log "still mounted under $dir, not deleting it:"; echo "$left" >&2
		return 1
	fi
	if [ "${VS_FRESH_KEEP:-0}" = 1 ] && [ "$dir" = "${root:-}" ]; then
		log "kept $dir"
		return 0
	fi
	rm -rf --one-file-system "$dir"
}

build=''
root=''
trap 'cleanup_dir "$build"; cleanup_dir "$root"' EXIT
trap 'exit 130' INT TERM

# ---- the pristine root (once) ----------------------------------------------

mirror=$(host_uri $suite)
[ -n "$mirror" ] || die "no Debian $suite source in the host's /etc/apt"
security=$(host_uri $suite-security)
security=${security:-http://security.debian.org/debian-security}

if [ ! -e "$tarball" ]; then
	command -v debootstrap >/dev/null || {
		log "installing debootstrap"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
	}
	mkdir -p "$cache"
	build=$(mktemp -d "$cache/build.XXXXXX")
	log "making a clean Debian 12 root with debootstrap from $mirror (once)"
	t=$SECONDS
	debootstrap --include=git $suite "$build/root" "$mirror" > "$build/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$build/debootstrap.log" >&2; die "debootstrap failed"; }
	# What Debian's installer writes (it adds -updates and -security).
	cat > "$build/root/etc/apt/sources.list" <<-EOF
	deb $mirror $suite main
	deb $mirror $suite-updates main
	deb $security $suite-security main
	EOF
	chroot "$build/root" apt-get clean
	tar --numeric-owner -C "$build/root" -cpf "$build/root.tar" .
	mv "$build/root.tar" "$tarball"
	cleanup_dir "$build"
	build=''
	log "root ready after $((SECONDS - t))s: $tarball ($(du -h "$tarball" | cut -f1))"
fi

# ---- this run's machine --------------------------------------------------------

tmpbase=${VS_FRESH_TMP:-/var/tmp}
root=$(mktemp -d "$tmpbase/vs-fresh.XXXXXX")
chmod 755 "$root"
tar --numeric-owner -C "$root" -xpf "$tarball"
# The machine's network: the host's resolver (a real machine has its own).
cp -L /etc/resolv.conf "$root/etc/resolv.conf"

head=$(git -C "$top" rev-parse HEAD)
git -C "$top" diff --quiet HEAD -- || log "note: the work tree has uncommitted changes; testing the committed HEAD"
git clone -q --no-hardlinks "$top" "$root/root/verity-scrub"
git -C "$root/root/verity-scrub" checkout -q "$head"
log "testing commit $(git -C "$top" log -1 --format='%h %s' "$head")"

mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"

# The README's commands: the first indented block of "See it work" (of
# the clone: the committed README).
cmds=$(awk '
	/^See it work/ { sec = 1; next }
	sec && /^[^ -]/ && blk { exit }
	sec && /^  [^ ]/ { blk = 1; sub(/^  /, ""); print; next }
	sec && blk { exit }' "$root/root/verity-scrub/README")
check "$(ok [ "$(printf '%s\n' "$cmds" | tail -n1)" = "make demo" ])" readme-commands \
	"the README's See it work block must end with make demo, has: $cmds"
log "the README's commands, in $root:"
printf '  %s\n' "$cmds" >&2

out=$cache/last-run.log
t=$SECONDS
rc=0
env -i HOME=/root TERM="${TERM:-dumb}" \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	chroot "$root" /bin/bash -c "set -e; cd /root/verity-scrub; set -x; $cmds" \
	2>&1 | tee "$out" || rc=$?
secs=$((SECONDS - t))
log "the README's commands took ${secs}s ($((secs / 60)) min $((secs % 60)) s), exit $rc"

check $rc readme-commands-exit "exit status $rc"

# What the user saw: the promised ranges (the checks make check makes).
# Its VS-RESULT lines (demo[ext4]) are shown as they are and counted here.
vout=$(python3 "$root/root/verity-scrub/tests/harness/vsbench.py" verify-demo "$out" |
	grep '^VS-RESULT ') || true
if [ -n "$vout" ]; then
	printf '%s\n' "$vout"
	n=$(printf '%s\n' "$vout" | wc -l)
	npass=$(printf '%s\n' "$vout" | grep -c '^VS-RESULT PASS ' || true)
	passed=$((passed + npass)); failed=$((failed + n - npass))
else
	check 1 verify-demo "no VS-RESULT lines from vsbench.py verify-demo"
fi

# Only Debian's 6.1 kernel, provisioned by this run in the chroot's own
# cache (nothing of the host's), and the module built against its headers.
kc=$root/root/.cache/verity-scrub
check "$(ok compgen -G "$kc/debian-6.1.*/.done")" kernel-6.1-provisioned-in-the-chroot \
	"no $kc/debian-6.1.*/.done"
k612=$(ls -d "$kc"/k612* 2>/dev/null || true)
check "$(ok [ -z "$k612" ])" no-6.12-test-kernel "found $k612"
ko=$(ls "$root"/root/verity-scrub/build/mod-6.1/verity_scrub.ko 2>/dev/null || true)
vm=''
if [ -n "$ko" ]; then vm=$(modinfo -F vermagic "$ko" 2>/dev/null || true); fi
case "$vm" in
6.1.*-amd64\ *) check 0 module-built-against-debian-6.1 ;;
*) check 1 module-built-against-debian-6.1 "vermagic '$vm' of ${ko:-no verity_scrub.ko}" ;;
esac
log "the machine's root grew to $(du -sh --one-file-system "$root" | cut -f1); output in $out"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
