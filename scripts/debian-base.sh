#!/bin/sh
# The base of the `debian` image (launchers/image.h): a Debian minbase tree made with
# debootstrap from the archive the host's apt uses, cleaned the way Debian's own container
# images are (no downloaded .debs, no package lists). Usage: scripts/debian-base.sh IMAGEDIR
# Produces IMAGEDIR/base/ and IMAGEDIR/base.info (one line: how it was made), both replaced
# only when the new tree is complete. Environment: BOXBENCH_DEBIAN_SUITE (default: the host's
# VERSION_CODENAME), BOXBENCH_DEBIAN_MIRROR (default: the host's first Debian archive URI),
# BOXBENCH_DEBIAN_INCLUDE (packages added to minbase, comma-separated: the full-OS image's).
set -eu

dir=${1:?usage: debian-base.sh IMAGEDIR}
PATH=$PATH:/usr/sbin:/sbin

if [ "$(id -u)" -ne 0 ]; then
	echo "debian-base.sh: debootstrap needs root (it makes device nodes and chroots)" >&2
	exit 1
fi
if ! command -v debootstrap >/dev/null; then
	echo "debian-base.sh: debootstrap missing (Debian package debootstrap; make deps)" >&2
	exit 1
fi

suite=${BOXBENCH_DEBIAN_SUITE:-$(. /etc/os-release && echo "${VERSION_CODENAME:-}")}
if [ -z "$suite" ]; then
	echo "debian-base.sh: no VERSION_CODENAME in /etc/os-release; set BOXBENCH_DEBIAN_SUITE" >&2
	exit 1
fi

# The first archive of the host's apt sources that serves the suite (deb822 or one-line).
host_mirror() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v s="$suite" '
			/^URIs:/ { u = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s && u != "") { print u; exit } }
			/^$/ { u = "" }' "$f"
	done
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk -v s="$suite" '$1 == "deb" && $3 == s { print $2 }'
}
mirror=${BOXBENCH_DEBIAN_MIRROR:-$(host_mirror | head -n 1)}
mirror=${mirror:-http://deb.debian.org/debian}

mkdir -p "$dir"
tmp=$(mktemp -d "$dir/.base.XXXXXX")
# debootstrap mounts /proc and /sys (and may bind /dev) inside the target while it runs: an
# interrupted run must unmount them before removing anything, and rm must not cross into a
# mount it missed.
cleanup() {
	awk -v t="$tmp/" 'index($2, t) == 1 { print $2 }' /proc/self/mounts | sort -r |
		while read -r m; do umount -l "$m" || true; done
	rm -rf --one-file-system "$tmp" || echo "debian-base.sh: $tmp left behind" >&2
}
trap cleanup EXIT
# A signal stops debootstrap and everything it runs (dpkg in the chroot) at once: it is waited
# for in the background, and its whole process tree is killed.
child=
descendants() {
	ps -e -o pid=,ppid= | awk -v root="$1" '{ parent[$1] = $2 } END {
		for (p in parent) {
			q = p
			while ((q in parent) && q != root && q > 1)
				q = parent[q]
			if (q == root && p != root)
				print p
		}
	}'
}
stop() {
	if [ -n "$child" ]; then
		victims="$child $(descendants "$child")"
		kill -TERM $victims 2>/dev/null || true
		wait "$child" 2>/dev/null || true
		# the tree's files are removed once nothing of it still writes there (5 s at most)
		for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
			kill -0 $victims 2>/dev/null || break
			sleep 0.25
		done
	fi
	exit 130
}
trap stop INT TERM

include=${BOXBENCH_DEBIAN_INCLUDE:-}
echo "debian-base.sh: debootstrap --variant=minbase${include:+ --include=$include} $suite from $mirror (about 30 s, 200 MB; more with packages added)" >&2
debootstrap --variant=minbase ${include:+"--include=$include"} "$suite" "$tmp/root" "$mirror" >"$tmp/log" 2>&1 &
child=$!
if ! wait "$child"; then
	tail -n 20 "$tmp/log" >&2
	echo "debian-base.sh: debootstrap failed (its last 20 lines above)" >&2
	exit 1
fi
child=
# What Debian's official container images leave out too: the package cache and lists.
rm -rf "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/var/cache/apt/"*.bin \
	"$tmp/root/var/lib/apt/lists/"*
# debootstrap copies the host's hostname and resolv.conf: the image is not the host's.
rm -f "$tmp/root/etc/hostname" "$tmp/root/etc/resolv.conf"

npkg=$(grep -c '^Package:' "$tmp/root/var/lib/dpkg/status")
ver=$(dpkg-query -W -f='${Version}' debootstrap 2>/dev/null || echo unknown)
printf 'debootstrap %s --variant=minbase%s %s from %s: %s packages, apt cache and lists removed\n' \
	"$ver" "${include:+ --include=$include}" "$suite" "$mirror" "$npkg" >"$tmp/base.info"

rm -rf "$dir/base" "$dir/base.info"
mv "$tmp/root" "$dir/base"
mv "$tmp/base.info" "$dir/base.info"
echo "debian-base.sh: $dir/base ($npkg packages, $(du -sh --apparent-size "$dir/base" | cut -f1))" >&2
