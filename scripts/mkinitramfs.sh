#!/bin/sh
# Build the guest's initramfs: a newc cpio with
#   /init                        boxbench-init (static PID 1)
#   /bin/boxbench-load           the workload (the same static binary the other boxes run)
#   /bin/boxbench-box            container-in-vm's helper: the container launcher, static
#                                (when BOX is given; the same initramfs serves vm, so the two
#                                boxes boot the same guest)
#   /lib/modules/*.ko            virtio-mmio + virtio-blk and their dependencies, uncompressed
#                                (finit_module takes plain ELF), for the io suite's disk
#   /lib/modules/boxbench.list   their file names, dependencies first: init loads them in order
# /dev/console comes from the kernel's built-in initramfs, so no device node (and no root
# privilege) is needed here.
# Usage: scripts/mkinitramfs.sh OUT INIT LOAD MODULES_DIR [none|gzip] [BOX]
# (MODULES_DIR: the kernel's lib/modules/VERSION with modules.dep). The archive is left
# uncompressed by default: it boots faster under TCG than a gzip one (see launchers/vm.c).
set -eu

out=${1:?usage: mkinitramfs.sh OUT INIT LOAD MODULES_DIR [none|gzip] [BOX]}
init=${2:?init}
load=${3:?load}
moddir=${4:?modules dir}
compress=${5:-none}
box=${6:-}
PATH=$PATH:/usr/sbin:/sbin

# What the guest needs beyond the kernel image; whatever of it the kernel has built in is
# skipped (modprobe reports it as "builtin").
ROOT_MODULES="virtio_mmio virtio_blk"

moddir=$(readlink -f "$moddir")
ver=$(basename "$moddir")
kroot=$(dirname "$(dirname "$(dirname "$moddir")")")
if [ ! -f "$moddir/modules.dep" ]; then
	echo "mkinitramfs.sh: $moddir/modules.dep missing (run depmod)" >&2
	exit 1
fi

tmp=$(mktemp -d "$(dirname "$out")/.initramfs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM # then the EXIT trap cleans up; the script does not go on
root=$tmp/root
mkdir -p "$root/bin" "$root/lib/modules" "$root/dev" "$root/proc" "$root/sys" "$root/tmp"
cp "$init" "$root/init"
cp "$load" "$root/bin/boxbench-load"
chmod 755 "$root/init" "$root/bin/boxbench-load"
if [ -n "$box" ]; then
	cp "$box" "$root/bin/boxbench-box"
	chmod 755 "$root/bin/boxbench-box"
fi

: >"$tmp/paths"
for m in $ROOT_MODULES; do
	modprobe -d "$kroot" -S "$ver" --show-depends "$m" >"$tmp/deps"
	while read -r kind path _; do
		[ "$kind" = insmod ] || continue
		grep -qxF "$path" "$tmp/paths" || echo "$path" >>"$tmp/paths"
	done <"$tmp/deps"
done

: >"$root/lib/modules/boxbench.list"
while read -r path; do
	name=$(basename "$path")
	case "$name" in
	*.ko.xz) name=${name%.xz}; xz -dc "$path" >"$root/lib/modules/$name" ;;
	*.ko.zst) name=${name%.zst}; zstd -qdc "$path" >"$root/lib/modules/$name" ;;
	*.ko.gz) name=${name%.gz}; gzip -dc "$path" >"$root/lib/modules/$name" ;;
	*) cp "$path" "$root/lib/modules/$name" ;;
	esac
	echo "$name" >>"$root/lib/modules/boxbench.list"
done <"$tmp/paths"

(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --reproducible --quiet) >"$tmp/initramfs.cpio"
case "$compress" in
none) ;;
gzip) gzip -9n "$tmp/initramfs.cpio" && mv "$tmp/initramfs.cpio.gz" "$tmp/initramfs.cpio" ;;
*) echo "mkinitramfs.sh: unknown compression $compress" >&2; exit 1 ;;
esac
mv "$tmp/initramfs.cpio" "$out"
echo "mkinitramfs.sh: $out ($(wc -c <"$out") bytes, modules: $(tr '\n' ' ' <"$root/lib/modules/boxbench.list"))" >&2
