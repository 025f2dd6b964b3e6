#!/bin/sh
# Install the Debian packages boxbench needs, only those missing. As root it runs apt-get;
# otherwise it prints the exact command and fails.
set -eu

PACKAGES="
build-essential
pkg-config
libgsl-dev
libhwloc-dev
libjansson-dev
libcmocka-dev
gnuplot-nox
qemu-system-x86
cpio
zstd
xz-utils
libxml2-utils
kmod
lz4
e2fsprogs
debootstrap
clang
libclang-rt-14-dev
"

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	exit 0
fi

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing Debian packages:$missing" >&2
	echo "deps.sh: run as root: apt-get update && $cmd" >&2
	exit 1
fi

echo "deps.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; refresh them when they are missing or stale.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
	apt-get update -qq
fi
if ! $cmd >&2; then
	apt-get update -qq
	$cmd >&2
fi
