#!/bin/bash
# Provision the two bench kernels, cached outside the repo (idempotent).
#
#   provision-kernels.sh [6.1|6.12|6.12-kasan|all]   (all: 6.1 and 6.12)
#
# Cache layout, under ${VS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/verity-scrub}:
#   debian-<pkgversion>/          Debian 6.1: vmlinuz, modules, KDIR link
#   k612-<pkgversion>-<cfghash>/  6.12 test kernel: source+build tree, bzImage
# Each directory has a .done stamp; a half-built directory is rebuilt.
# Prints "NAME KDIR VMLINUZ MODDIR" lines for the kernels asked for.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${VS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/verity-scrub}
mkdir -p "$cache"
log() { echo "provision: $*" >&2; }

RECIPE_612="x86_64_defconfig kvm_guest.config fragment; bzImage modules; v1"
kver=$("$here/install-deps.sh")

# One provisioning of each kernel at a time: parallel callers wait, then
# find the cache (a 6.1 caller does not wait for a 6.12 build).
locked() {
	local name=$1
	shift
	(
		flock 9
		"$@"
	) 9> "$cache/.lock-$name"
}

provision_61() {
	local pkg="linux-image-$kver-unsigned" ver dir
	ver=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || { log "no candidate for $pkg"; exit 1; }
	dir="$cache/debian-$kver-$ver"
	if [ ! -e "$dir/.done" ]; then
		log "fetching $pkg $ver"
		rm -rf "$dir" && mkdir -p "$dir/dl"
		(cd "$dir/dl" && apt-get download -qq "$pkg=$ver" >/dev/null 2>&1)
		dpkg-deb -x "$dir"/dl/*.deb "$dir/root"
		rm -rf "$dir/dl"
		depmod -b "$dir/root" "$kver"
		touch "$dir/.done"
	fi
	echo "6.1 /lib/modules/$kver/build $dir/root/boot/vmlinuz-$kver $dir/root/lib/modules/$kver"
}

# provision_612 [NAME EXTRA_FRAGMENT]: the 6.12 test kernel, or a variant
# of it with one more config fragment (6.12-kasan: make check-kasan).
provision_612() {
	local name=${1:-6.12} extra=${2:-} ver hash dir src jobs tag
	ver=$(apt-cache policy linux-source-6.12 | sed -n 's/^ *Candidate: //p')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || { log "no candidate for linux-source-6.12"; exit 1; }
	# Keyed by the config fragments and the recipe below (bump RECIPE when
	# the way the kernel is built changes).
	hash=$( (echo "$RECIPE_612"; cat "$here/kernel-6.12.config" ${extra:+"$here/$extra"}) |
		sha256sum | cut -c1-12)
	tag=k612
	[ -n "$extra" ] && tag=k612-${name#6.12-}
	dir="$cache/$tag-$ver-$hash"
	src="$dir/src"
	if [ ! -e "$dir/.done" ]; then
		log "building $name test kernel ($ver, config $hash) in $dir"
		rm -rf "$dir" && mkdir -p "$dir/dl"
		(cd "$dir/dl" && apt-get download -qq "linux-source-6.12=$ver" >/dev/null 2>&1)
		dpkg-deb -x "$dir"/dl/*.deb "$dir/dl/x"
		mkdir -p "$src"
		tar -xf "$dir"/dl/x/usr/src/linux-source-6.12.tar.xz -C "$src" --strip-components=1
		rm -rf "$dir/dl"
		jobs=$(( $(nproc) + 1 ))
		make -C "$src" -s x86_64_defconfig kvm_guest.config
		"$src/scripts/kconfig/merge_config.sh" -m -O "$src" "$src/.config" \
			"$here/kernel-6.12.config" ${extra:+"$here/$extra"} >/dev/null
		make -C "$src" -s olddefconfig
		# a variant overrides some of the base (# CONFIG_KASAN is not set)
		check_config "$src/.config" "$here/${extra:-kernel-6.12.config}"
		make -C "$src" -s -j"$jobs" bzImage modules
		touch "$dir/.done"
	fi
	echo "$name $src $src/arch/x86/boot/bzImage -"
}

# Every option of the fragment must have survived olddefconfig.
check_config() {
	local cfg=$1 frag=$2 bad=0 line
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qx "$line" "$cfg" || { log "config: $line did not stick"; bad=1; } ;;
		"# CONFIG_"*" is not set")
			if grep -q "^${line:2:-11}=" "$cfg"; then
				log "config: ${line:2:-11} still set"; bad=1
			fi ;;
		esac
	done < "$frag"
	return $bad
}

case "${1:-all}" in
6.1) locked 6.1 provision_61 ;;
6.12) locked 6.12 provision_612 ;;
6.12-kasan) locked 6.12-kasan provision_612 6.12-kasan kernel-6.12-kasan.config ;;
all) locked 6.1 provision_61; locked 6.12 provision_612 ;;
*) echo "usage: $0 [6.1|6.12|6.12-kasan|all]" >&2; exit 2 ;;
esac
