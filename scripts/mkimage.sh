#!/bin/sh
# Make a root file system image (launchers/image.h) from a base tree: IMAGEDIR/base/ and the
# one line of IMAGEDIR/base.info saying how the base was made (scripts/debian-base.sh makes
# both for the `debian` image). Usage: scripts/mkimage.sh IMAGEDIR LOAD KERNEL_TREE
#   IMAGEDIR/root/       base + what the boxes need of a root: /bin/boxbench-load (a copy
#                        keeping LOAD's mtime, which the harness checks), the mount points of
#                        launchers/rootfs.h, /etc/hostname
#   IMAGEDIR/disk.ext4   root/ plus KERNEL_TREE (Debian's kernel package unpacked: /boot and
#                        the modules), as a distribution's VM disk holds its kernel
#   IMAGEDIR/image.json  written last
# root/ shares the base's files by hard link (what it adds or changes is a new file), so an
# image costs the build tree its base once. The image's name is IMAGEDIR's last component.
set -eu

dir=${1:?usage: mkimage.sh IMAGEDIR LOAD KERNEL_TREE}
load=${2:?load}
ktree=${3:?kernel tree}
PATH=$PATH:/usr/sbin:/sbin
name=$(basename "$dir")

for f in "$dir/base" "$ktree"; do
	[ -d "$f" ] || { echo "mkimage.sh: $f: no such directory" >&2; exit 1; }
done
[ -f "$dir/base.info" ] || { echo "mkimage.sh: $dir/base.info missing" >&2; exit 1; }
command -v mkfs.ext4 >/dev/null || { echo "mkimage.sh: mkfs.ext4 missing (e2fsprogs)" >&2; exit 1; }

tmp=$(mktemp -d "$dir/.image.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM # then the EXIT trap cleans up; the script does not go on
root=$tmp/root
cp -al "$dir/base" "$root"

# The mount points of launchers/rootfs.h; a directory the base lacks is made, and a file in
# the way is an error (mkdir -p says so). /bin may be merged /usr's symlink: followed.
for d in dev proc sys sys/fs sys/fs/cgroup sys/fs/cgroup/cpu sys/fs/cgroup/memory \
	sys/fs/cgroup/pids tmp scratch etc bin; do
	mkdir -p "$root/$d"
done
chmod 1777 "$root/tmp"
rm -f "$root/etc/hostname" "$root/bin/boxbench-load"
printf 'boxbench\n' >"$root/etc/hostname"
cp -p "$load" "$root/bin/boxbench-load"
chmod 755 "$root/bin/boxbench-load"

# The VM's disk: the same tree (hard links again) plus the kernel package, merged into the
# tree's own /lib -> usr/lib symlink where it has one.
vm=$tmp/vm
cp -al "$root" "$vm"
(cd "$ktree" && tar -cf - .) | (cd "$vm" && tar -xf - --keep-directory-symlink --no-same-owner)
mib=$(du -s --apparent-size --block-size=1M "$vm" | cut -f1)
inodes=$(find "$vm" -xdev | wc -l)
# Room for ext4's metadata and journal; the rest of the file stays a hole (sparse).
size=$((mib + mib / 4 + 64))
truncate -s "${size}M" "$tmp/disk.ext4"
mkfs.ext4 -q -F -L "bb-$name" -N $((inodes * 2 + 1024)) -E root_owner=0:0 -d "$vm" \
	"$tmp/disk.ext4"
rm -rf "$vm"

src=$(head -n 1 "$dir/base.info" | tr -d '\000-\037' | sed 's/\\/\\\\/g; s/"/\\"/g')
printf '{"schema":"boxbench-image/1","name":"%s","source":"%s"}\n' "$name" "$src" \
	>"$tmp/image.json"

rm -f "$dir/image.json"
rm -rf "$dir/root" "$dir/disk.ext4"
mv "$root" "$dir/root"
mv "$tmp/disk.ext4" "$dir/disk.ext4"
mv "$tmp/image.json" "$dir/image.json"
echo "mkimage.sh: $dir: root $(du -sh --apparent-size "$dir/root" | cut -f1), disk.ext4 ${size} MiB" >&2
