#!/bin/sh
# The disk of the vm-full environment (launchers/vm_full.c): a Debian system as people boot
# it, from a base tree made by debian-base.sh with systemd, udev and Debian's cloud kernel
# (make image-full). Usage: scripts/mkimage-full.sh DIR LOAD INIT
#   DIR/base/        the base (debootstrap minbase + systemd-sysv, udev, linux-image-cloud-amd64)
#   DIR/disk.img     written here: an MBR disk (syslinux's mbr.bin) with one bootable ext4
#                    partition labelled bbfull holding the base, extlinux in /boot/extlinux,
#                    /bin/boxbench-load (LOAD) and /bin/boxbench-init (INIT), and
#                    boxbench.service, the systemd unit that runs `boxbench-init --unit`
#   DIR/full.json    written last: the kernel version and how the base was made
# The base's initramfs is made once with only the modules this disk needs (virtio-pci,
# virtio-blk), as a cloud image's is, instead of initramfs-tools' "most" (tens of MiB the
# firmware would read through BIOS calls at every boot). Needs root (a chroot and a loop
# mount for extlinux --install).
set -eu

dir=${1:?usage: mkimage-full.sh DIR LOAD INIT}
load=${2:?load}
init=${3:?init}
PATH=$PATH:/usr/sbin:/sbin
base=$dir/base
mbr=/usr/lib/syslinux/mbr/mbr.bin

[ "$(id -u)" -eq 0 ] || { echo "mkimage-full.sh: needs root (chroot, loop mount)" >&2; exit 1; }
[ -d "$base" ] && [ -f "$dir/base.info" ] ||
	{ echo "mkimage-full.sh: $base missing (make image-full makes it)" >&2; exit 1; }
for t in extlinux sfdisk mkfs.ext4 losetup; do
	command -v $t >/dev/null ||
		{ echo "mkimage-full.sh: $t missing (make deps: extlinux, fdisk, e2fsprogs)" >&2; exit 1; }
done
[ -f "$mbr" ] || { echo "mkimage-full.sh: $mbr missing (Debian package syslinux-common)" >&2; exit 1; }
kver=$(ls "$base/boot" | sed -n 's/^vmlinuz-//p' | sort -V | tail -n 1)
[ -n "$kver" ] || { echo "mkimage-full.sh: no kernel in $base/boot" >&2; exit 1; }

tmp=$(mktemp -d "$dir/.full.XXXXXX")
cleanup() {
	awk -v t="$tmp/" 'index($2, t) == 1 { print $2 }' /proc/self/mounts | sort -r |
		while read -r m; do umount "$m" || umount -l "$m" || true; done
	awk -v t="$base/" 'index($2, t) == 1 { print $2 }' /proc/self/mounts | sort -r |
		while read -r m; do umount "$m" || umount -l "$m" || true; done
	rm -rf --one-file-system "$tmp" || echo "mkimage-full.sh: $tmp left behind" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. The base's initramfs, once (the marker is written last).
marker=$dir/initramfs.done
if [ ! -f "$marker" ] || [ "$dir/base.info" -nt "$marker" ]; then
	echo "mkimage-full.sh: initramfs for virtio disks (once, about a minute)" >&2
	grep -qx virtio_blk "$base/etc/initramfs-tools/modules" ||
		printf 'virtio_pci\nvirtio_blk\n' >>"$base/etc/initramfs-tools/modules"
	printf 'MODULES=list\n' >"$base/etc/initramfs-tools/conf.d/boxbench"
	mount -t proc proc "$base/proc"
	chroot "$base" update-initramfs -u -k "$kver" >"$tmp/initramfs.log" 2>&1 ||
		{ tail -n 20 "$tmp/initramfs.log" >&2; exit 1; }
	umount "$base/proc"
	touch "$marker"
fi

# 2. The tree: the base by hard link; what is added or changed is a new file.
root=$tmp/root
cp -al "$base" "$root"
rm -f "$root/etc/hostname" "$root/etc/fstab" "$root/bin/boxbench-load" "$root/bin/boxbench-init"
printf 'boxbench\n' >"$root/etc/hostname"
printf '# the root is mounted read-only by the kernel (ro); nothing else\n' >"$root/etc/fstab"
cp -p "$load" "$root/bin/boxbench-load"
cp -p "$init" "$root/bin/boxbench-init"
chmod 755 "$root/bin/boxbench-load" "$root/bin/boxbench-init"
# The serial console carries the records: no login prompt on it.
ln -sf /dev/null "$root/etc/systemd/system/serial-getty@.service"
ln -sf /dev/null "$root/etc/systemd/system/getty@.service"
cat >"$root/etc/systemd/system/boxbench.service" <<'EOF'
[Unit]
Description=boxbench workload (records on the serial port, then power-off)
# The default dependencies: started once basic.target is reached, as a service of the
# multi-user target is on any Debian system.

[Service]
Type=exec
ExecStart=/bin/boxbench-init --unit
StandardInput=null
StandardOutput=journal

[Install]
WantedBy=multi-user.target
EOF
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf ../boxbench.service "$root/etc/systemd/system/multi-user.target.wants/boxbench.service"
mkdir -p "$root/boot/extlinux"
# The io suite's scratch disk is mounted here (bench/init.c): the root is read-only.
mkdir -p "$root/scratch"
# No prompt, no timeout: the default entry boots at once. (extlinux 6.04's SAY and DISPLAY
# print nothing on the serial port here, so the firmware's end cannot be marked there: the
# launcher measures firmware + loader as launch -> the guest kernel's clock.)
cat >"$root/boot/extlinux/extlinux.conf" <<EOF
SERIAL 0 115200
PROMPT 0
DEFAULT debian
LABEL debian
  LINUX /boot/vmlinuz-$kver
  INITRD /boot/initrd.img-$kver
  APPEND root=LABEL=bbfull ro console=ttyS0,115200 quiet systemd.show_status=false panic=-1
EOF

# 3. The disk: an MBR partition table, one bootable partition at 1 MiB, ext4 made from the
# tree, with block maps instead of extents and without 64bit and metadata_csum: extlinux
# 6.04 failed to load the kernel from an extent-mapped file here ("I/O error").
mib=$(du -s --apparent-size --block-size=1M "$root" | cut -f1)
inodes=$(find "$root" -xdev | wc -l)
fs=$((mib + mib / 4 + 64))
truncate -s $((fs + 1))M "$tmp/disk.img"
printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk -q "$tmp/disk.img"
mkfs.ext4 -q -F -L bbfull -O ^64bit,^metadata_csum,^extent,^flex_bg,^huge_file -N $((inodes * 2 + 1024)) \
	-E offset=1048576,root_owner=0:0 -d "$root" "$tmp/disk.img" "${fs}M"
dd if="$mbr" of="$tmp/disk.img" bs=440 count=1 conv=notrunc status=none
mkdir "$tmp/mnt"
mount -o loop,offset=1048576 "$tmp/disk.img" "$tmp/mnt"
extlinux --install "$tmp/mnt/boot/extlinux" >/dev/null 2>"$tmp/extlinux.log" ||
	{ cat "$tmp/extlinux.log" >&2; exit 1; }
umount "$tmp/mnt"

src=$(head -n 1 "$dir/base.info" | tr -d '\000-\037' | sed 's/\\/\\\\/g; s/"/\\"/g')
printf '{"schema":"boxbench-full/1","kernel":"%s","loader":"extlinux %s","source":"%s"}\n' \
	"$kver" "$(dpkg-query -W -f='${Version}' extlinux 2>/dev/null || echo unknown)" "$src" \
	>"$tmp/full.json"
rm -f "$dir/full.json"
mv "$tmp/disk.img" "$dir/disk.img"
mv "$tmp/full.json" "$dir/full.json"
echo "mkimage-full.sh: $dir/disk.img ($((fs + 1)) MiB, kernel $kver)" >&2
