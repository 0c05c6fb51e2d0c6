#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/systemd/build-root.sh: the systemd guest's pristine root, built
# once and cached (root only).  Prints its path.
#
# A minimal Debian 12 root with systemd: debootstrap --variant=minbase
# plus PACKAGES (no recommends), from the mirror the host's apt uses, apt's
# caches emptied, as a tarball keyed by the package list and this recipe:
#   ${VS_CACHE:-${XDG_CACHE_HOME:-~/.cache}/verity-scrub}/systemd-root/bookworm-HASH.tar
# A half-built one is never used (built aside, then renamed).
set -euo pipefail

PACKAGES="systemd systemd-sysv udev kmod e2fsprogs fsverity libfsverity0 libjson-c5 libsystemd0 dmsetup"
RECIPE="debootstrap --variant=minbase bookworm; apt-get clean; v1"
suite=bookworm
cache=${VS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/verity-scrub}/systemd-root
hash=$(echo "$RECIPE $PACKAGES" | sha256sum | cut -c1-12)
tarball=$cache/$suite-$hash.tar
log() { echo "systemd-root: $*" >&2; }

[ "$(id -u)" = 0 ] || { log "run as root (debootstrap)"; exit 1; }
if [ -e "$tarball" ]; then
	echo "$tarball"
	exit 0
fi
mkdir -p "$cache"
exec 9> "$cache/.lock"
flock 9
if [ ! -e "$tarball" ]; then
	command -v debootstrap > /dev/null || {
		log "installing debootstrap"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap > /dev/null
	}
	mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' |
		awk -v s=$suite '$2 == s { print $1; exit }')
	[ -n "$mirror" ] || { log "no Debian $suite source in the host's apt"; exit 1; }
	build=$(mktemp -d "$cache/build.XXXXXX")
	trap 'rm -rf --one-file-system "$build"' EXIT
	log "debootstrap --variant=minbase $suite from $mirror with: $PACKAGES (once)"
	t=$SECONDS
	if ! debootstrap --variant=minbase --include="${PACKAGES// /,}" $suite \
		"$build/root" "$mirror" > "$build/debootstrap.log" 2>&1; then
		tail -n 20 "$build/debootstrap.log" >&2
		log "debootstrap failed"
		exit 1
	fi
	chroot "$build/root" apt-get clean
	rm -rf "$build/root/var/lib/apt/lists/"*
	tar --numeric-owner -C "$build/root" -cpf "$build/root.tar" .
	mv "$build/root.tar" "$tarball"
	log "root ready after $((SECONDS - t))s: $tarball ($(du -h "$tarball" | cut -f1))"
fi
echo "$tarball"
