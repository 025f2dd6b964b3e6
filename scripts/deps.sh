#!/bin/sh
# Install the Debian packages boxbench needs, only those missing. As root it runs apt-get;
# otherwise it prints the exact command and fails.
set -eu

# ansible-core ... iproute2: scripts/fleet and its test. The playbook uses only ansible.builtin,
# so ansible-core (8 MB) is enough; Debian's full ansible package adds 259 MB of collections.
# python3-apt is what Ansible's apt module needs on a host.
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
runc
crun
podman
docker.io
seabios
extlinux
syslinux-common
fdisk
clang
libclang-rt-14-dev
python3-jsonschema
scdoc
debhelper
ansible-core
python3-apt
openssh-client
openssh-server
iproute2
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
# docker.io's dockerd makes docker0, iptables rules and turns on IP forwarding when it starts:
# boxbench runs a private daemon and never wants the system's started behind its back. Nor
# does it want a system sshd listening on every address: openssh-server is here only for the
# fleet test (scripts/fleet/fleet-check.sh), which runs its own sshds in network namespaces.
# While installing, a policy-rc.d (the invoke-rc.d / deb-systemd-invoke policy hook) refuses to
# start services, unless the machine already has one; removed on every path.
policy=/usr/sbin/policy-rc.d
case " $missing " in
*" docker.io "* | *" containerd "* | *" podman "* | *" openssh-server "*)
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\n# boxbench deps.sh: no service starts while packages install\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		trap 'rm -f "$policy"' EXIT INT TERM
	fi
	;;
esac
# A fresh machine has no package lists yet; refresh them when they are missing or stale.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
	apt-get update -qq
fi
if ! $cmd >&2; then
	apt-get update -qq
	$cmd >&2
fi
# Its package enables ssh.service for the next boot: this machine did not ask for an SSH
# server (only fleet-check's own sshds use it), so none starts at boot either.
case " $missing " in
*" openssh-server "*)
	if command -v systemctl >/dev/null; then
		systemctl disable --quiet ssh.service 2>/dev/null || true
	fi
	;;
esac
