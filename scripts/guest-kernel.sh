#!/bin/sh
# Fetch Debian's cloud kernel for the VM guest and unpack it into the build tree; it is never
# installed on the host. Usage: scripts/guest-kernel.sh OUTDIR (build/guest).
# Produces OUTDIR/kernel/ (the package's files, with modules.dep made by depmod),
# OUTDIR/modules -> kernel/lib/modules/VERSION, OUTDIR/kernel.version (package and version),
# OUTDIR/vmlinuz (the bzImage) and, last, OUTDIR/vmlinux: the same kernel uncompressed, an ELF
# that QEMU boots through its PVH entry point, skipping the firmware's bzImage loader and the
# decompressor (0.3-0.5 s of a TCG boot here). An interrupted run leaves no vmlinux, so make
# runs it again.
set -eu

out=${1:?usage: guest-kernel.sh OUTDIR}
meta=linux-image-cloud-amd64
PATH=$PATH:/usr/sbin:/sbin
export DEBIAN_FRONTEND=noninteractive

# The metapackage depends on exactly one real image package, linux-image-<abi>-cloud-amd64.
resolve() {
	apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-cloud-amd64\)$/\1/p' | head -n 1
}

pkg=$(resolve)
if [ -z "$pkg" ]; then
	# A fresh machine (or an image with its apt lists removed) knows no packages yet.
	if [ "$(id -u)" -ne 0 ]; then
		echo "guest-kernel.sh: apt does not know $meta; run as root: apt-get update" >&2
		exit 1
	fi
	apt-get update -qq >&2
	pkg=$(resolve)
fi
if [ -z "$pkg" ]; then
	echo "guest-kernel.sh: cannot resolve $meta to a linux-image-*-cloud-amd64 package" >&2
	exit 1
fi
ver=${pkg#linux-image-}

mkdir -p "$out"
tmp=$(mktemp -d "$out/.kernel.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM # then the EXIT trap cleans up; the script does not go on

echo "guest-kernel.sh: fetching $pkg" >&2
# apt's download sandbox user cannot write into a root-owned build tree: download as is.
(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2)
deb=$(ls "$tmp"/*.deb)
pkgver=$(dpkg-deb -f "$deb" Version)
dpkg-deb -x "$deb" "$tmp/root"
rm -f "$deb"

moddir=
for d in "$tmp/root/lib/modules/$ver" "$tmp/root/usr/lib/modules/$ver"; do
	if [ -d "$d" ]; then
		moddir=$d
		break
	fi
done
if [ -z "$moddir" ] || [ ! -f "$tmp/root/boot/vmlinuz-$ver" ]; then
	echo "guest-kernel.sh: $pkg has no boot/vmlinuz-$ver or modules directory" >&2
	exit 1
fi
# The package ships no modules.dep (its postinst runs depmod): make it in the build tree.
depmod -b "$tmp/root" "$ver"

# The bzImage's payload is a compressed ELF (scripts/extract-vmlinux's method): try every
# offset where a known compressor's magic appears until one decompresses to an ELF file.
is_elf() {
	[ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]
}
try_extract() { # MAGIC (grep -P) COMMAND...
	magic=$1
	shift
	for pos in $(LC_ALL=C grep -aboP "$magic" "$img" | cut -d: -f1); do
		# Trailing bytes after the stream (the kernel's size field) make some tools fail
		# after a complete output: the ELF check decides.
		tail -c +$((pos + 1)) "$img" | "$@" >"$tmp/vmlinux" 2>/dev/null || true
		if is_elf "$tmp/vmlinux"; then
			return 0
		fi
	done
	return 1
}
img=$tmp/root/boot/vmlinuz-$ver
try_extract '\x02\x21\x4c\x18' lz4 -dc ||
	try_extract '\x28\xb5\x2f\xfd' zstd -qdc ||
	try_extract '\x1f\x8b\x08' gzip -dc ||
	try_extract '\xfd\x37\x7a\x58\x5a' xz -dc || {
	echo "guest-kernel.sh: cannot extract an ELF vmlinux from $img" >&2
	exit 1
}

rm -rf "$out/kernel" "$out/vmlinuz" "$out/vmlinux" "$out/modules"
mv "$tmp/root" "$out/kernel"
ln -s "kernel${moddir#"$tmp/root"}" "$out/modules"
printf '%s %s %s\n' "$pkg" "$pkgver" "$ver" >"$out/kernel.version"
cp "$out/kernel/boot/vmlinuz-$ver" "$out/vmlinuz.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
mv "$tmp/vmlinux" "$out/vmlinux"
echo "guest-kernel.sh: $out/vmlinuz is $pkg $pkgver" >&2
