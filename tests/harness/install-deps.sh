#!/bin/bash
# Install the Debian packages the bench needs (idempotent).  Root only.
set -euo pipefail

pkgs=(
	build-essential bc flex bison libelf-dev libssl-dev dwarves cpio xz-utils
	kmod sparse python3 rsync qemu-system-x86 busybox-static
	e2fsprogs f2fs-tools btrfs-progs dmsetup fsverity libfsverity-dev
	libjson-c-dev pkg-config abigail-tools mandoc python3-jsonschema bash-completion
	libsystemd-dev python3-prometheus-client
)

# The Debian 6.1 ABI number moves: resolve it from the meta package.
abi_pkg() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\(6\.1\.[0-9]*-[0-9]*-amd64\)$/\1/p' | head -n1
}

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done

updated=0
if [ -z "$(abi_pkg)" ] || [ ${#missing[@]} -gt 0 ]; then
	apt-get update -qq
	updated=1
fi
kver=$(abi_pkg)
[ -n "$kver" ] || { echo "install-deps: cannot resolve the Debian 6.1 kernel ABI" >&2; exit 1; }
dpkg-query -W -f='${Status}' "linux-headers-$kver" 2>/dev/null | grep -q 'install ok installed' ||
	missing+=("linux-headers-$kver")

if [ ${#missing[@]} -gt 0 ]; then
	[ $updated = 1 ] || apt-get update -qq
	echo "install-deps: installing ${missing[*]}" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "$kver"
